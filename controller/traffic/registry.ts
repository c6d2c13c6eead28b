import { GATEWAY_API_PLUGIN, GatewayAPIConfigSchema } from '../api/gatewayapi.ts';
import { createAlbRouter } from './alb/router.ts';
import { createAmbassadorRouter, type AmbassadorRouterOptions } from './ambassador/router.ts';
import { createApisixRouter } from './apisix/router.ts';
import { createAppMeshRouter, type AppMeshRouterOptions } from './appmesh/router.ts';
import { createGatewayAPIRouter } from './gatewayapi/router.ts';
import { createIstioRouter, type IstioRouterOptions } from './istio/router.ts';
import { createNginxRouter } from './nginx/router.ts';
import { createSmiRouter } from './smi/router.ts';
import { DEFAULT_SMI_VERSION, type SmiVersion } from './smi/render.ts';
import { createTraefikRouter, type TraefikRouterOptions } from './traefik/router.ts';
import { TrafficRoutingError, type TrafficKube, type TrafficRouter } from './router.ts';
import { routingTarget, type RoutingTarget } from './target.ts';
import type { TrafficRollout } from './types.ts';

export interface TrafficRouterOptions {
  istio?: IstioRouterOptions | undefined;
  ambassador?: AmbassadorRouterOptions | undefined;
  /** The split.smi-spec.io version TrafficSplits are written at (default v1alpha1, as Argo). */
  smi?: { apiVersion: SmiVersion } | undefined;
  traefik?: TraefikRouterOptions | undefined;
  appMesh?: AppMeshRouterOptions | undefined;
}

/** Builds a provider's router when the Rollout configures that provider, else answers undefined. */
export type TrafficRouterProvider = (target: RoutingTarget, kube: TrafficKube, options: TrafficRouterOptions) => TrafficRouter | undefined;

/**
 * Providers keyed by their field under `spec.strategy.canary.trafficRouting` (a plugin by its name
 * under `plugins`), in Argo's order, plugins last:
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
  ambassador: (target, kube, options) => {
    const ambassador = target.trafficRouting.ambassador;
    return ambassador && createAmbassadorRouter(target, ambassador, kube, options.ambassador);
  },
  apisix: (target, kube) => {
    const apisix = target.trafficRouting.apisix;
    return apisix && createApisixRouter(target, apisix, kube);
  },
  alb: (target, kube) => {
    const alb = target.trafficRouting.alb;
    return alb && createAlbRouter(target, alb, kube);
  },
  smi: (target, kube, options) => {
    const smi = target.trafficRouting.smi;
    return smi && createSmiRouter(target, smi, kube, options.smi ?? { apiVersion: DEFAULT_SMI_VERSION });
  },
  traefik: (target, kube, options) => {
    const traefik = target.trafficRouting.traefik;
    return traefik && createTraefikRouter(target, traefik, kube, options.traefik);
  },
  appMesh: (target, kube, options) => {
    const appMesh = target.trafficRouting.appMesh;
    return appMesh && createAppMeshRouter(target, appMesh, kube, options.appMesh);
  },
  /** Argo's Gateway API plugin, carried out here: its configuration is read as the plugin reads it. */
  [GATEWAY_API_PLUGIN]: (target, kube) => {
    const plugins = target.trafficRouting.plugins;
    if (!plugins || !Object.hasOwn(plugins, GATEWAY_API_PLUGIN)) return undefined;
    const parsed = GatewayAPIConfigSchema.safeParse(plugins[GATEWAY_API_PLUGIN]);
    if (!parsed.success) {
      throw new TrafficRoutingError(
        `Rollout ${target.namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.plugins[${GATEWAY_API_PLUGIN}] is invalid: ${parsed.error.issues[0]?.message ?? ''}`,
        { kind: 'Rollout', namespace: target.namespace, name: target.rolloutName },
      );
    }
    return createGatewayAPIRouter(target, parsed.data, kube);
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
