import type { V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import { type Rollout } from '../../api/index.ts';
import {
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_CONFIG_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  WORKLOAD_GENERATION_ANNOTATION,
} from '../../api/labels.ts';
import { injectedAntiAffinityRuleNeedsUpdate, replicaSetAffinity } from './anti-affinity.ts';
import { podTemplateHash } from './hash.ts';
import { byCreationTimestamp, olderReplicaSets, podHashOf } from './replicaset-identity.ts';

/** Rollout annotations that are not copied onto its ReplicaSets. */
const ANNOTATIONS_NOT_COPIED = new Set([
  LAST_APPLIED_CONFIG_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  WORKLOAD_GENERATION_ANNOTATION,
]);

/**
 * The `rollout.argoproj.io/revision` annotation: 0 when absent (as Argo), undefined when it is not
 * an integer (Argo skips such ReplicaSets when looking for the highest revision).
 */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): number | undefined {
  const value = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

export function maxRevision(rss: readonly V1ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const revision = revisionOf(rs);
    if (revision !== undefined && revision > max) max = revision;
  }
  return max;
}

/** The revision a new ReplicaSet gets: one more than the highest among the others. */
export function nextRevision(rss: readonly V1ReplicaSet[], newRS?: V1ReplicaSet): number {
  return maxRevision(olderReplicaSets(rss, newRS)) + 1;
}

/** Argo's ReplicaSetsByRevisionNumber: oldest revision first, creation time breaking ties. */
export function byRevision(a: V1ReplicaSet, b: V1ReplicaSet): number {
  const ra = strictRevision(a);
  const rb = strictRevision(b);
  if (ra === undefined && rb === undefined) return byCreationTimestamp(a, b);
  if (ra === undefined) return 1;
  if (rb === undefined) return -1;
  return ra === rb ? byCreationTimestamp(a, b) : ra - rb;
}

function strictRevision(rs: V1ReplicaSet): number | undefined {
  const value = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

export function copyRolloutAnnotations(rollout: Rollout, annotations: Record<string, string>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(rollout.metadata.annotations ?? {})) {
    if (ANNOTATIONS_NOT_COPIED.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return changed;
}

/**
 * Argo's SetNewReplicaSetAnnotations: copies the Rollout's annotations, raises the revision to
 * `newRevision` when it is lower (remembering the previous one in revision-history, which is what
 * a rollback to an older ReplicaSet looks like) and, for a ReplicaSet about to be created, records
 * the desired replicas.
 */
export function newReplicaSetAnnotations(
  rollout: Rollout,
  rs: V1ReplicaSet,
  newRevision: number,
  exists: boolean,
): { annotations: Record<string, string>; changed: boolean } {
  const annotations: Record<string, string> = { ...rs.metadata?.annotations };
  let changed = copyRolloutAnnotations(rollout, annotations);
  const oldRevision = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  let oldRevisionNumber = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return { annotations, changed: false };
    oldRevisionNumber = Number(oldRevision);
  }
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
  }
  if (oldRevision !== undefined && changed) {
    const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
    annotations[REVISION_HISTORY_ANNOTATION] = history === '' || history.startsWith(',') ? oldRevision : `${history},${oldRevision}`;
  }
  if (!exists && annotations[DESIRED_REPLICAS_ANNOTATION] !== String(replicasOrDefault(rollout))) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(replicasOrDefault(rollout));
    changed = true;
  }
  return { annotations, changed };
}

/**
 * Argo's syncReplicaSetRevision: the new ReplicaSet as it should be once its revision, copied
 * annotations, minReadySeconds and injected anti-affinity are brought up to date; undefined when
 * nothing needs to change.
 */
export function syncedNewReplicaSet(rollout: Rollout, newRS: V1ReplicaSet, olderRSs: readonly V1ReplicaSet[]): V1ReplicaSet | undefined {
  const { annotations, changed } = newReplicaSetAnnotations(rollout, newRS, maxRevision(olderRSs) + 1, true);
  const minReadySeconds = rollout.spec.minReadySeconds ?? 0;
  const minReadyChanged = (newRS.spec?.minReadySeconds ?? 0) !== minReadySeconds;
  // The ReplicaSet's own label, not a recomputed hash: an adopted ReplicaSet keeps the hash its
  // creator gave it, and comparing against ours would inject an anti-affinity rule against itself.
  const currentHash = podHashOf(newRS) || podTemplateHash(rollout.spec.template, rollout.status?.collisionCount);
  const affinityChanged = injectedAntiAffinityRuleNeedsUpdate(newRS.spec?.template?.spec?.affinity, rollout, currentHash);
  if (!changed && !minReadyChanged && !affinityChanged) return undefined;
  const template = newRS.spec?.template ?? {};
  return {
    ...newRS,
    metadata: { ...newRS.metadata, annotations },
    spec: {
      ...newRS.spec,
      selector: newRS.spec?.selector ?? {},
      minReadySeconds,
      template: template.spec ? { ...template, spec: { ...template.spec, affinity: replicaSetAffinity(rollout, currentHash) } } : template,
    },
  };
}
