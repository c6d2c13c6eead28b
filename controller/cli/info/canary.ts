import type { CanaryStep, Rollout } from '../../api/index.ts';

/**
 * Argo's replicasetutil.GetCurrentCanaryStep: the step the rollout is on, and its index. The step
 * is undefined past the last one; both are undefined without canary steps.
 */
export function currentCanaryStep(ro: Rollout): { step?: CanaryStep; index?: number } {
  const steps = ro.spec.strategy.canary?.steps ?? [];
  if (ro.spec.strategy.canary === undefined || steps.length === 0) return {};
  const index = ro.status?.currentStepIndex ?? 0;
  if (index >= steps.length) return { index };
  return { step: steps[index], index };
}

/**
 * Argo's GetCurrentSetWeight: the weight of the last setWeight step at or before the current one;
 * 0 when aborted, 100 once every step ran.
 */
export function currentSetWeight(ro: Rollout): number {
  if (ro.status?.abort) return 0;
  const { step, index } = currentCanaryStep(ro);
  if (step === undefined || index === undefined) return 100;
  const steps = ro.spec.strategy.canary?.steps ?? [];
  for (let i = index; i >= 0; i--) {
    const weight = steps[i]?.setWeight;
    if (weight !== undefined) return weight;
  }
  return 0;
}

/** Argo's rolloututil.CanaryStepString, used by `get` and `explain`: the controller's own. */
export { stepDescription as canaryStepString } from '../../reconcile/canary-steps.ts';

/** The traffic router a canary uses, by its field name in trafficRouting; empty without one. */
export function trafficRouterName(ro: Rollout): string {
  const routing = ro.spec.strategy.canary?.trafficRouting;
  if (routing === undefined) return '';
  const names = Object.entries(routing)
    .filter(([key, value]) => value !== undefined && key !== 'managedRoutes' && key !== 'maxTrafficWeight')
    .map(([key]) => key);
  return names.join(',');
}
