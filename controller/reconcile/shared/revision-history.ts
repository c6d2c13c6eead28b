import type { V1ReplicaSet } from '@kubernetes/client-node';
import { revisionHistoryLimitOrDefault } from '../../api/defaults.ts';
import type { Rollout } from '../../api/index.ts';
import { byCreationTimestamp, podHashOf } from './replicaset-identity.ts';

/**
 * Argo's reconcileRevisionHistoryLimit: beyond `revisionHistoryLimit` old ReplicaSets, the oldest
 * (by creation) are deleted, skipping any with pods, still scaling, not yet observed by the
 * ReplicaSet controller or already being deleted. `keepHashes` (the stable and new ReplicaSets)
 * are never candidates and do not count towards the limit.
 */
export function replicaSetsToCleanUp(rollout: Rollout, rss: readonly V1ReplicaSet[], keepHashes: readonly string[]): V1ReplicaSet[] {
  const keep = new Set(keepHashes.filter((h) => h !== ''));
  const cleanable = rss.filter((rs) => !keep.has(podHashOf(rs)) && !rs.metadata?.deletionTimestamp).sort(byCreationTimestamp);
  const excess = cleanable.length - revisionHistoryLimitOrDefault(rollout);
  if (excess <= 0) return [];
  return cleanable.slice(0, excess).filter((rs) => {
    const scaling = (rs.status?.replicas ?? 0) !== 0 || (rs.spec?.replicas ?? 0) !== 0;
    const unobserved = (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0);
    return !scaling && !unobserved;
  });
}
