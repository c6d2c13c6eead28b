import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import { byCreationTimestamp } from './replicaset-identity.ts';
import { timeRemainingBeforeScaleDownDeadline } from './scale-down-deadline.ts';
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

/**
 * Argo's isRollback: the new template is the stable one, or an older ReplicaSet than the stable
 * one. (A fully promoted Rollout answers true as well; only ask while an update is in flight.)
 */
export function isRollback(newRS: V1ReplicaSet, stableRS: V1ReplicaSet | undefined): boolean {
  if (!stableRS) return false;
  if (stableRS === newRS || stableRS.metadata?.name === newRS.metadata?.name) return true;
  // Strictly older, as Argo's CreationTimestamp.Before: equal timestamps are no rollback.
  const newAt = toMillis(newRS.metadata?.creationTimestamp);
  const stableAt = toMillis(stableRS.metadata?.creationTimestamp);
  return newAt !== undefined && stableAt !== undefined && newAt < stableAt;
}

/**
 * Argo's isFastRollback for blue-green, the part rollbackWithinWindow does not cover: a rollback to
 * a ReplicaSet still waiting out its scale-down delay (its pods still up) is promoted at once.
 */
export function rollbackWithinScaleDownDelay(newRS: V1ReplicaSet, stableRS: V1ReplicaSet | undefined, now: Date): boolean {
  return isRollback(newRS, stableRS) && timeRemainingBeforeScaleDownDeadline(newRS, now).kind === 'waiting';
}
