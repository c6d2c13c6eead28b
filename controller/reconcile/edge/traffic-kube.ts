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
import type { StoredObject, TrafficKube } from '../../traffic/router.ts';

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

export function clientTrafficKube(client: KubeClient, opts: WriteOptions = {}): TrafficKube {
  return {
    async get(apiVersion, kind, namespace, name) {
      try {
        return await client.get<StoredObject>(routingResource(apiVersion, kind), namespace, name, { signal: opts.signal });
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    // A 409 rejects with a KubeApiError whose statusCode is 409: the routers' isAlreadyExists.
    create: (obj) => client.create<StoredObject>(routingResource(obj.apiVersion, obj.kind), obj, opts),
    patch: (apiVersion, kind, namespace, name, mergePatch) =>
      client.mergePatch<StoredObject>(routingResource(apiVersion, kind), namespace, name, mergePatch, opts),
    async delete(apiVersion, kind, namespace, name) {
      try {
        await client.delete(routingResource(apiVersion, kind), namespace, name, { signal: opts.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
