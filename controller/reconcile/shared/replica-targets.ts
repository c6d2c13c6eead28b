import type { V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { Rollout, RolloutStatus, TrafficWeights } from '../../api/index.ts';
import { availableReplicaCount, replicaCount } from './counts.ts';
import { canaryReplicasOrWeight } from './current-step.ts';
import { maxSurge, maxUnavailable } from './fenceposts.ts';
import { findStableReplicaSet, otherReplicaSets, podHashOf, replicaSetByHash } from './replicaset-identity.ts';

/**
 * Replica arithmetic: how many pods the canary and stable ReplicaSets should have for a weight
 * (Argo's utils/replicaset/canary.go) and how many the new ReplicaSet should have for either
 * strategy (NewRSNewReplicas).
 */

export interface CanaryStableCounts {
  canary: number;
  stable: number;
}

/** Argo's trafficWeightToReplicas: the pods a weight of spec.replicas needs, rounded up. */
export function desiredReplicasForWeight(replicas: number, weight: number): number {
  return Math.ceil((weight * replicas) / 100);
}

/** Argo's CheckStableRSExists: a stable ReplicaSet other than the new one. */
export function stableExistsApartFromNew(newRS: V1ReplicaSet | undefined, stableRS: V1ReplicaSet | undefined): boolean {
  if (!stableRS) return false;
  if (!newRS) return true;
  return newRS.metadata?.name !== stableRS.metadata?.name;
}

/**
 * Argo's GetReplicasForScaleDown: the pods of `rs` that count as available when deciding how far
 * we may scale down. Pods beyond spec.replicas are already going away and never count; with
 * `ignoreAvailability` the spec count is used even if pods are not available (so a crashlooping
 * ReplicaSet can still be scaled down).
 */
export function replicasForScaleDown(rs: V1ReplicaSet | undefined, ignoreAvailability: boolean): number {
  if (!rs) return 0;
  const spec = rs.spec?.replicas ?? 0;
  const available = rs.status?.availableReplicas ?? 0;
  if (spec < available || ignoreAvailability) return spec;
  return available;
}

/** Argo's CheckMinPodsPerReplicaSet (traffic routing only): a non-zero count is at least minPodsPerReplicaSet. */
export function checkMinPodsPerReplicaSet(rollout: Rollout, count: number): number {
  const canary = rollout.spec.strategy.canary;
  if (count === 0 || canary?.minPodsPerReplicaSet === undefined || !canary.trafficRouting) return count;
  return Math.max(count, canary.minPodsPerReplicaSet);
}

function floorCeilingTied(weight: number, total: number): boolean {
  const scaled = total * (weight / 100);
  return scaled - Math.trunc(scaled) === 0.5;
}

function weightDelta(weight: number, canary: number, total: number): number {
  return Math.abs((canary * 100) / total - weight);
}

/**
 * Argo's approximateWeightedCanaryStableReplicaCounts: the canary and stable counts closest to the
 * weight, summing to spec.replicas or, when surge is allowed, spec.replicas + 1. A weight strictly
 * between 0 and 100 never leaves either side at zero unless that is the only option.
 */
export function approximateWeightedCanaryStableReplicaCounts(replicas: number, weight: number, surge: number): CanaryStableCounts {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const ceil = Math.ceil((replicas * weight) / 100);
  const floor = Math.floor((replicas * weight) / 100);
  const zeroAllowed = weight === 100 || weight === 0 || (replicas === 1 && surge === 0);
  const options: { canary: number; total: number }[] = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!floorCeilingTied(weight, replicas) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas });
  if (surge > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!floorCeilingTied(weight, replicas + 1) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas + 1 });
  }
  const [first, ...rest] = options;
  if (!first) return { canary: 0, stable: replicas };
  let best = first;
  let bestDelta = weightDelta(weight, best.canary, best.total);
  for (const option of rest) {
    const delta = weightDelta(weight, option.canary, option.total);
    if (delta < bestDelta) {
      best = option;
      bestDelta = delta;
    }
  }
  return { canary: best.canary, stable: best.total - best.canary };
}

/**
 * Argo's CalculateReplicaCountsForBasicCanary (no traffic routing: the weight is the share of
 * pods). Scales up within maxSurge, stable first; scales down within maxUnavailable, but only once
 * older ReplicaSets are gone, draining whichever side the weight is moving away from.
 */
