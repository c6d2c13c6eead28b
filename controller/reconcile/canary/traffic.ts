import type { V1ReplicaSet } from '@kubernetes/client-node';
import { maxTrafficWeight, type CanaryStep, type Rollout, type TrafficWeights, type WeightDestination } from '../../api/index.ts';
import { MESSAGES, REASONS } from '../shared/messages.ts';
import { atDesiredReplicaCountsForCanary } from '../shared/replica-targets.ts';
import { currentSetWeight, desiredCanaryWeight } from '../shared/current-step.ts';
import { podHashOf } from '../shared/replicaset-identity.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { RolloutEvent, TrafficEffect } from '../types.ts';

/**
 * The traffic a canary with trafficRouting should have, decided from the status this pass
 * writes (Argo's reconcileTrafficRouting): the weight, the hashes, the managed routes, and the
 * `status.canary.weights` that record them. Pure: apply() carries the effects out.
 */

export interface TrafficInput {
  /** The Rollout with the status this pass decided (step index, stable, abort, promoteFull). */
  rollout: Rollout;
  /** `status.canary.weights` as observed: what the routers were last set to. */
  observedWeights: TrafficWeights | undefined;
  newRS: V1ReplicaSet;
  newRSCreated: boolean;
  stableRS: V1ReplicaSet | undefined;
  otherRSs: readonly V1ReplicaSet[];
  /** The step completed by this pass, whose header or mirror route is set now. */
  completedStep?: CanaryStep;
  /** The running experiment's weighted templates (Argo's calculateWeightDestinationsFromExperiment). */
  experimentDestinations?: readonly WeightDestination[];
}

export interface TrafficPlan {
  effects: TrafficEffect[];
  /** `status.canary.weights` to write. */
  weights: TrafficWeights;
  desiredWeight: number;
  /** The canary Service goes back to the stable pods (aborted, and traffic is back on stable). */
  canaryServiceToStable: boolean;
  /** Argo's isDynamicallyRollingBackToStable: the canary Service is left alone while stable scales up. */
  dynamicallyRollingBack: boolean;
  events: RolloutEvent[];
}

const isFullyPromoted = (rollout: Rollout): boolean => (rollout.status?.stableRS ?? '') === (rollout.status?.currentPodHash ?? '');
const available = (rs: V1ReplicaSet | undefined): number => rs?.status?.availableReplicas ?? 0;

/**
 * Argo's calculateDesiredWeightOnAbortOrStableRollback: straight back to 0 unless the stable
 * scales dynamically. Then the weight steps down with the canary's desired weight (its setWeight
 * steps in reverse, `desiredCanaryWeight`), held where it is while the stable pods that would take
 * the traffic are not yet available, never climbing back up; with no step left below, it follows
 * the stable pods that are available.
 */
function weightOnAbortOrRollback(input: TrafficInput): number {
  const { rollout, newRS, stableRS, observedWeights } = input;
  const replicas = replicasOrDefault(rollout);
  if (!rollout.spec.strategy.canary?.dynamicStableScale || !stableRS || !newRS || replicas === 0) return 0;
  const max = maxTrafficWeight(rollout);
  const desired = desiredCanaryWeight(rollout, newRS, stableRS);
  const stableWeight = Math.trunc((max * available(stableRS)) / replicas);
  // The stable can have more available pods than the Rollout now asks for (scaled down after
  // the abort): the weight then stops at 0, as Argo's maxInt(0, …), instead of going negative.
  const expected = Math.max(0, max - stableWeight);
  if (!observedWeights) return Math.max(expected, desired);
  const current = observedWeights.canary.weight;
  // Already lower: a stable pod restarting must not send traffic back to the canary.
  if (desired <= 0) return Math.min(expected, current);
  if (stableWeight < max - desired) return current;
  return Math.min(desired, current);
}

