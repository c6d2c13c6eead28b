import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import { RESTART_POD_CHECK_MS, needsRestart, podsToRestart } from './restart-pods.ts';
import { findStableReplicaSet } from './replicaset-identity.ts';
import { toMillis } from './time.ts';
import type { Effect, RolloutObject } from '../types.ts';

/**
 * spec.restartAt, for every strategy (Argo's RolloutPodRestarter): once restartAt has passed, the
 * pods of the Rollout's ReplicaSets created before it are evicted a few at a time, and when none
 * is left status.restartedAt records restartAt.
 */

export interface RestartInput {
  rollout: Rollout;
  /** Every ReplicaSet the Rollout controls, as observed. */
  replicaSets: readonly V1ReplicaSet[];
  newRS: V1ReplicaSet | undefined;
  /** The pods of those ReplicaSets; undefined when they were not read (no restart pending). */
  pods: readonly V1Pod[] | undefined;
  /** The effects the strategy asked for in this pass. */
  strategyEffects: readonly Effect[];
  now: Date;
}

export interface RestartPlan {
  effects: Effect[];
  /** Set when every pod is newer than restartAt once this pass's evictions are done. */
  restartedAt?: string;
  requeueAfterMs?: number;
}

/**
 * Whether a pass must read the Rollout's pods: restartAt has passed and is not yet recorded as
 * done. Read from the unvalidated object, before plan(), so a pass with no restart pending reads
 * nothing and the controller keeps no pods in memory.
 */
export function restartPending(rollout: RolloutObject, now: Date): boolean {
  const restartAt = toMillis((rollout.spec as { restartAt?: string } | undefined)?.restartAt);
  if (restartAt === undefined) return false;
  if (toMillis(rollout.status?.restartedAt) === restartAt) return false;
  return now.getTime() > restartAt;
}

/** The label selector to list the Rollout's pods with: its matchLabels (owners are checked after). */
export function podLabelSelector(selector: { matchLabels?: Record<string, string> } | undefined): string | undefined {
  const labels = Object.entries(selector?.matchLabels ?? {});
  return labels.length > 0 ? labels.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

const scales = (effect: Effect): boolean =>
  effect.kind === 'createReplicaSet' || effect.kind === 'deleteReplicaSet' || (effect.kind === 'patchReplicaSet' && effect.patch.replicas !== undefined);

export function planRestart(input: RestartInput): RestartPlan {
  const { rollout, replicaSets, newRS, pods, now } = input;
  const restartAt = toMillis(rollout.spec.restartAt);
  if (restartAt === undefined || !rollout.spec.restartAt) return { effects: [] };
  if (!needsRestart(rollout, now)) {
    const pending = toMillis(rollout.status?.restartedAt) !== restartAt;
    // A restartAt in the future: come back when it is due.
    return pending ? { effects: [], requeueAfterMs: Math.max(1000, restartAt - now.getTime() + 1000) } : { effects: [] };
  }
  // Argo restarts nothing while a ReplicaSet is scaling or not fully available: the restart must
  // not add to the unavailability of an update.
  const scaling = input.strategyEffects.some(scales) || replicaSets.some((rs) => (rs.status?.availableReplicas ?? 0) !== (rs.spec?.replicas ?? 0));
  if (pods === undefined || scaling) return { effects: [], requeueAfterMs: RESTART_POD_CHECK_MS };
  const stableRS = findStableReplicaSet(rollout, replicaSets, newRS);
  const active = replicaSets.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
  const decision = podsToRestart(rollout, active, newRS, stableRS, pods, now);
  const effects: Effect[] = decision.evict.map((pod) => ({
    kind: 'evictPod',
    name: pod.metadata?.name ?? '',
    reason: `created before restartAt ${rollout.spec.restartAt}`,
  }));
  if (decision.done) return { effects, restartedAt: rollout.spec.restartAt };
  // Replacement pods move the ReplicaSets' status, which wakes the Rollout; this is the fallback.
  return { effects, requeueAfterMs: RESTART_POD_CHECK_MS };
}
