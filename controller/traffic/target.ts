import { TrafficRoutingError, type OwnerReference, type StoredObject } from './router.ts';
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

/** Whether the Rollout is the controller owner of the object (by UID when known). */
export function isControlledBy(obj: StoredObject, target: RoutingTarget): boolean {
  const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
  if (!owner || owner.kind !== 'Rollout') return false;
  return target.rolloutUid ? owner.uid === target.rolloutUid : owner.name === target.rolloutName;
}

/** The owner reference that makes the Rollout the controller of an object it creates (NGINX's canary Ingress, SMI's TrafficSplit). */
export function controllerRef(target: RoutingTarget): OwnerReference {
  return {
    apiVersion: target.rolloutApiVersion,
    kind: 'Rollout',
    name: target.rolloutName,
    uid: target.rolloutUid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
