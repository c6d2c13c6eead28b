import type { Json } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, guardedPatch, type TrafficKube, type TrafficRouter } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { TraefikTrafficRouting } from '../types.ts';
import {
  DEFAULT_TRAEFIK_API_GROUP,
  DEFAULT_TRAEFIK_API_VERSION,
  renderTraefikWeights,
  traefikApiVersion,
  traefikWeightsVerified,
  type CanaryServices,
  type TraefikService,
} from './render.ts';

export const TRAEFIK_TYPE = 'Traefik';

export interface TraefikRouterOptions {
  /** The controller's --traefik-api-group. */
  apiGroup?: string | undefined;
  /** The controller's --traefik-api-version (`<group>/<version>`; the version is what counts). */
  apiVersion?: string | undefined;
}

/**
 * Traefik traffic routing, as Argo's Traefik router: the weights of the canary and stable Services
 * in the user's weighted TraefikService, in the Rollout's namespace. Argo's router sets weights and
 * nothing else (no header, mirror or subset routing); here the weights are also read back.
 */
export function createTraefikRouter(target: RoutingTarget, traefik: TraefikTrafficRouting, kube: TrafficKube, options: TraefikRouterOptions = {}): TrafficRouter {
  const apiVersion = traefikApiVersion(options.apiGroup ?? DEFAULT_TRAEFIK_API_GROUP, options.apiVersion ?? DEFAULT_TRAEFIK_API_VERSION);
  const name = traefik.weightedTraefikServiceName;
  const namespace = target.namespace;
  const services: CanaryServices = { stableService: target.stableService, canaryService: target.canaryService };

  async function read(): Promise<TraefikService> {
    const obj = (await kube.get(apiVersion, 'TraefikService', namespace, name)) as TraefikService | null;
    if (!obj) {
      throw new TrafficRoutingError(
        `TraefikService ${namespace}/${name} (${apiVersion}) not found: create it or correct ` +
          'spec.strategy.canary.trafficRouting.traefik.weightedTraefikServiceName',
        { kind: 'TraefikService', namespace, name },
      );
    }
    return obj;
  }

  return {
    type: TRAEFIK_TYPE,

    async setWeight(desiredWeight) {
      const current = await read();
      if (traefikWeightsVerified(current, services, desiredWeight)) return [];
      // A merge patch replaces the list whole; the resourceVersion guard keeps a concurrent edit from being lost.
      const weightedServices = renderTraefikWeights(current, services, desiredWeight) as unknown as Json[];
      await kube.patch(apiVersion, 'TraefikService', namespace, name, guardedPatch({ spec: { weighted: { services: weightedServices } } }, current));
      // Argo records no event when it updates a TraefikService, only TraefikServiceUpdateError when that fails.
      return [{ verb: 'patch', apiVersion, kind: 'TraefikService', namespace, name }];
    },

    async verifyWeight(desiredWeight) {
      return traefikWeightsVerified(await read(), services, desiredWeight);
    },
  };
}