export function basicCanaryReplicaCounts(
  rollout: Rollout,
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
  olderRSs: readonly V1ReplicaSet[],
): CanaryStableCounts {
  const replicas = replicasOrDefault(rollout);
  const { weight } = canaryReplicasOrWeight(rollout, newRS, stableRS);
  const surge = maxSurge(rollout);
  let { canary: desiredCanary, stable: desiredStable } = approximateWeightedCanaryStableReplicaCounts(replicas, weight, surge);

  const newSpec = newRS?.spec?.replicas ?? 0;
  const stableSpec = stableRS?.spec?.replicas ?? 0;
  let canaryCount = newRS ? newSpec : 0;
  let stableCount = 0;
  const scaleStable = stableExistsApartFromNew(newRS, stableRS);
  if (scaleStable) {
    stableCount = stableSpec;
  } else {
    // Without a separate stable ReplicaSet there are no steps to follow: the new one gets everything.
    desiredCanary = replicas;
    desiredStable = 0;
  }

  const maxAllowed = replicas + surge;
  const counted = [...olderRSs, newRS, ...(scaleStable ? [stableRS] : [])];
  let scaleUp = maxAllowed - replicaCount(counted);

  if (scaleStable && stableSpec < desiredStable && scaleUp > 0) {
    if (stableSpec + scaleUp < desiredStable) {
      stableCount = stableSpec + scaleUp;
      scaleUp = 0;
    } else {
      stableCount = desiredStable;
      scaleUp -= desiredStable - stableSpec;
    }
  }
  if (newRS && newSpec < desiredCanary && scaleUp > 0) {
    canaryCount = newSpec + scaleUp < desiredCanary ? newSpec + scaleUp : desiredCanary;
  }

  // Older ReplicaSets are scaled down first, before either the new or the stable one.
  if (replicaCount(olderRSs) > 0) return { canary: canaryCount, stable: stableCount };

  const minAvailable = replicas - maxUnavailable(rollout);
  // Moving towards the canary, the stable's availability does not matter; moving away (e.g. an
  // abort), the canary's does not.
  const increasing = !newRS || desiredCanary >= newSpec;
  const toScaleDown = replicasForScaleDown(newRS, !increasing) + replicasForScaleDown(stableRS, increasing);
  if (toScaleDown <= minAvailable) return { canary: canaryCount, stable: stableCount };

  const scaleDown = toScaleDown - minAvailable;
  if (!increasing) {
    canaryCount = scaleDownCount(newRS, desiredCanary, scaleDown, canaryCount);
    [canaryCount, stableCount] = adjustWithinLimits(newRS, stableRS, canaryCount, stableCount, maxAllowed, minAvailable);
  } else if (scaleStable) {
    stableCount = scaleDownCount(stableRS, desiredStable, scaleDown, stableCount);
    [stableCount, canaryCount] = adjustWithinLimits(stableRS, newRS, stableCount, canaryCount, maxAllowed, minAvailable);
  }
  return { canary: canaryCount, stable: stableCount };
}

/** Argo's calculateScaleDownReplicaCount. */
function scaleDownCount(drainRS: V1ReplicaSet | undefined, desired: number, scaleDown: number, current: number): number {
  const spec = drainRS?.spec?.replicas ?? 0;
  if (drainRS && spec > desired) return Math.max(desired, spec - scaleDown);
  return current;
}

/**
 * Argo's adjustReplicaWithinLimits: after draining one side, trims the other back within maxSurge
 * while giving it back what maxUnavailable requires.
 */
function adjustWithinLimits(
  drainRS: V1ReplicaSet | undefined,
  adjustRS: V1ReplicaSet | undefined,
  drainCount: number,
  adjustCount: number,
  maxAllowed: number,
  minAvailable: number,
): [number, number] {
  let overLimit = Math.max(0, adjustCount + drainCount - maxAllowed);
  let totalAvailable = drainRS ? Math.min(drainRS.status?.availableReplicas ?? 0, drainCount) : 0;
  if (adjustRS) {
    const adjustAvailable = adjustRS.status?.availableReplicas ?? 0;
    adjustCount -= overLimit;
    totalAvailable += Math.min(adjustAvailable, adjustCount);
    const extraAvailable = Math.max(0, adjustAvailable - adjustCount);
    const needMoreAvailable = Math.max(0, minAvailable - totalAvailable);
    adjustCount += Math.min(extraAvailable, needMoreAvailable);
    overLimit = Math.max(0, adjustCount + drainCount - maxAllowed);
    drainCount -= overLimit;
  }
  return [drainCount, adjustCount];
}

/**
 * Argo's CalculateReplicaCountsForTrafficRoutedCanary: the router splits traffic, so the stable
 * stays fully scaled unless dynamicStableScale is set, in which case it follows the higher of the
 * desired and the actual stable weight (and, when aborting, the canary keeps the higher of its
 * desired and actual weight until traffic has moved back). `weights` is status.canary.weights;
 * the new and stable ReplicaSets' available pods set an aborted dynamic canary's desired weight.
 */
