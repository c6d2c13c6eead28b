import type { IntOrString } from './kit.ts';
import type { Rollout } from './rollout.ts';

/** Argo Rollouts' defaults (utils/defaults) for fields a Rollout leaves unset. */
export const DEFAULTS = {
  replicas: 1,
  revisionHistoryLimit: 10,
  maxSurge: '25%',
  maxUnavailable: '25%',
  progressDeadlineSeconds: 600,
  scaleDownDelaySeconds: 30,
  abortScaleDownDelaySeconds: 30,
  autoPromotionEnabled: true,
  maxTrafficWeight: 100,
  successfulRunHistoryLimit: 5,
  unsuccessfulRunHistoryLimit: 5,
  consecutiveErrorLimit: 4,
  measurementHistoryLimit: 10,
} as const;

type RolloutLike = Pick<Rollout, 'spec'>;

export function replicasOrDefault(rollout: RolloutLike): number {
  return rollout.spec.replicas ?? DEFAULTS.replicas;
}

export function revisionHistoryLimitOrDefault(rollout: RolloutLike): number {
  return rollout.spec.revisionHistoryLimit ?? DEFAULTS.revisionHistoryLimit;
}

export function progressDeadlineSecondsOrDefault(rollout: RolloutLike): number {
  return rollout.spec.progressDeadlineSeconds ?? DEFAULTS.progressDeadlineSeconds;
}

export function maxSurgeOrDefault(rollout: RolloutLike): IntOrString {
  return rollout.spec.strategy.canary?.maxSurge ?? DEFAULTS.maxSurge;
}

/** Blue-green's own maxUnavailable wins, then canary's, then 25%. */
export function maxUnavailableOrDefault(rollout: RolloutLike): IntOrString {
  return rollout.spec.strategy.blueGreen?.maxUnavailable ?? rollout.spec.strategy.canary?.maxUnavailable ?? DEFAULTS.maxUnavailable;
}

/** The weight that means "all traffic": trafficRouting.maxTrafficWeight or 100. */
export function maxTrafficWeight(rollout: RolloutLike): number {
  return rollout.spec.strategy.canary?.trafficRouting?.maxTrafficWeight ?? DEFAULTS.maxTrafficWeight;
}

export function scaleDownDelaySecondsOrDefault(rollout: RolloutLike): number {
  const strategy = rollout.spec.strategy;
  return strategy.blueGreen?.scaleDownDelaySeconds ?? strategy.canary?.scaleDownDelaySeconds ?? DEFAULTS.scaleDownDelaySeconds;
}

export function abortScaleDownDelaySecondsOrDefault(rollout: RolloutLike): number {
  const strategy = rollout.spec.strategy;
  return strategy.blueGreen?.abortScaleDownDelaySeconds ?? strategy.canary?.abortScaleDownDelaySeconds ?? DEFAULTS.abortScaleDownDelaySeconds;
}

export function autoPromotionEnabledOrDefault(rollout: RolloutLike): boolean {
  return rollout.spec.strategy.blueGreen?.autoPromotionEnabled ?? DEFAULTS.autoPromotionEnabled;
}

/**
 * A Rollout as the apiserver stores it, for readers that do not parse it (the CLI, the dashboard,
 * the controller before validation): Argo's CRD, and Ramp's, let spec.strategy out (the controller
 * then reports InvalidSpec, as Argo does); they read it as an empty strategy. Copies only then.
 */
export function withStrategy<T>(rollout: T): T {
  const spec = (rollout as { spec?: { strategy?: unknown } } | undefined)?.spec;
  if (rollout === undefined || rollout === null || (spec && typeof spec.strategy === 'object' && spec.strategy !== null)) return rollout;
  return { ...rollout, spec: { ...(spec ?? {}), strategy: {} } };
}
