import { cloneJson, createMergePatch } from '../../kube/merge-patch.ts';
import { APISIX_ROUTES, apiVersionOf } from '../../kube/resources.ts';
import { TrafficRoutingError, guardedPatch, isAlreadyExists, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import { controllerRef, isControlledBy, type RoutingTarget } from '../target.ts';
import type { ApisixTrafficRouting, SetHeaderRoute } from '../types.ts';
import { renderHeaderRules, renderWeights, ruleNames, type ApisixRouteObject, type CanaryServices } from './render.ts';

export const APISIX_TYPE = 'Apisix';

const API_VERSION = apiVersionOf(APISIX_ROUTES);
const KIND = APISIX_ROUTES.kind;

/** What the controller changes on an ApisixRoute; everything else the user owns. */
const managedFields = (route: ApisixRouteObject): unknown => ({ spec: { http: route.spec?.http ?? [] } });

/**
 * APISIX traffic routing, as Argo's APISIX router: the canary and stable backend weights in the
 * named HTTP rules of one ApisixRoute, and for each header route an ApisixRoute of its own, named
 * after the managed route and owned by the Rollout, copied from the Rollout's route with the
 * matching requests sent to the canary alone. APISIX routes by Service and cannot mirror, so there
 * is no updateHash and no setMirrorRoute.
 */
export function createApisixRouter(target: RoutingTarget, apisix: ApisixTrafficRouting, kube: TrafficKube): TrafficRouter {
  const namespace = target.namespace;
  const routeName = apisix.route?.name;
  if (!routeName) {
    // Argo dereferences the missing route and panics; here the Rollout is told what to add.
    throw new TrafficRoutingError(
      `Rollout ${namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.apisix.route.name is required: name the ApisixRoute to weight`,
      { kind: 'Rollout', namespace, name: target.rolloutName },
    );
  }
  const names = ruleNames(apisix);
  const services: CanaryServices = { stableService: target.stableService, canaryService: target.canaryService };

  const get = async (name: string) => (await kube.get(API_VERSION, KIND, namespace, name)) as ApisixRouteObject | null;

  async function readRoute(): Promise<ApisixRouteObject> {
    const route = await get(routeName!);
    if (!route) {
      throw new TrafficRoutingError(
        `ApisixRoute ${namespace}/${routeName} not found: create it or correct spec.strategy.canary.trafficRouting.apisix.route.name`,
        { kind: KIND, namespace, name: routeName! },
      );
    }
    return route;
  }

  function write(verb: TrafficWrite['verb'], name: string, message: string): TrafficWrite {
    const reason = { create: 'CreatedApisixRoute', patch: 'UpdatedApisixRoute', delete: 'DeletedApisixRoute' }[verb];
    return { verb, apiVersion: API_VERSION, kind: KIND, namespace, name, reason, message };
  }

  /** Patches spec.http of `current` to that of `desired` when they differ. */
  async function patchRules(current: ApisixRouteObject, desired: ApisixRouteObject, message: string): Promise<TrafficWrite[]> {
    const patch = createMergePatch(managedFields(current), managedFields(desired));
    if (!patch) return [];
    await kube.patch(API_VERSION, KIND, namespace, current.metadata.name, guardedPatch(patch, current));
    return [write('patch', current.metadata.name, message)];
  }

  /** A new header route: the Rollout's route copied under the managed route's name, owned by the Rollout. */
  function newHeaderRoute(route: ApisixRouteObject, name: string): ApisixRouteObject {
    // Argo keeps the copy's labels and annotations and resets what the apiserver assigns.
    const { metadata, status: _status, ...rest } = cloneJson(route);
    const { labels, annotations } = metadata;
    return { ...rest, metadata: { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}), ownerReferences: [controllerRef(target)] } };
  }

  async function deleteIfOwned(name: string, owned: ApisixRouteObject): Promise<TrafficWrite[]> {
    if (!isControlledBy(owned, target)) return [];
    await kube.delete(API_VERSION, KIND, namespace, name);
    return [write('delete', name, `ApisixRoute \`${name}\` removed`)];
  }

  return {
    type: APISIX_TYPE,

    async setWeight(desiredWeight) {
      const route = await readRoute();
      return patchRules(route, renderWeights(route, names, services, desiredWeight), `ApisixRoute \`${routeName}\` set to desiredWeight '${desiredWeight}'`);
    },

    async setHeaderRoute(headerRouting: SetHeaderRoute) {
      const name = headerRouting.name ?? '';
      const route = await readRoute();
      const existing = await get(name);
      if (existing && !isControlledBy(existing, target)) {
        throw new TrafficRoutingError(
          `duplicate ApisixRoute [${name}] already exists: ApisixRoute ${namespace}/${name} is not controlled by Rollout ${target.rolloutName}; ` +
            'rename the managed route or delete that ApisixRoute',
          { kind: KIND, namespace, name },
        );
      }
      // A step without match removes the header route.
      if (headerRouting.match === undefined) return existing ? deleteIfOwned(name, existing) : [];
      const message = `ApisixRoute \`${name}\` set headerRoute '${name}'`;
      if (existing) return patchRules(existing, renderHeaderRules(existing, names, services, headerRouting, false), message);
      const created = renderHeaderRules(newHeaderRoute(route, name), names, services, headerRouting, true);
      try {
        await kube.create(created);
        return [write('create', name, message)];
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const raced = await get(name);
        if (!raced || !isControlledBy(raced, target)) throw err;
        return patchRules(raced, renderHeaderRules(raced, names, services, headerRouting, false), message);
      }
    },

    async removeManagedRoutes() {
      const writes: TrafficWrite[] = [];
      for (const { name } of target.managedRoutes) {
        const owned = await get(name);
        if (owned) writes.push(...(await deleteIfOwned(name, owned)));
      }
      return writes;
    },

    /** Argo answers "not verifiable"; here the named rules' backend weights are read back. */
    async verifyWeight(desiredWeight) {
      const route = await readRoute();
      return createMergePatch(managedFields(route), managedFields(renderWeights(route, names, services, desiredWeight))) === null;
    },
  };
}