/** The last setWeight before the current step: the weight while the canary scales to the next one. */
function previousSetWeight(rollout: Rollout): number {
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  for (let i = (rollout.status?.currentStepIndex ?? 0) - 1; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

export function planTraffic(input: TrafficInput): TrafficPlan {
  const { rollout, newRS, stableRS, observedWeights } = input;
  const canary = rollout.spec.strategy.canary!;
  const status = rollout.status ?? {};
  const steps = canary.steps ?? [];
  const max = maxTrafficWeight(rollout);
  let canaryHash = podHashOf(newRS);
  const stableHash = podHashOf(stableRS);
  let desiredWeight = 0;
  let removeManagedRoutes = false;
  let canaryServiceToStable = false;
  // Argo weighs the experiment's templates only while the update walks its steps.
  let additional: WeightDestination[] = [];
  const experiment = [...(input.experimentDestinations ?? [])];

  const dynamicallyRollingBack =
    isFullyPromoted(rollout) &&
    canary.dynamicStableScale === true &&
    observedWeights !== undefined &&
    observedWeights.canary.podTemplateHash !== canaryHash &&
    (input.newRSCreated || available(newRS) < replicasOrDefault(rollout));

  if (dynamicallyRollingBack) {
    desiredWeight = weightOnAbortOrRollback(input);
    // The stable is the desired revision again: traffic is balanced against the previous canary.
    canaryHash = observedWeights.canary.podTemplateHash ?? '';
  } else if (isFullyPromoted(rollout)) {
    removeManagedRoutes = true;
  } else if (status.abort) {
    desiredWeight = weightOnAbortOrRollback(input);
    canaryServiceToStable = !canary.dynamicStableScale || desiredWeight === 0;
    removeManagedRoutes = true;
  } else if (input.newRSCreated || available(newRS) === 0) {
    // Never send traffic to a canary without available pods.
    desiredWeight = 0;
    additional = experiment;
  } else if (status.promoteFull) {
    desiredWeight = canary.dynamicStableScale
      ? Math.trunc((max * available(newRS)) / replicasOrDefault(rollout))
      : (observedWeights?.canary.weight ?? 0);
    removeManagedRoutes = true;
  } else if (steps.length > 0) {
    const index = status.currentStepIndex ?? 0;
    if (!atDesiredReplicaCountsForCanary(rollout, newRS, stableRS, input.otherRSs)) {
      desiredWeight = previousSetWeight(rollout);
      additional = experiment;
    } else if (index !== steps.length) {
      desiredWeight = currentSetWeight(rollout);
      additional = experiment;
    } else desiredWeight = max;
  }

  const effects: TrafficEffect[] = [];
  if (removeManagedRoutes) effects.push({ kind: 'removeManagedRoutes', reason: 'no managed routes outside of an update' });
  const step = input.completedStep;
  if (step?.setHeaderRoute) effects.push({ kind: 'setHeaderRoute', route: step.setHeaderRoute, reason: 'setHeaderRoute step' });
  if (step?.setMirrorRoute) effects.push({ kind: 'setMirrorRoute', route: step.setMirrorRoute, reason: 'setMirrorRoute step' });
  const withAdditional = additional.length > 0 ? { additional } : {};
  effects.push({ kind: 'updateTrafficHash', canaryHash, stableHash, ...withAdditional, reason: 'canary and stable pod hashes' });
  effects.push({ kind: 'setTrafficWeight', weight: desiredWeight, ...withAdditional, reason: `canary weight ${desiredWeight}` });

  const { weights, modified } = weightStatus(rollout, observedWeights, canaryHash, stableHash, desiredWeight, additional);
  const events: RolloutEvent[] = modified
    ? [{ type: 'Normal', reason: REASONS.TrafficWeightUpdated, message: MESSAGES.trafficWeightUpdated(weightChange(observedWeights, weights)) }]
    : [];
  return { effects, weights, desiredWeight, canaryServiceToStable, dynamicallyRollingBack, events };
}

function destination(weight: number, podTemplateHash: string, serviceName: string | undefined): WeightDestination {
  const out: WeightDestination = { weight };
  if (serviceName) out.serviceName = serviceName;
  if (podTemplateHash) out.podTemplateHash = podTemplateHash;
  return out;
}

const sameDestination = (a: WeightDestination, b: WeightDestination): boolean =>
  a.weight === b.weight && (a.serviceName ?? '') === (b.serviceName ?? '') && (a.podTemplateHash ?? '') === (b.podTemplateHash ?? '');

/**
 * Argo's calculateWeightStatus: the weights as set this pass. Unchanged weights keep the previous
 * read-back (`verified`); changed ones drop it until apply() reads them back.
 */
function weightStatus(
  rollout: Rollout,
  previous: TrafficWeights | undefined,
  canaryHash: string,
  stableHash: string,
  desiredWeight: number,
  additional: readonly WeightDestination[],
): { weights: TrafficWeights; modified: boolean } {
  const canary = rollout.spec.strategy.canary!;
  const others = additional.reduce((sum, d) => sum + d.weight, 0);
  const next: TrafficWeights = {
    canary: destination(desiredWeight, canaryHash, canary.canaryService),
    stable: destination(maxTrafficWeight(rollout) - desiredWeight - others, stableHash, canary.stableService),
    ...(additional.length > 0 ? { additional: additional.map((d) => destination(d.weight, d.podTemplateHash ?? '', d.serviceName)) } : {}),
  };
  const previousAdditional = previous?.additional ?? [];
  const sameAdditional = previousAdditional.length === additional.length && previousAdditional.every((d, i) => sameDestination(d, next.additional![i]!));
  const modified = !previous || !sameDestination(previous.canary, next.canary) || !sameDestination(previous.stable, next.stable) || !sameAdditional;
  return modified ? { weights: next, modified } : { weights: previous, modified };
}

/** Argo's trafficWeightUpdatedMessage details. */
function weightChange(previous: TrafficWeights | undefined, next: TrafficWeights): string {
  if (!previous) return `to ${next.canary.weight}`;
  return previous.canary.weight !== next.canary.weight ? `from ${previous.canary.weight} to ${next.canary.weight}` : '';
}

/**
 * Whether the weight a setWeight step asks for has been written and read back: the observed
 * `status.canary.weights` carry it for the new revision and the read-back did not fail.
 */
export function stepWeightApplied(observed: Rollout, newHash: string): boolean {
  const weights = observed.status?.canary?.weights;
  if (!weights) return false;
  return weights.canary.weight === currentSetWeight(observed) && weights.canary.podTemplateHash === newHash && weights.verified !== false;
}
