import {
  DEFAULT_IN_PROGRESS_LABEL_KEY,
  DEFAULT_IN_PROGRESS_LABEL_VALUE,
  GATEWAY_API_PLUGIN,
  gatewayRoutes,
  type GatewayAPIConfig,
  type GatewayRoute,
  type GatewayRouteKind,
} from '../../api/gatewayapi.ts';
import { createMergePatch } from '../../kube/merge-patch.ts';
import { GATEWAY_GRPC_ROUTES, GATEWAY_HTTP_ROUTES, GATEWAY_TCP_ROUTES, apiVersionOf } from '../../kube/resources.ts';
import { TrafficRoutingError, guardedPatch, type StoredObject, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { SetHeaderRoute } from '../types.ts';
import {
  removeManagedRules,
  renderHeaderRoute,
  renderInProgressLabel,
  renderWeights,
  type CanaryServices,
  type GatewayRouteObject,
  type InProgressLabel,
} from './render.ts';

export const GATEWAY_API_TYPE = 'GatewayAPI';

const API_VERSIONS: Record<GatewayRouteKind, string> = {
  HTTPRoute: apiVersionOf(GATEWAY_HTTP_ROUTES),
  GRPCRoute: apiVersionOf(GATEWAY_GRPC_ROUTES),
  TCPRoute: apiVersionOf(GATEWAY_TCP_ROUTES),
};

/** Header routes are HTTP and gRPC matches; TCP has none. */
const takesHeaders = (route: GatewayRoute) => route.kind !== 'TCPRoute';

/** What the controller changes on a route; everything else the user owns. */
function managedFields(obj: StoredObject): unknown {
  return { metadata: { labels: obj.metadata.labels ?? {} }, spec: { rules: (obj as GatewayRouteObject).spec?.rules ?? [] } };
}

function inProgressLabel(config: GatewayAPIConfig): InProgressLabel | undefined {
  if (config.disableInProgressLabel) return undefined;
  return { key: config.inProgressLabelKey || DEFAULT_IN_PROGRESS_LABEL_KEY, value: config.inProgressLabelValue || DEFAULT_IN_PROGRESS_LABEL_VALUE };
}

/**
 * Gateway API traffic routing, as Argo's argoproj-labs/gatewayAPI plugin: weights on the stable
 * and canary backendRefs of the named HTTPRoutes, GRPCRoutes and TCPRoutes, header routes as
 * named rules on the HTTP and gRPC routes that take them. Routes split by Service, not pod hash,
 * and do not mirror, so there is no updateHash and no setMirrorRoute.
 */
export function createGatewayAPIRouter(target: RoutingTarget, config: GatewayAPIConfig, kube: TrafficKube): TrafficRouter {
  const namespace = config.namespace || target.namespace;
  const routes = gatewayRoutes(config);
  const rolloutRef = { kind: 'Rollout', namespace: target.namespace, name: target.rolloutName };
  if (routes.length === 0) {
    throw new TrafficRoutingError(
      `Rollout ${target.namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.plugins[${GATEWAY_API_PLUGIN}] names no HTTPRoute, GRPCRoute or TCPRoute`,
      rolloutRef,
    );
  }
  if (!target.stableService || !target.canaryService) {
    throw new TrafficRoutingError(
      `Rollout ${target.namespace}/${target.rolloutName}: Gateway API routing needs spec.strategy.canary.stableService and canaryService`,
      rolloutRef,
    );
  }
  const services: CanaryServices = { stableService: target.stableService, canaryService: target.canaryService };
  const managedNames = new Set(target.managedRoutes.map((r) => r.name));
  const maxWeight = target.trafficRouting.maxTrafficWeight ?? 100;
  const label = inProgressLabel(config);

  async function read(route: GatewayRoute): Promise<GatewayRouteObject> {
    const obj = await kube.get(API_VERSIONS[route.kind], route.kind, namespace, route.name);
    if (!obj) {
      throw new TrafficRoutingError(
        `${route.kind} \`${namespace}/${route.name}\` not found: create it or correct the name in spec.strategy.canary.trafficRouting.plugins[${GATEWAY_API_PLUGIN}]`,
        { kind: route.kind, namespace, name: route.name },
      );
    }
    return obj as GatewayRouteObject;
  }

  /** Renders and writes each route, read fresh, patching only what differs. */
  async function each(
    which: readonly GatewayRoute[],
    render: (obj: GatewayRouteObject) => GatewayRouteObject,
    message: (kind: string, name: string) => string,
  ): Promise<TrafficWrite[]> {
    const writes: TrafficWrite[] = [];
    for (const route of which) {
      const current = await read(route);
      const patch = createMergePatch(managedFields(current), managedFields(render(current)));
      if (!patch) continue;
      await kube.patch(current.apiVersion, current.kind, namespace, current.metadata.name, guardedPatch(patch, current));
      const { apiVersion, kind } = current;
      const name = current.metadata.name;
      writes.push({ verb: 'patch', apiVersion, kind, namespace, name, reason: `Updated${kind}`, message: message(kind, name) });
    }
    return writes;
  }

  return {
    type: GATEWAY_API_TYPE,

    setWeight(desiredWeight) {
      return each(
        routes,
        (obj) => renderInProgressLabel(renderWeights(obj, services, desiredWeight, maxWeight, managedNames), label, desiredWeight),
        (kind, name) => `${kind} \`${name}\` set to desiredWeight '${desiredWeight}'`,
      );
    },

    setHeaderRoute(headerRouting: SetHeaderRoute) {
      return each(
        routes.filter((r) => takesHeaders(r) && r.useHeaderRoutes),
        (obj) => renderHeaderRoute(obj, services, headerRouting, managedNames),
        (kind, name) => `${kind} \`${name}\` set headerRoute '${headerRouting.name ?? ''}'`,
      );
    },

    removeManagedRoutes() {
      // Every HTTP and gRPC route, not only those taking header routes now: a route whose
      // useHeaderRoutes was turned off since keeps no stale header rule.
      return each(
        routes.filter(takesHeaders),
        (obj) => removeManagedRules(obj, managedNames),
        (kind, name) => `${kind} \`${name}\` removed all managed routes.`,
      );
    },

    async verifyWeight(desiredWeight) {
      for (const route of routes) {
        const current = await read(route);
        const desired = renderWeights(current, services, desiredWeight, maxWeight, managedNames);
        if (createMergePatch(current.spec ?? {}, desired.spec ?? {})) return false;
      }
      return true;
    },
  };
}
