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
  // Argo prefers the ping-pong Services for ALB only; Istio uses them when stableService and canaryService are both unset.
  const services = stableAndCanaryServices(canary, rollout.status?.canary?.stablePingPong, trafficRouting.alb !== undefined);
  return {
    rolloutName: name,
    namespace,
    rolloutUid: uid ?? '',
    rolloutApiVersion: rollout.apiVersion ?? 'argoproj.io/v1alpha1',
    stableService: services.stable,
    canaryService: services.canary,
    trafficRouting,
    managedRoutes: trafficRouting.managedRoutes ?? [],
  };
}

type CanaryServices = NonNullable<TrafficRollout['spec']['strategy']['canary']>;

/**
 * Argo's GetStableAndCanaryServices: with `pingPong`, the Service `status.canary.stablePingPong`
 * names is stable and the other one the canary (ping is the canary until a first promotion sets
 * the field). Preferred (the ALB router, the service reconciler), ping-pong wins over
 * stableService/canaryService; not preferred (Istio), it is used only when both are unset.
 */
export function stableAndCanaryServices(canary: CanaryServices, stablePingPong: string | undefined, pingPongPreferred = true): { stable: string; canary: string } {
  const pingPong = canary.pingPong;
  if (pingPong && (pingPongPreferred || (!canary.stableService && !canary.canaryService))) {
    return stablePingPong === 'ping'
      ? { stable: pingPong.pingService, canary: pingPong.pongService }
      : { stable: pingPong.pongService, canary: pingPong.pingService };
  }
  return { stable: canary.stableService ?? '', canary: canary.canaryService ?? '' };
}

/** Argo's switch of `status.canary.stablePingPong` when the stable ReplicaSet changes: ping after pong or nothing, pong after ping. */
export function nextStablePingPong(current: string | undefined): 'ping' | 'pong' {
  return current === 'ping' ? 'pong' : 'ping';
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
