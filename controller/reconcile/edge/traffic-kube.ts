import type { KubeClient, WriteOptions } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import {
  AMBASSADOR_MAPPINGS,
  AMBASSADOR_X_MAPPINGS,
  APISIX_ROUTES,
  GATEWAY_ROUTES,
  INGRESSES,
  ISTIO_DESTINATION_RULES,
  ISTIO_VIRTUAL_SERVICES,
  SMI_TRAFFIC_SPLITS,
  TRAEFIK_CONTAINO_SERVICES,
  TRAEFIK_SERVICES,
  APPMESH_KINDS,
  type ResourceType,
} from '../../kube/resources.ts';
import type { Informer } from '../../kube/informer.ts';
import type { Caches } from '../../runtime/types.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, type StoredObject, type TrafficKube } from '../../traffic/router.ts';

/**
 * The routers' TrafficKube port over the controller's counted client. Routers name objects by
 * apiVersion and kind, as they read them; the kinds they may touch are listed here, so a router
 * can never write anything else. Istio, SMI, Traefik and App Mesh objects and Ambassador Mappings are
 * addressed at the version asked for (the controller's --istio-api-version,
 * --traffic-split-api-version, --traefik-api-version, --ambassador-api-version,
 * --appmesh-crd-version, or the version an object was read at).
 */

const ROUTING_KINDS: readonly ResourceType[] = [
  INGRESSES,
  ISTIO_VIRTUAL_SERVICES,
  ISTIO_DESTINATION_RULES,
  ...GATEWAY_ROUTES,
  AMBASSADOR_MAPPINGS,
  AMBASSADOR_X_MAPPINGS,
  APISIX_ROUTES,
  SMI_TRAFFIC_SPLITS,
  TRAEFIK_SERVICES,
  TRAEFIK_CONTAINO_SERVICES,
  ...APPMESH_KINDS,
];

export function routingResource(apiVersion: string, kind: string): ResourceType {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const known = ROUTING_KINDS.find((t) => t.group === group && t.kind === kind);
  if (!known || !version) {
    throw new Error(`traffic routing: ${kind} ${apiVersion} is not a routing object the controller edits (${ROUTING_KINDS.map((t) => t.kind).join(', ')})`);
  }
  return known.version === version ? known : Object.freeze({ ...known, version });
}

/**
 * The routing kinds a CRD provides (all but Ingresses, which the controller always caches), at the
 * versions the controller addresses them: a kind whose group one of `apiVersions` names (the
 * configured Istio and Ambassador versions) at that version, the others at the table's.
 */
export function optionalRoutingKinds(apiVersions: readonly string[]): ResourceType[] {
  return ROUTING_KINDS.filter((t) => t !== INGRESSES).map((t) => {
    const configured = apiVersions.find((v) => v.startsWith(`${t.group}/`));
    return configured ? routingResource(configured, t.kind) : t;
  });
}

/** Where `get` may answer from: the informer caches, and the namespace they hold (all when undefined). */
export interface RoutingCaches {
  caches: Caches;
  namespace?: string | undefined;
}

/** The synced cache of a routing kind that holds `namespace`, if any. */
function syncedCache(from: RoutingCaches | undefined, type: ResourceType, namespace: string): Informer<StoredObject> | undefined {
  if (!from || (from.namespace !== undefined && from.namespace !== namespace)) return undefined;
  if (type === INGRESSES) {
    const ingresses = from.caches.informer<StoredObject>(INGRESSES);
    return ingresses.hasSynced() ? ingresses : undefined;
  }
  return from.caches.optional?.<StoredObject>(type)?.synced();
}

/**
 * Whether informers hold both Istio kinds at `istioApiVersion` for `namespace`. Read before the
 * objects are, so a kind that went away mid-read cannot claim a watch.
 */
export function istioWatched(from: RoutingCaches | undefined, istioApiVersion: string, namespace: string): boolean {
  return kindsWatched(from, [[istioApiVersion, 'VirtualService'], [istioApiVersion, 'DestinationRule']], namespace);
}

/** Whether synced informers hold every `[apiVersion, kind]` for `namespace`. */
export function kindsWatched(from: RoutingCaches | undefined, kinds: ReadonlyArray<readonly [string, string]>, namespace: string): boolean {
  return kinds.every(([apiVersion, kind]) => syncedCache(from, routingResource(apiVersion, kind), namespace) !== undefined);
}

/**
 * The DestinationRules of `namespace` whose managed-by annotation names `rollout`, from the synced
 * informer; none while it does not run (no LIST is made: Argo finds them through its informer too).
 */
export function managedDestinationRules(from: RoutingCaches | undefined, istioApiVersion: string, namespace: string, rollout: string): StoredObject[] {
  const cache = syncedCache(from, routingResource(istioApiVersion, 'DestinationRule'), namespace);
  return (cache?.list(namespace) ?? []).filter((dr) => dr.metadata.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === rollout).map((dr) => structuredClone(dr));
}

/**
 * `get` answers from a synced informer when one holds the kind (a copy: routers may edit what they
 * read), else with a GET. What this port wrote answers its own later reads (the apiserver's reply
 * is newer than any cache), so a weight read back right after it was set is the one set. A stale
 * cache is otherwise harmless: writes carry the resourceVersion read, so the apiserver answers 409
 * and the next pass reads again. One port per pass keeps those written copies short-lived.
 */
export function clientTrafficKube(client: KubeClient, opts: WriteOptions = {}, cached?: RoutingCaches): TrafficKube {
  const written = new Map<string, StoredObject | null>();
  const keyOf = (type: ResourceType, namespace: string, name: string): string => `${type.group}/${type.kind}/${namespace}/${name}`;
  const remember = (type: ResourceType, namespace: string, name: string, obj: StoredObject | null): void => {
    written.set(keyOf(type, namespace, name), obj);
  };
  const stored = async (type: ResourceType, namespace: string, name: string, write: Promise<StoredObject>): Promise<StoredObject> => {
    const obj = await write;
    remember(type, namespace, name, obj);
    return obj;
  };
  return {
    async get(apiVersion, kind, namespace, name) {
      const type = routingResource(apiVersion, kind);
      const cache = syncedCache(cached, type, namespace);
      if (cache) {
        const key = keyOf(type, namespace, name);
        const hit = written.has(key) ? written.get(key) : cache.get(`${namespace}/${name}`);
        return hit ? structuredClone(hit) : null;
      }
      try {
        return await client.get<StoredObject>(type, namespace, name, { signal: opts.signal });
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    // A 409 rejects with a KubeApiError whose statusCode is 409: the routers' isAlreadyExists.
    create: (obj) => {
      const type = routingResource(obj.apiVersion, obj.kind);
      return stored(type, obj.metadata.namespace ?? '', obj.metadata.name, client.create<StoredObject>(type, obj, opts));
    },
    patch: (apiVersion, kind, namespace, name, mergePatch) => {
      const type = routingResource(apiVersion, kind);
      return stored(type, namespace, name, client.mergePatch<StoredObject>(type, namespace, name, mergePatch, opts));
    },
    async delete(apiVersion, kind, namespace, name) {
      const type = routingResource(apiVersion, kind);
      try {
        await client.delete(type, namespace, name, { signal: opts.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      remember(type, namespace, name, null);
    },
  };
}
