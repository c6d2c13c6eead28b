import { maxSurgeOrDefault, maxUnavailableOrDefault, replicasOrDefault } from '../../api/defaults.ts';
import { resolveIntOrPercent, type IntOrString, type Rollout } from '../../api/index.ts';

/** maxSurge and maxUnavailable resolved against spec.replicas: the bounds of every scaling step. */

/**
 * Kubernetes resolveFenceposts: maxSurge rounds up, maxUnavailable down, and when both come to
 * zero maxUnavailable becomes 1 (validation forbids both being 0, but rounding can get there).
 * A value that is neither an integer nor a percentage resolves both to 0, as Argo does.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  try {
    const surge = resolveIntOrPercent(maxSurge ?? 0, desired, true);
    let unavailable = resolveIntOrPercent(maxUnavailable ?? 0, desired, false);
    if (surge === 0 && unavailable === 0) unavailable = 1;
    return { surge, unavailable };
  } catch {
    return { surge: 0, unavailable: 0 };
  }
}

/** Argo's MaxUnavailable: never more than spec.replicas. */
export function maxUnavailable(rollout: Rollout): number {
  const replicas = replicasOrDefault(rollout);
  if (replicas === 0) return 0;
  let unavailable: number;
  if (rollout.spec.strategy.canary) {
    unavailable = resolveFenceposts(maxSurgeOrDefault(rollout), maxUnavailableOrDefault(rollout), replicas).unavailable;
  } else {
    try {
      unavailable = resolveIntOrPercent(maxUnavailableOrDefault(rollout), replicas, false);
    } catch {
      unavailable = 0;
    }
  }
  return Math.min(unavailable, replicas);
}

/** Argo's MaxSurge: 0 for blue-green. */
export function maxSurge(rollout: Rollout): number {
  if (!rollout.spec.strategy.canary) return 0;
  return resolveFenceposts(maxSurgeOrDefault(rollout), maxUnavailableOrDefault(rollout), replicasOrDefault(rollout)).surge;
}
