import { createIstioRouter, type IstioRouterOptions } from './istio/router.ts';
import { createNginxRouter } from './nginx/router.ts';
import type { TrafficKube, TrafficRouter } from './router.ts';
import { routingTarget, type RoutingTarget } from './target.ts';
import type { TrafficRollout } from './types.ts';

export interface TrafficRouterOptions {
  istio?: IstioRouterOptions | undefined;
}

/** Builds a provider's router when the Rollout configures that provider, else answers undefined. */
export type TrafficRouterProvider = (target: RoutingTarget, kube: TrafficKube, options: TrafficRouterOptions) => TrafficRouter | undefined;

/**
 * Providers keyed by their field under `spec.strategy.canary.trafficRouting`, in Argo's order:
 * a Rollout may combine them (NGINX in front of a mesh, say), and each gets its own router.
 */
export const trafficRouterProviders: Record<string, TrafficRouterProvider> = {
  istio: (target, kube, options) => {
    const istio = target.trafficRouting.istio;
    return istio && createIstioRouter(target, istio, kube, options.istio);
  },
  nginx: (target, kube) => {
    const nginx = target.trafficRouting.nginx;
    return nginx && createNginxRouter(target, nginx, kube);
  },
};

/**
 * The routers for every provider the Rollout configures, or an empty list when it splits
 * traffic by replica counts alone. Fails on a configuration a provider cannot work with.
 */
export function newTrafficRouters(rollout: TrafficRollout, kube: TrafficKube, options: TrafficRouterOptions = {}): TrafficRouter[] {
  if (!rollout.spec.strategy.canary?.trafficRouting) return [];
  const target = routingTarget(rollout);
  return Object.values(trafficRouterProviders).flatMap((provider) => provider(target, kube, options) ?? []);
}
