import { INGRESS_API_VERSION, type Ingress } from '../ingress.ts';
import { TrafficRoutingError, guardedPatch, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { ALBTrafficRouting, SetHeaderRoute } from '../types.ts';
import {
  albIngressNames,
  albIngressPatch,
  albInput,
  albWeightVerified,
  renderHeaderRoute,
  renderRemoveManagedRoutes,
  renderWeight,
  type AlbDesired,
} from './render.ts';

export const ALB_TYPE = 'ALB';
const EVENT_REASON = 'PatchingALBIngress';

/**
 * AWS ALB traffic routing, as Argo Rollouts' ALB reconciler at the object level: the AWS Load
 * Balancer Controller turns the user's Ingress annotations into listener rules, so the router
 * edits only those. It makes no AWS API calls: weights are read back from the Ingress, never
 * from the load balancer's target groups. ALB routes by Service, so there is no updateHash, and
 * it cannot mirror, so there is no setMirrorRoute.
 */
export function createAlbRouter(target: RoutingTarget, alb: ALBTrafficRouting, kube: TrafficKube): TrafficRouter {
  const input = albInput(target, alb);

  async function read(name: string): Promise<Ingress> {
    const ingress = (await kube.get(INGRESS_API_VERSION, 'Ingress', target.namespace, name)) as Ingress | null;
    if (!ingress) {
      throw new TrafficRoutingError(
        `Ingress ${target.namespace}/${name} named in spec.strategy.canary.trafficRouting.alb was not found: create it or correct the Ingress name in the Rollout`,
        { kind: 'Ingress', namespace: target.namespace, name },
      );
    }
    return ingress;
  }

  /** Brings every named Ingress to what `desire` renders, patching only those that differ. */
  async function reconcile(desire: (ingress: Ingress, name: string) => AlbDesired, message: (name: string) => string): Promise<TrafficWrite[]> {
    const writes: TrafficWrite[] = [];
    for (const name of albIngressNames(alb)) {
      const ingress = await read(name);
      const patch = albIngressPatch(ingress, desire(ingress, name));
      if (!patch) continue;
      await kube.patch(INGRESS_API_VERSION, 'Ingress', target.namespace, name, guardedPatch(patch, ingress));
      writes.push({ verb: 'patch', apiVersion: INGRESS_API_VERSION, kind: 'Ingress', namespace: target.namespace, name, reason: EVENT_REASON, message: message(name) });
    }
    return writes;
  }

  const router: TrafficRouter = {
    type: ALB_TYPE,

    setWeight(desiredWeight, additional) {
      return reconcile(
        (ingress, name) => renderWeight(ingress, name, input, desiredWeight, additional),
        (name) => `Updating Ingress \`${name}\` to desiredWeight '${desiredWeight}'`,
      );
    },

    setHeaderRoute(route: SetHeaderRoute) {
      return reconcile(
        (ingress) => renderHeaderRoute(ingress, input, route),
        (name) => `Updating Ingress \`${name}\` to headerRoute '${route.name ?? ''}'`,
      );
    },

    async verifyWeight(desiredWeight, additional) {
      for (const name of albIngressNames(alb)) {
        if (!albWeightVerified(await read(name), input, desiredWeight, additional)) return false;
      }
      return true;
    },
  };
  // Argo removes nothing when the Rollout names no managed routes.
  if (input.managedRoutes.length > 0) {
    router.removeManagedRoutes = () =>
      reconcile(
        (ingress) => renderRemoveManagedRoutes(ingress, input),
        (name) => `Updating Ingress \`${name}\` removing managed routes`,
      );
  }
  return router;
}
