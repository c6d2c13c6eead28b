import { cloneJson } from '../../kube/merge-patch.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, TrafficRoutingError, type StoredObject } from '../router.ts';

/**
 * Pure rendering of App Mesh objects as Argo Rollouts' App Mesh router edits them: the weights of
 * the weighted targets in a VirtualRouter's routes, and the pod selector of a VirtualNode.
 */

/** The route kinds whose action splits traffic, in the order Argo looks for them. */
export const ROUTE_TYPES = ['httpRoute', 'tcpRoute', 'http2Route', 'grpcRoute'] as const;

/** Argo's placeholders: a VirtualNode never selects nothing, and the two never select the same pods. */
export const DEFAULT_STABLE_HASH = 'stable-hash';
export const DEFAULT_CANARY_HASH = 'canary-hash';

export interface AppMeshObject extends StoredObject {
  spec?: Record<string, unknown> | undefined;
}

/** The VirtualNodes a canary splits traffic between, in the Rollout's namespace. */
export interface VirtualNodePair {
  namespace: string;
  stable: string;
  canary: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(obj: AppMeshObject, path: string, message: string): TrafficRoutingError {
  const { namespace = '', name } = obj.metadata;
  return new TrafficRoutingError(`${obj.kind} ${namespace}/${name}: ${path}: ${message}`, { kind: obj.kind, namespace, name });
}

/** Where a VirtualService sends traffic: its VirtualRouter, or an error as Argo's when it has none. */
export function virtualRouterRef(vs: AppMeshObject): { namespace: string; name: string } {
  const provider = isRecord(vs.spec?.provider) ? vs.spec.provider : undefined;
  const router = isRecord(provider?.virtualRouter) ? provider.virtualRouter : undefined;
  const ref = isRecord(router?.virtualRouterRef) ? router.virtualRouterRef : undefined;
  if (!ref || typeof ref.name !== 'string' || ref.name === '') {
    throw fail(vs, 'spec.provider.virtualRouter.virtualRouterRef', 'Virtual-service is not associated with virtual-router; App Mesh traffic routing needs a VirtualService whose provider is a VirtualRouter');
  }
  const namespace = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : (vs.metadata.namespace ?? '');
  return { namespace, name: ref.name };
}

/** The route's rule (`httpRoute`, `tcpRoute`, …) and its type, or undefined for a route kind that cannot split. */
export function routeRule(route: Record<string, unknown>): { type: (typeof ROUTE_TYPES)[number]; rule: Record<string, unknown> } | undefined {
  for (const type of ROUTE_TYPES) {
    const rule = route[type];
    if (isRecord(rule)) return { type, rule };
  }
  return undefined;
}

/**
 * The VirtualRouter with `desiredWeight` on the canary VirtualNode's targets and the rest of
 * `maxWeight` on the stable one's, in the named routes (every route when `routes` is empty).
 * Targets of other VirtualNodes keep their weights. A route that is not well-formed is an error
 * naming its path, as Argo's.
 */
export function renderRouterWeights(
  vr: AppMeshObject,
  nodes: VirtualNodePair,
  routes: readonly string[],
  desiredWeight: number,
  maxWeight: number,
): AppMeshObject {
  const out = cloneJson(vr);
  const list = out.spec?.routes;
  if (!Array.isArray(list)) throw fail(vr, 'spec.routes', 'No routes found');
  const only = new Set(routes);
  list.forEach((route, i) => {
    const path = `spec.routes[${i}]`;
    if (!isRecord(route)) throw fail(vr, path, 'not well-formed');
    if (typeof route.name !== 'string') throw fail(vr, `${path}.name`, 'not well-formed');
    if (only.size > 0 && !only.has(route.name)) return;
    const found = routeRule(route);
    if (!found) throw fail(vr, path, 'not well-formed: the route has none of httpRoute, tcpRoute, http2Route, grpcRoute');
    const targetsPath = `${path}.${found.type}.action.weightedTargets`;
    const action = found.rule.action;
    const targets = isRecord(action) ? action.weightedTargets : undefined;
    if (!Array.isArray(targets)) throw fail(vr, targetsPath, 'not well-formed');
    targets.forEach((target, j) => {
      const targetPath = `${targetsPath}[${j}]`;
      if (!isRecord(target)) throw fail(vr, targetPath, 'not well-formed');
      const ref = target.virtualNodeRef;
      if (!isRecord(ref)) throw fail(vr, `${targetPath}.virtualNodeRef`, 'not well-formed');
      if (typeof target.weight !== 'number') throw fail(vr, `${targetPath}.weight`, 'not well-formed');
      const namespace = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : nodes.namespace;
      if (namespace !== nodes.namespace) return;
      if (ref.name === nodes.stable) target.weight = maxWeight - desiredWeight;
      else if (ref.name === nodes.canary) target.weight = desiredWeight;
    });
  });
  return out;
}

/** Argo's UpdateHash rule: an empty stable hash, or a canary one equal to it or empty, becomes a placeholder. */
export function virtualNodeHashes(canaryHash: string, stableHash: string): { canary: string; stable: string } {
  const stable = stableHash || DEFAULT_STABLE_HASH;
  const canary = canaryHash === '' || canaryHash === stable ? DEFAULT_CANARY_HASH : canaryHash;
  return { canary, stable };
}

/**
 * The VirtualNode selecting the pods of one ReplicaSet: `rollouts-pod-template-hash` set in
 * `spec.podSelector.matchLabels` (removed for ""), and marked as managed by the Rollout.
 */
export function renderVirtualNodeHash(vn: AppMeshObject, rolloutName: string, hash: string): AppMeshObject {
  const out = cloneJson(vn);
  out.metadata.annotations = { ...out.metadata.annotations, [MANAGED_BY_ROLLOUTS_ANNOTATION]: rolloutName };
  const spec = out.spec ?? {};
  const podSelector = isRecord(spec.podSelector) ? spec.podSelector : {};
  const matchLabels: Record<string, unknown> = isRecord(podSelector.matchLabels) ? { ...podSelector.matchLabels } : {};
  if (hash) matchLabels[POD_TEMPLATE_HASH_LABEL] = hash;
  else delete matchLabels[POD_TEMPLATE_HASH_LABEL];
  out.spec = { ...spec, podSelector: { ...podSelector, matchLabels } };
  return out;
}
