import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import { byCreationTimestamp } from './replicaset-identity.ts';
import { toMillis } from './time.ts';

/** Experiments' ReplicaSets carry this annotation; they are no revision of the Rollout. */
const EXPERIMENT_NAME_ANNOTATION = 'experiment.argoproj.io/name';

/**
 * Argo's isRollbackWithinWindow: the new ReplicaSet is older than the stable one, and fewer than
 * `rollbackWindow.revisions` ReplicaSets were created between them.
 */
export function rollbackWithinWindow(rollout: Rollout, newRS: V1ReplicaSet, stableRS: V1ReplicaSet | undefined, rss: readonly V1ReplicaSet[]): boolean {
  const revisions = rollout.spec.rollbackWindow?.revisions ?? 0;
  if (!stableRS || revisions <= 0) return false;
  const created = (rs: V1ReplicaSet) => toMillis(rs.metadata?.creationTimestamp);
  const newAt = created(newRS);
  const stableAt = created(stableRS);
  if (newAt === undefined || stableAt === undefined || byCreationTimestamp(newRS, stableRS) >= 0 || newAt >= stableAt) return false;
  const between = rss.filter((rs) => {
    if (rs.metadata?.annotations?.[EXPERIMENT_NAME_ANNOTATION]) return false;
    const at = created(rs);
    return at !== undefined && at < stableAt && newAt < at;
  });
  return between.length < revisions;
}

