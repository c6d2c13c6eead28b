import { ROLLOUTS, type KubeObject } from '../../kube/resources.ts';
import { controllerOf } from '../../kube/store.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION } from '../../api/labels.ts';
import type { Caches, ObjectKey } from '../../runtime/types.ts';

/**
 * Which Rollouts a change to a routing object (VirtualService, HTTPRoute, Mapping, …) re-runs: the
 * one that owns it (a canary Mapping or header route it created) and those whose
 * `trafficRouting` names it. Routers spell a reference differently (`name`, Istio's `name.namespace`
 * and `namespace/name`, a route name inside a plugin's configuration), so any string under
 * `trafficRouting` that names the object counts: one rule for every router, present and future; a
 * string that only looks like a reference costs one extra pass over the caches.
 */
export function routingObjectKeys(obj: KubeObject, caches: Caches): ObjectKey[] {
  const namespace = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  if (!namespace || !name) return [];
  const keys = new Set<ObjectKey>();
  const owner = controllerOf(obj);
  if (owner?.kind === 'Rollout' && owner.name) keys.add(`${namespace}/${owner.name}`);
  // A DestinationRule marked as managed re-runs its Rollout, which releases it if no longer referenced.
  const manager = obj.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION];
  if (manager) keys.add(`${namespace}/${manager}`);
  const qualified = new Set([`${name}.${namespace}`, `${namespace}/${name}`]);
  for (const rollout of caches.informer<KubeObject>(ROLLOUTS).list()) {
    const rolloutNamespace = rollout.metadata?.namespace;
    const routing = (rollout as { spec?: { strategy?: { canary?: { trafficRouting?: unknown } } } }).spec?.strategy?.canary?.trafficRouting;
    if (!rolloutNamespace || routing === undefined) continue;
    const names = (s: string): boolean => qualified.has(s) || (s === name && rolloutNamespace === namespace);
    if (mentions(routing, names)) keys.add(`${rolloutNamespace}/${rollout.metadata?.name}`);
  }
  return [...keys];
}

/** Whether any string in a JSON value satisfies `test`; depth-bounded, as specs are bounded before parsing. */
function mentions(value: unknown, test: (s: string) => boolean, depth = 0): boolean {
  if (typeof value === 'string') return test(value);
  if (depth > 16 || value === null || typeof value !== 'object') return false;
  return Object.values(value).some((v) => mentions(v, test, depth + 1));
}
