import type { V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault, scaleDownDelaySecondsOrDefault } from '../../api/defaults.ts';
import type { Rollout } from '../../api/index.ts';
import { DESIRED_REPLICAS_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION } from '../../api/labels.ts';
import { podHashOf } from '../shared/replicaset-identity.ts';
import { byRevision } from '../shared/revisions.ts';
import { formatScaleDownDeadline, timeRemainingBeforeScaleDownDeadline } from '../shared/scale-down-deadline.ts';
import type { Effect, ReplicaSetPatch } from '../types.ts';

/**
 * How big each ReplicaSet of a blue-green Rollout should be in the state the machine chose, as
 * ReplicaSet patches. `waits` collects how long until a scale-down delay runs out, so the pass
 * comes back then.
 */

export interface OlderReplicaSetsInput {
  rollout: Rollout;
  replicaSets: readonly V1ReplicaSet[];
  newHash: string;
  activeHash: string | undefined;
  desiredActive: string | undefined;
  desiredPreview: string | undefined;
  aborted: boolean;
  now: Date;
}

/**
 * Older ReplicaSets: the one serving stays; the one that just stopped serving waits out
 * scaleDownDelaySeconds; the rest scale to zero, up to scaleDownDelayRevisionLimit kept warm.
 */
export function scaleOlderReplicaSets(input: OlderReplicaSetsInput, effects: Effect[], waits: number[]): void {
  const { rollout, replicaSets, newHash, activeHash, desiredActive, desiredPreview, aborted, now } = input;
  const strategy = rollout.spec.strategy.blueGreen!;
  const replicas = replicasOrDefault(rollout);
  const olderRSs = replicaSets.filter((rs) => podHashOf(rs) !== newHash).sort(byRevision).reverse();
  let delayedKept = 0;
  for (const rs of olderRSs) {
    const hash = podHashOf(rs);
    if (hash === desiredActive) {
      scaleTo(rs, replicas, replicas, effects, 'active revision', removeDeadline(rs));
      continue;
    }
    if (hash === desiredPreview) continue;
    const justLeftActive = hash === activeHash && desiredActive !== activeHash;
    const limit = strategy.scaleDownDelayRevisionLimit;
    const mayKeep = limit === undefined || delayedKept < limit;
    if ((rs.spec?.replicas ?? 0) === 0) continue;
    if (justLeftActive && mayKeep) {
      delayedKept++;
      const delay = scaleDownDelaySecondsOrDefault(rollout);
      if (delay > 0) {
        effects.push({ kind: 'patchReplicaSet', name: rs.metadata?.name ?? '', patch: { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: formatScaleDownDeadline(now, delay) } }, reason: 'scale down after delay' });
        waits.push(delay * 1000);
        continue;
      }
    } else if (mayKeep && !aborted) {
      const remaining = timeRemainingBeforeScaleDownDeadline(rs, now);
      if (remaining.kind === 'waiting') {
        delayedKept++;
        waits.push(remaining.remainingMs);
        continue;
      }
    }
    scaleTo(rs, 0, replicas, effects, 'old revision', {});
  }
}

export function removeDeadline(rs: V1ReplicaSet): ReplicaSetPatch['annotations'] {
  return rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined ? { [SCALE_DOWN_DEADLINE_ANNOTATION]: null } : {};
}

/** Keeps the ReplicaSet up until `delaySeconds` after the first pass that asked for its scale-down. */
export function scaledDownAfterDelay(rs: V1ReplicaSet, delaySeconds: number, now: Date, effects: Effect[], waits: number[], reason: string): number {
  if ((rs.spec?.replicas ?? 0) === 0 || delaySeconds <= 0) return 0;
  const remaining = timeRemainingBeforeScaleDownDeadline(rs, now);
  if (remaining.kind === 'waiting') {
    waits.push(remaining.remainingMs);
    return rs.spec?.replicas ?? 0;
  }
  if (rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] === undefined) {
    effects.push({ kind: 'patchReplicaSet', name: rs.metadata?.name ?? '', patch: { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: formatScaleDownDeadline(now, delaySeconds) } }, reason });
    waits.push(delaySeconds * 1000);
    return rs.spec?.replicas ?? 0;
  }
  return 0;
}

/** Adds a patch when the ReplicaSet's size or annotations differ from what is wanted. */
export function scaleTo(rs: V1ReplicaSet, desired: number, rolloutReplicas: number, effects: Effect[], reason: string, annotations: ReplicaSetPatch['annotations'] = {}): void {
  const patch: ReplicaSetPatch = {};
  const wantAnnotations: Record<string, string | null> = { ...annotations };
  if (rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION] !== String(rolloutReplicas)) {
    wantAnnotations[DESIRED_REPLICAS_ANNOTATION] = String(rolloutReplicas);
  }
  if (Object.keys(wantAnnotations).length > 0) patch.annotations = wantAnnotations;
  if ((rs.spec?.replicas ?? 0) !== desired) patch.replicas = desired;
  if (patch.replicas === undefined && patch.annotations === undefined) return;
  const existing = effects.find((e): e is Extract<Effect, { kind: 'patchReplicaSet' }> => e.kind === 'patchReplicaSet' && e.name === rs.metadata?.name);
  if (existing) {
    existing.patch = { ...existing.patch, ...patch, annotations: { ...existing.patch.annotations, ...patch.annotations } };
    return;
  }
  effects.push({ kind: 'patchReplicaSet', name: rs.metadata?.name ?? '', patch, reason: `scale ${reason} to ${desired}` });
}
