import { createMergePatch } from '../../kube/merge-patch.ts';
import {
  TrafficRoutingError,
  guardedPatch,
  type StoredObject,
  type TrafficKube,
  type TrafficRouter,
  type TrafficWrite,
} from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { IstioTrafficRouting, IstioVirtualService, SetHeaderRoute, SetMirrorRoute, WeightDestination } from '../types.ts';
import { renderDestinationRule, type DestinationRule } from './destination-rule.ts';
import { canaryTarget, removeManagedRoutes, renderHeaderRoute, renderMirrorRoute, type CanaryTarget } from './managed-routes.ts';
import {
  DEFAULT_ISTIO_API_VERSION,
  parseVirtualServiceRef,
  renderWeights,
  virtualServiceRefs,
  type IstioRouting,
  type VirtualService,
} from './virtual-service.ts';

export const ISTIO_TYPE = 'Istio';

export interface IstioRouterOptions {
  /** The version VirtualServices and DestinationRules are read at; writes keep the version read. */
  apiVersion?: string | undefined;
}

/** What the controller changes on Istio objects; everything else the user owns. */
function managedFields(obj: StoredObject): unknown {
  return { metadata: { annotations: obj.metadata.annotations ?? {} }, spec: obj.spec ?? {} };
}

/**
 * Istio traffic routing: weights on the stable and canary destinations of the named
 * VirtualService routes, host-level (two Services) or subset-level (one Service, DestinationRule
 * subsets keyed by pod template hash). Only the subset-level router has updateHash.
 */
export function createIstioRouter(
  target: RoutingTarget,
  istio: IstioTrafficRouting,
  kube: TrafficKube,
  options: IstioRouterOptions = {},
): TrafficRouter {
  const apiVersion = options.apiVersion ?? DEFAULT_ISTIO_API_VERSION;
  const refs = virtualServiceRefs(istio);
  const rolloutRef = { kind: 'Rollout', namespace: target.namespace, name: target.rolloutName };
  if (refs.length === 0) {
    throw new TrafficRoutingError(
      `Rollout ${target.namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.istio needs virtualService or virtualServices`,
      rolloutRef,
    );
  }
  const destinationRule = istio.destinationRule;
  if (!destinationRule && (!target.stableService || !target.canaryService)) {
    throw new TrafficRoutingError(
      `Rollout ${target.namespace}/${target.rolloutName}: host-level Istio routing needs spec.strategy.canary.stableService and canaryService ` +
        '(or set trafficRouting.istio.destinationRule for subset-level routing)',
      rolloutRef,
    );
  }
  const routing: IstioRouting = {
    stableService: target.stableService,
    canaryService: target.canaryService,
    destinationRule,
    managedRoutes: target.managedRoutes,
  };

  async function read<T extends StoredObject>(kind: string, namespace: string, name: string, hint: string): Promise<T> {
    const obj = await kube.get(apiVersion, kind, namespace, name);
    if (!obj) {
      throw new TrafficRoutingError(`${kind} \`${namespace}/${name}\` not found: ${hint}`, { kind, namespace, name });
    }
    return obj as T;
  }

  const readVirtualService = (ref: IstioVirtualService) => {
    const { namespace, name } = parseVirtualServiceRef(ref.name, target.namespace);
    return read<VirtualService>('VirtualService', namespace, name, 'create it or correct the name in spec.strategy.canary.trafficRouting.istio');
  };

  const readDestinationRule = (name: string) =>
    read<DestinationRule>('DestinationRule', target.namespace, name, 'create it or correct spec.strategy.canary.trafficRouting.istio.destinationRule');

  async function write(current: StoredObject, desired: StoredObject, reason: string, message: string): Promise<TrafficWrite[]> {
    const patch = createMergePatch(managedFields(current), managedFields(desired));
    if (!patch) return [];
    const { namespace = '', name } = current.metadata;
    await kube.patch(current.apiVersion, current.kind, namespace, name, guardedPatch(patch, current));
    return [{ verb: 'patch', apiVersion: current.apiVersion, kind: current.kind, namespace, name, reason, message }];
  }

  /** Renders and writes every VirtualService, each read fresh. */
  async function eachVirtualService(
    render: (vs: VirtualService, ref: IstioVirtualService) => VirtualService,
    message: (name: string) => string,
  ): Promise<TrafficWrite[]> {
    const writes: TrafficWrite[] = [];
    for (const ref of refs) {
      const vs = await readVirtualService(ref);
      writes.push(...(await write(vs, render(vs, ref), 'Updated VirtualService', message(vs.metadata.name))));
    }
    return writes;
  }

  async function canary(): Promise<CanaryTarget> {
    const host = destinationRule ? (await readDestinationRule(destinationRule.name)).spec?.host : undefined;
    return canaryTarget(routing, host);
  }

  const router: TrafficRouter = {
    type: ISTIO_TYPE,

    setWeight(desiredWeight, additionalDestinations = []) {
      return eachVirtualService(
        (vs, ref) => renderWeights(vs, ref, routing, desiredWeight, additionalDestinations),
        (name) => `VirtualService \`${name}\` set to desiredWeight '${desiredWeight}'`,
      );
    },

    async setHeaderRoute(headerRouting: SetHeaderRoute) {
      const to = await canary();
      return eachVirtualService(
        (vs, ref) => renderHeaderRoute(vs, ref, routing, headerRouting, to),
        (name) => `VirtualService \`${name}\` set headerRoute '${headerRouting.name ?? ''}'`,
      );
    },

    async setMirrorRoute(mirrorRoute: SetMirrorRoute) {
      const to = await canary();
      return eachVirtualService(
        (vs, ref) => renderMirrorRoute(vs, ref, routing, mirrorRoute, to),
        (name) => `VirtualService \`${name}\` set mirrorRoute '${mirrorRoute.name}'`,
      );
    },

    removeManagedRoutes() {
      return eachVirtualService(
        (vs) => removeManagedRoutes(vs, routing.managedRoutes),
        (name) => `VirtualService \`${name}\` removed all managed routes.`,
      );
    },

    async verifyWeight(desiredWeight, additionalDestinations: WeightDestination[] = []) {
      for (const ref of refs) {
        const vs = await readVirtualService(ref);
        const desired = renderWeights(vs, ref, routing, desiredWeight, additionalDestinations);
        if (createMergePatch(managedFields(vs), managedFields(desired))) return false;
      }
      return true;
    },
  };

  if (destinationRule) {
    router.updateHash = async (canaryHash, stableHash, additionalDestinations = []) => {
      const dr = await readDestinationRule(destinationRule.name);
      const desired = renderDestinationRule(dr, destinationRule, target.rolloutName, canaryHash, stableHash, additionalDestinations);
      const { canarySubsetName, stableSubsetName } = destinationRule;
      return write(
        dr,
        desired,
        'UpdatedDestinationRule',
        `DestinationRule ${destinationRule.name} subset updated (${canarySubsetName}: ${canaryHash}, ${stableSubsetName}: ${stableHash})`,
      );
    };
  }
  return router;
}
