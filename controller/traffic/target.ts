import { TrafficRoutingError } from './router.ts';
import type { ManagedRoute, RolloutTrafficRouting, TrafficRollout } from './types.ts';

/** What every provider needs to know about the Rollout it routes for, checked once. */
export interface RoutingTarget {
  rolloutName: string;
  namespace: string;
  /** Empty when the Rollout was never stored (tests, dry runs): ownership is then judged by name. */
  rolloutUid: string;
  rolloutApiVersion: string;
  stableService: string;
  canaryService: string;
  trafficRouting: RolloutTrafficRouting;
  managedRoutes: ManagedRoute[];
}

export function routingTarget(rollout: TrafficRollout): RoutingTarget {
  const { name, namespace, uid } = rollout.metadata;
  if (!name || !namespace) {
    throw new TrafficRoutingError('the Rollout has no metadata.name or metadata.namespace; traffic routing needs both');
  }
  const canary = rollout.spec.strategy.canary;
  const trafficRouting = canary?.trafficRouting;
  if (!canary || !trafficRouting) {
    throw new TrafficRoutingError(`Rollout ${namespace}/${name} has no spec.strategy.canary.trafficRouting`, {
      kind: 'Rollout',
      namespace,
      name,
    });
  }
  return {
    rolloutName: name,
    namespace,
    rolloutUid: uid ?? '',
    rolloutApiVersion: rollout.apiVersion ?? 'argoproj.io/v1alpha1',
    stableService: canary.stableService ?? '',
    canaryService: canary.canaryService ?? '',
    trafficRouting,
    managedRoutes: trafficRouting.managedRoutes ?? [],
  };
}
