import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { CanaryStep, Rollout, SetCanaryScale } from '../../api/index.ts';
import { maxTrafficWeight, replicasOrDefault } from '../../api/defaults.ts';

/** Where a canary stands in its steps: the current step, the weight set so far, a setCanaryScale in force. */

/**
 * Argo's GetCurrentCanaryStep: the step at status.currentStepIndex (0 when unset). `index` is
 * past the last step once every step has run; both are undefined without steps.
 */
export function currentCanaryStep(rollout: Rollout): { step?: CanaryStep; index?: number } {
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  if (steps.length === 0) return {};
  const index = rollout.status?.currentStepIndex ?? 0;
  return { step: steps[index], index };
}

/**
 * Argo's GetCurrentSetWeight: the last setWeight at or before the current step; 0 when aborted or
 * no setWeight came yet, 100 once past the last step.
 */
export function currentSetWeight(rollout: Rollout): number {
  if (rollout.status?.abort) return 0;
  const { step, index } = currentCanaryStep(rollout);
  if (!step || index === undefined) return 100;
  return setWeightAtStep(rollout.spec.strategy.canary?.steps ?? [], index);
}

/** The set weight while `steps[index]` is current: 100 past the last step, else as above. */
export function setWeightAtStep(steps: readonly CanaryStep[], index: number): number {
  if (index >= steps.length) return 100;
  for (let i = index; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

/**
 * Argo's UseSetCanaryScale: the setCanaryScale in force at the current step. Only with traffic
 * routing; a later `matchTrafficWeight` cancels it, and so does an abort unless
 * abortScaleDownDelaySeconds is 0 (which asks to leave the canary up).
 */
export function useSetCanaryScale(rollout: Rollout): SetCanaryScale | undefined {
  const canary = rollout.spec.strategy.canary;
  if (!canary?.trafficRouting) return undefined;
  if (rollout.status?.abort && canary.abortScaleDownDelaySeconds !== 0) return undefined;
  const { step, index } = currentCanaryStep(rollout);
  if (!step || index === undefined) return undefined;
  const steps = canary.steps ?? [];
  for (let i = index; i >= 0; i--) {
    const scale = steps[i]?.setCanaryScale;
    if (!scale) continue;
    return scale.matchTrafficWeight ? undefined : scale;
  }
  return undefined;
}

/**
 * Argo's GetCanaryReplicasOrWeight: an explicit canary replica count (setCanaryScale.replicas) or
 * a weight. 100 when fully promoting, before the first stable ReplicaSet, or once the current
 * template is the stable one.
 */
export function canaryReplicasOrWeight(rollout: Rollout, newRS?: V1ReplicaSet, stableRS?: V1ReplicaSet): { replicas?: number; weight: number } {
  const status = rollout.status ?? {};
  const stableHash = status.stableRS ?? '';
  if (status.promoteFull || stableHash === '' || (status.currentPodHash ?? '') === stableHash) return { weight: 100 };
  const scale = useSetCanaryScale(rollout);
  if (scale?.replicas !== undefined) return { replicas: scale.replicas, weight: 0 };
  if (scale?.weight !== undefined) return { weight: scale.weight };
  return { weight: desiredCanaryWeight(rollout, newRS, stableRS) };
}

/**
 * Argo's GetDesiredCanaryWeight: an aborted canary with dynamicStableScale steps back down through
 * its setWeight steps in reverse, to the first that needs fewer canary pods than are still needed
 * (the more of the stable's missing pods and the canary's available ones), so the stable is not
 * asked for all its pods at once; otherwise the current setWeight.
 */
export function desiredCanaryWeight(rollout: Rollout, newRS: V1ReplicaSet | undefined, stableRS: V1ReplicaSet | undefined): number {
  const canary = rollout.spec.strategy.canary;
  if (!rollout.status?.abort || !canary?.dynamicStableScale || !newRS || !stableRS) return currentSetWeight(rollout);
  const max = maxTrafficWeight(rollout);
  const replicas = replicasOrDefault(rollout);
  const canaryReplicas = Math.max(replicas - (stableRS.status?.availableReplicas ?? 0), newRS.status?.availableReplicas ?? 0);
  const steps = canary.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined && Math.ceil((weight * replicas) / max) < canaryReplicas) return weight;
  }
  return 0;
}
