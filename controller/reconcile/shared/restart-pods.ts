import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import { type Rollout } from '../../api/index.ts';
import { maxUnavailable } from './fenceposts.ts';
import { byCreationTimestamp, nameOf } from './replicaset-identity.ts';
import { toMillis } from './time.ts';

/** How often a restart in progress is looked at again while pods are still being replaced. */
export const RESTART_POD_CHECK_MS = 30_000;

/** Argo's NeedsRestart: restartAt has passed and has not yet been recorded as done. */
export function needsRestart(rollout: Rollout, now: Date): boolean {
  const restartAt = toMillis(rollout.spec.restartAt);
  if (restartAt === undefined) return false;
  const restartedAt = toMillis(rollout.status?.restartedAt);
  if (restartedAt !== undefined && restartedAt === restartAt) return false;
  return now.getTime() > restartAt;
}

export interface PodRestartPlan {
  /** Pods to evict now. */
  evict: V1Pod[];
  /** Pods created before restartAt, including those evicted now. */
  needRestart: number;
  /** Every pod is newer than restartAt once these evictions happen: record status.restartedAt. */
  done: boolean;
}

/** podutil.IsPodAvailable */
export function isPodAvailable(pod: V1Pod, minReadySeconds: number, now: Date): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds === 0) return true;
  const since = toMillis(ready.lastTransitionTime);
  return since !== undefined && since !== 0 && since + minReadySeconds * 1000 < now.getTime();
}

/**
 * Argo's RolloutPodRestarter: pods of the Rollout's ReplicaSets created before spec.restartAt are
 * evicted, at most max(maxUnavailable, 1) below full availability at a time (full being the
 * larger of spec.replicas and the ReplicaSets' total, which an uneven canary weight can raise).
 * Pods are taken stable ReplicaSet first, then the new one, then older ones by age.
 */
export function podsToRestart(
  rollout: Rollout,
  allRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
  pods: readonly V1Pod[],
  now: Date,
): PodRestartPlan {
  const restartAt = toMillis(rollout.spec.restartAt);
  if (restartAt === undefined) return { evict: [], needRestart: 0, done: true };
  const priority = [...allRSs].sort((a, b) => {
    const rank = (rs: V1ReplicaSet) => (stableRS && nameOf(rs) === nameOf(stableRS) ? 0 : newRS && nameOf(rs) === nameOf(newRS) ? 1 : 2);
    return rank(a) - rank(b) || byCreationTimestamp(a, b);
  });
  const rank = new Map(priority.map((rs, i) => [rs.metadata?.uid ?? '', i]));
  const owner = (pod: V1Pod) => (pod.metadata?.ownerReferences ?? []).find((ref) => rank.has(ref.uid));
  const rolloutPods = pods
    .filter((pod) => owner(pod) !== undefined)
    .sort((a, b) => {
      const byOwner = (rank.get(owner(a)?.uid ?? '') ?? 0) - (rank.get(owner(b)?.uid ?? '') ?? 0);
      const byAge = (toMillis(a.metadata?.creationTimestamp) ?? 0) - (toMillis(b.metadata?.creationTimestamp) ?? 0);
      return byOwner || byAge || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);
    });
  const total = allRSs.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
  const minReadySeconds = rollout.spec.minReadySeconds ?? 0;
  const available = rolloutPods.filter((pod) => isPodAvailable(pod, minReadySeconds, now) && !pod.metadata?.deletionTimestamp).length;
  const concurrent = Math.max(maxUnavailable(rollout), 1);
  let canRestart = available - (Math.max(replicasOrDefault(rollout), total) - concurrent);
  const evict: V1Pod[] = [];
  let needRestart = 0;
  for (const pod of rolloutPods) {
    if ((toMillis(pod.metadata?.creationTimestamp) ?? 0) >= restartAt) continue;
    needRestart += 1;
    if (canRestart <= 0 || pod.metadata?.deletionTimestamp) continue;
    evict.push(pod);
    canRestart -= 1;
  }
  return { evict, needRestart, done: needRestart === evict.length };
}
