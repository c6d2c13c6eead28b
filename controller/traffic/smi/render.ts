import { jsonEqual } from '../../kube/merge-patch.ts';
import type { StoredObject } from '../router.ts';
import { controllerRef, type RoutingTarget } from '../target.ts';
import type { SMITrafficRouting, WeightDestination } from '../types.ts';

/**
 * Pure rendering of the SMI TrafficSplit as Argo's SMI router writes it: the root Service split
 * between the canary backend (the desired weight), each additional destination (an experiment
 * template's Service) and the stable one (the rest of 100), at the split.smi-spec.io version the
 * controller is configured with.
 */

export const SMI_GROUP = 'split.smi-spec.io';

/** The TrafficSplit versions Argo Rollouts writes, and its default (--traffic-split-api-version). */
export const SMI_VERSIONS = ['v1alpha1', 'v1alpha2', 'v1alpha3'] as const;
export type SmiVersion = (typeof SMI_VERSIONS)[number];
export const DEFAULT_SMI_VERSION: SmiVersion = 'v1alpha1';

/** v1alpha1 weighs backends with a resource.Quantity, serialized as a string ("20"); later versions with an int. */
export interface TrafficSplitBackend {
  service: string;
  weight: number | string;
}

export interface TrafficSplitSpec {
  service: string;
  backends: TrafficSplitBackend[];
  [field: string]: unknown;
}

export interface TrafficSplit extends StoredObject {
  spec?: TrafficSplitSpec | undefined;
}

/** The TrafficSplit's name: `trafficSplitName`, else the Rollout's. */
export function trafficSplitName(target: RoutingTarget, smi: SMITrafficRouting): string {
  return smi.trafficSplitName || target.rolloutName;
}

const weightAt = (version: SmiVersion, weight: number): number | string => (version === 'v1alpha1' ? String(weight) : weight);

/** The spec Argo writes: canary first, the additional destinations, then the stable Service with what is left of 100. */
export function renderTrafficSplitSpec(target: RoutingTarget, smi: SMITrafficRouting, version: SmiVersion, desiredWeight: number, additional: readonly WeightDestination[] = []): TrafficSplitSpec {
  const others = additional.reduce((sum, d) => sum + d.weight, 0);
  return {
    service: smi.rootService || target.stableService,
    backends: [
      { service: target.canaryService, weight: weightAt(version, desiredWeight) },
      ...additional.map((d) => ({ service: d.serviceName ?? '', weight: weightAt(version, d.weight) })),
      { service: target.stableService, weight: weightAt(version, 100 - desiredWeight - others) },
    ],
  };
}

/** The whole TrafficSplit, controller-owned by the Rollout, as created when none exists. */
export function renderTrafficSplit(target: RoutingTarget, smi: SMITrafficRouting, version: SmiVersion, desiredWeight: number, additional: readonly WeightDestination[] = []): TrafficSplit {
  return {
    apiVersion: `${SMI_GROUP}/${version}`,
    kind: 'TrafficSplit',
    metadata: { name: trafficSplitName(target, smi), namespace: target.namespace, ownerReferences: [controllerRef(target)] },
    spec: renderTrafficSplitSpec(target, smi, version, desiredWeight, additional),
  };
}

/**
 * The spec fields of the version's Go type, the only ones Argo's two-way merge patch sees: a
 * field the type does not know survives, one it knows but the desired spec lacks is removed.
 */
export function managedSpec(spec: Record<string, unknown> | undefined, version: SmiVersion): Record<string, unknown> {
  const fields = version === 'v1alpha3' ? ['service', 'backends', 'matches'] : ['service', 'backends'];
  return Object.fromEntries(fields.flatMap((f) => (spec?.[f] === undefined ? [] : [[f, spec[f]]])));
}

/** A backend weight as a number; a v1alpha1 Quantity in its plain integer form. */
function weightValue(weight: unknown): number | undefined {
  if (typeof weight === 'number') return weight;
  if (typeof weight === 'string' && /^\d+$/.test(weight)) return Number(weight);
  return undefined;
}

/** Whether the TrafficSplit sends `desiredWeight` to the canary, the additional destinations theirs and the rest to stable, read as the mesh reads it. */
export function trafficSplitVerified(split: TrafficSplit | null, target: RoutingTarget, smi: SMITrafficRouting, desiredWeight: number, additional: readonly WeightDestination[] = []): boolean {
  if (!split?.spec) return false;
  const weights = (split.spec.backends ?? []).map((b) => ({ service: b.service, weight: weightValue(b.weight) }));
  const desired = renderTrafficSplitSpec(target, smi, 'v1alpha2', desiredWeight, additional);
  return split.spec.service === desired.service && jsonEqual(weights, desired.backends);
}
