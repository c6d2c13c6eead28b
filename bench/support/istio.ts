/**
 * What a bench-side watch reads from Istio's objects (pure): the weights of one VirtualService
 * HTTP route by subset, the pod-template hash a DestinationRule subset selects, and whether both
 * stand at a canary step, so a latency sample ends on the first event that shows the step.
 */
import type { KubeObject } from '../../controller/kube/resources.ts';

const HASH_LABEL = 'rollouts-pod-template-hash';

export interface VirtualServiceLike extends KubeObject {
  spec?: { http?: Array<{ name?: string; route?: Array<{ destination?: { host?: string; subset?: string }; weight?: number }> }> };
}
export interface DestinationRuleLike extends KubeObject {
  spec?: { subsets?: Array<{ name?: string; labels?: Record<string, string> }> };
}

/** The weights of the HTTP route `route`, by destination subset; undefined when the route is missing. */
export function subsetWeights(vs: VirtualServiceLike | undefined, route: string): Record<string, number> | undefined {
  const http = vs?.spec?.http?.find((r) => r.name === route);
  if (!http) return undefined;
  const weights: Record<string, number> = {};
  for (const d of http.route ?? []) {
    const subset = d.destination?.subset;
    if (subset !== undefined) weights[subset] = (weights[subset] ?? 0) + (d.weight ?? 0);
  }
  return weights;
}

/** The pod-template hash the DestinationRule's subset `subset` selects, if any. */
export function subsetHash(dr: DestinationRuleLike | undefined, subset: string): string | undefined {
  return dr?.spec?.subsets?.find((s) => s.name === subset)?.labels?.[HASH_LABEL];
}

export interface IstioStep {
  route: string;
  stableSubset: string;
  canarySubset: string;
  /** The canary's weight the step sets. */
  weight: number;
  /** The canary ReplicaSet's pod-template hash. */
  canaryHash: string;
}

/**
 * True once the route sends `weight` to the canary subset and the rest to the stable one, and
 * the canary subset selects the canary's pods: what traffic would see at this step.
 */
export function istioAtStep(vs: VirtualServiceLike | undefined, dr: DestinationRuleLike | undefined, step: IstioStep): boolean {
  const weights = subsetWeights(vs, step.route);
  if (!weights) return false;
  return weights[step.canarySubset] === step.weight &&
    weights[step.stableSubset] === 100 - step.weight &&
    subsetHash(dr, step.canarySubset) === step.canaryHash;
}
