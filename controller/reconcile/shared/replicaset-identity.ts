import type { V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import { removeInjectedAntiAffinityRule } from './anti-affinity.ts';
import { syncReplicaSetEphemeralMetadata } from './ephemeral-pod-metadata.ts';
import { podTemplateHash, templatesEqualIgnoringHash } from './hash.ts';
import { toMillis } from './time.ts';

/**
 * Which of a Rollout's ReplicaSets is which: new, stable, the others, in Argo's orders.
 * Mirrors Argo Rollouts' utils/replicaset.
 */

export function podHashOf(rs: V1ReplicaSet | undefined): string {
  return rs?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
}

export function nameOf(rs: V1ReplicaSet | undefined): string {
  return rs?.metadata?.name ?? '';
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, name breaking ties. */
export function byCreationTimestamp(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ta = toMillis(a.metadata?.creationTimestamp) ?? 0;
  const tb = toMillis(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  return nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0;
}

/**
 * Argo's FindNewReplicaSet: the ReplicaSet labelled with the template's hash, or else the oldest
 * one whose template equals the Rollout's once the hash label, the canary/stable metadata injected
 * by the controller and the injected anti-affinity rule are left aside. The second search is what
 * adopts ReplicaSets created by Argo Rollouts, whose hashes come from a different encoding.
 */
export function findNewReplicaSet(rollout: Rollout, rss: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  const sorted = [...rss].sort(byCreationTimestamp);
  const hash = podTemplateHash(rollout.spec.template, rollout.status?.collisionCount);
  const byHash = sorted.find((rs) => podHashOf(rs) === hash);
  if (byHash) return byHash;
  return sorted.find((rs) => {
    const live = syncReplicaSetEphemeralMetadata(rs, undefined).replicaSet.spec?.template ?? {};
    const comparable: V1PodTemplateSpec = {
      ...live,
      spec: live.spec ? { ...live.spec, affinity: removeInjectedAntiAffinityRule(live.spec.affinity, rollout) } : live.spec,
    };
    return templatesEqualIgnoringHash(comparable, rollout.spec.template);
  });
}

/** Argo's GetStableRS: the ReplicaSet whose hash is status.stableRS, preferring the new one. */
export function findStableReplicaSet(
  rollout: Rollout,
  rss: readonly V1ReplicaSet[],
  newRS?: V1ReplicaSet,
): V1ReplicaSet | undefined {
  const stableHash = rollout.status?.stableRS ?? '';
  if (stableHash === '') return undefined;
  if (newRS && podHashOf(newRS) === stableHash) return newRS;
  return rss.find((rs) => podHashOf(rs) === stableHash);
}

/** Argo's GetOtherRSs: neither the new nor the stable ReplicaSet (compared by name). */
export function otherReplicaSets(
  rss: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
): V1ReplicaSet[] {
  return rss.filter((rs) => !(stableRS && nameOf(rs) === nameOf(stableRS)) && !(newRS && nameOf(rs) === nameOf(newRS)));
}

/** Argo's FindOldReplicaSets: every ReplicaSet but the new one (compared by UID). */
export function olderReplicaSets(rss: readonly V1ReplicaSet[], newRS: V1ReplicaSet | undefined): V1ReplicaSet[] {
  return rss.filter((rs) => !(newRS && rs.metadata?.uid === newRS.metadata?.uid));
}

/** Argo's GetReplicaSetByTemplateHash; an empty hash matches nothing. */
export function replicaSetByHash(rss: readonly V1ReplicaSet[], hash: string | undefined): V1ReplicaSet | undefined {
  if (!hash) return undefined;
  return rss.find((rs) => podHashOf(rs) === hash);
}