export function trafficRoutedCanaryReplicaCounts(
  rollout: Rollout,
  weights: TrafficWeights | undefined,
  newRS?: V1ReplicaSet,
  stableRS?: V1ReplicaSet,
): CanaryStableCounts {
  const replicas = replicasOrDefault(rollout);
  const { replicas: explicitCanary, weight } = canaryReplicasOrWeight(rollout, newRS, stableRS);
  let canary = explicitCanary ?? checkMinPodsPerReplicaSet(rollout, desiredReplicasForWeight(replicas, weight));
  if (!rollout.spec.strategy.canary?.dynamicStableScale) return { canary, stable: replicas };
  let stable = desiredReplicasForWeight(replicas, 100 - weight);
  if (weights) {
    stable = Math.max(stable, desiredReplicasForWeight(replicas, weights.stable.weight));
    if (rollout.status?.abort) canary = Math.max(desiredReplicasForWeight(replicas, weights.canary.weight), canary);
  }
  return { canary: checkMinPodsPerReplicaSet(rollout, canary), stable: checkMinPodsPerReplicaSet(rollout, stable) };
}

/** The canary and stable counts for the Rollout's canary flavour (basic or traffic-routed). */
export function canaryReplicaCounts(
  rollout: Rollout,
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
  olderRSs: readonly V1ReplicaSet[],
  weights?: TrafficWeights,
): CanaryStableCounts {
  return rollout.spec.strategy.canary?.trafficRouting
    ? trafficRoutedCanaryReplicaCounts(rollout, weights, newRS, stableRS)
    : basicCanaryReplicaCounts(rollout, newRS, stableRS, olderRSs);
}

/**
 * Argo's AtDesiredReplicaCountsForCanary: the canary has all its desired pods available, the
 * stable has all its desired pods (unless dynamically scaled), and without traffic routing no
 * older ReplicaSet still has available pods (they would be serving traffic).
 */
export function atDesiredReplicaCountsForCanary(
  rollout: Rollout,
  newRS: V1ReplicaSet | undefined,
  stableRS: V1ReplicaSet | undefined,
  olderRSs: readonly V1ReplicaSet[],
  weights?: TrafficWeights,
): boolean {
  const canary = rollout.spec.strategy.canary;
  const desired = canaryReplicaCounts(rollout, newRS, stableRS, olderRSs, weights);
  const allAvailable = (rs: V1ReplicaSet | undefined, n: number) =>
    !!rs && n === (rs.spec?.replicas ?? 0) && n === (rs.status?.availableReplicas ?? 0);
  const allCreated = (rs: V1ReplicaSet | undefined, n: number) => !!rs && n === (rs.spec?.replicas ?? 0) && n === (rs.status?.replicas ?? 0);
  if (!allAvailable(newRS, desired.canary)) return false;
  if ((!canary?.trafficRouting || !canary.dynamicStableScale) && !allCreated(stableRS, desired.stable)) return false;
  if (!canary?.trafficRouting && availableReplicaCount(olderRSs) !== 0) return false;
  return true;
}

/**
 * Argo's NewRSNewReplicas: how many pods the new ReplicaSet should have. Blue-green runs it at
 * spec.replicas, or previewReplicaCount until promotion; canary follows canaryReplicaCounts.
 */
export function newReplicaSetReplicas(
  rollout: Rollout,
  allRSs: readonly V1ReplicaSet[],
  newRS: V1ReplicaSet,
  weights?: TrafficWeights,
): number {
  const blueGreen = rollout.spec.strategy.blueGreen;
  const status: RolloutStatus = rollout.status ?? {};
  if (blueGreen) {
    const desired = replicasOrDefault(rollout);
    if (blueGreen.previewReplicaCount === undefined) return desired;
    const activeRS = replicaSetByHash(allRSs, status.blueGreen?.activeSelector);
    if (!activeRS || activeRS.metadata?.name === newRS.metadata?.name) return desired;
    if (status.promoteFull) return desired;
    if (podHashOf(newRS) !== (status.currentPodHash ?? '')) return blueGreen.previewReplicaCount;
    const notPaused = !rollout.spec.paused && (status.pauseConditions ?? []).length === 0;
    if (notPaused && status.blueGreen?.scaleUpPreviewCheckPoint) return desired;
    return blueGreen.previewReplicaCount;
  }
  if (rollout.spec.strategy.canary) {
    const stableRS = findStableReplicaSet(rollout, allRSs, newRS);
    return canaryReplicaCounts(rollout, newRS, stableRS, otherReplicaSets(allRSs, newRS, stableRS), weights).canary;
  }
  throw new Error(`Rollout ${rollout.metadata.namespace ?? ''}/${rollout.metadata.name ?? ''} has no strategy: set spec.strategy.canary or spec.strategy.blueGreen`);
}
