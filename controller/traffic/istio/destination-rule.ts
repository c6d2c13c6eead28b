import { cloneJson, createMergePatch, type JsonObject } from '../../kube/merge-patch.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL, TrafficRoutingError, type StoredObject } from '../router.ts';
import type { IstioDestinationRule, WeightDestination } from '../types.ts';

/**
 * Pure rendering of the DestinationRule for subset-level splitting: the canary and stable
 * subsets select pods by `rollouts-pod-template-hash`.
 */

export interface Subset {
  name: string;
  labels?: Record<string, string> | undefined;
  [field: string]: unknown;
}

export interface DestinationRule extends StoredObject {
  spec?: { host?: string | undefined; subsets?: Subset[] | undefined; [field: string]: unknown } | undefined;
}

function withHash(subset: Subset, hash: string | undefined): Subset {
  const labels = { ...subset.labels };
  if (hash) labels[POD_TEMPLATE_HASH_LABEL] = hash;
  else delete labels[POD_TEMPLATE_HASH_LABEL];
  const next: Subset = { ...subset, labels };
  if (Object.keys(labels).length === 0) delete next.labels;
  return next;
}

/**
 * The DestinationRule with the canary and stable subsets pointed at their hashes (an empty hash
 * removes the label) and one subset per additional destination, named after its Service. As Argo,
 * any other subset is dropped: that is how subsets of finished experiments go away.
 */
export function renderDestinationRule(
  dr: DestinationRule,
  spec: IstioDestinationRule,
  rolloutName: string,
  canaryHash: string,
  stableHash: string,
  additional: WeightDestination[] = [],
): DestinationRule {
  const { namespace = '', name } = dr.metadata;
  const subsets = dr.spec?.subsets ?? [];
  for (const wanted of [spec.canarySubsetName, spec.stableSubsetName]) {
    if (!subsets.some((s) => s.name === wanted)) {
      throw new TrafficRoutingError(
        `DestinationRule ${namespace}/${name} has no subset named '${wanted}': add it to spec.subsets or correct the Rollout's destinationRule`,
        { kind: 'DestinationRule', namespace, name },
      );
    }
  }
  const pending = new Map(additional.filter((d) => d.serviceName).map((d) => [d.serviceName as string, d]));
  const next: Subset[] = [];
  for (const subset of subsets) {
    if (subset.name === spec.canarySubsetName) next.push(withHash(subset, canaryHash));
    else if (subset.name === spec.stableSubsetName) next.push(withHash(subset, stableHash));
    else if (pending.has(subset.name)) {
      next.push(withHash(subset, pending.get(subset.name)?.podTemplateHash));
      pending.delete(subset.name);
    }
  }
  for (const [serviceName, dest] of pending) {
    next.push({ name: serviceName, labels: { [POD_TEMPLATE_HASH_LABEL]: dest.podTemplateHash ?? '' } });
  }
  const rendered = cloneJson(dr);
  rendered.metadata.annotations = { ...rendered.metadata.annotations, [MANAGED_BY_ROLLOUTS_ANNOTATION]: rolloutName };
  rendered.spec = { ...rendered.spec, subsets: next };
  return rendered;
}

/**
 * Argo's syncDestinationRule cleanup, for a DestinationRule its Rollout no longer references (or
 * that names no Rollout any more): the merge patch that removes the managed-by annotation and the
 * subsets' pod-template-hash labels; null when neither is there.
 */
export function releaseDestinationRulePatch(dr: DestinationRule): JsonObject | null {
  const released = cloneJson(dr);
  const annotations = { ...released.metadata.annotations };
  delete annotations[MANAGED_BY_ROLLOUTS_ANNOTATION];
  released.metadata.annotations = annotations;
  if (released.spec?.subsets) released.spec = { ...released.spec, subsets: released.spec.subsets.map((subset) => withHash(subset, undefined)) };
  return createMergePatch({ metadata: dr.metadata, spec: dr.spec }, { metadata: released.metadata, spec: released.spec });
}
