import type { IstioObject, IstioReferences } from '../../api/validation/references.ts';
import type { TrafficKube } from '../../traffic/router.ts';
import { parseVirtualServiceRef } from '../../traffic/istio/virtual-service.ts';

/**
 * The VirtualServices and DestinationRule a canary's `trafficRouting.istio` names, read at the edge
 * of a pass through the TrafficKube port (from the informers once Istio's CRDs are served, else
 * from the apiserver). A missing object, or CRD, leaves the name out of the maps, which plan()'s
 * validation reports as InvalidSpec.
 */

interface IstioNames {
  /** As written in the spec: `name`, `name.namespace` or `namespace/name`. */
  virtualServices: string[];
  destinationRule?: string;
}

/** The names `spec.strategy.canary.trafficRouting.istio` holds; undefined without Istio routing. Reads the unvalidated spec. */
export function istioReferenceNames(spec: unknown): IstioNames | undefined {
  const istio = (spec as { strategy?: { canary?: { trafficRouting?: { istio?: Record<string, unknown> } } } } | undefined)?.strategy?.canary?.trafficRouting?.istio;
  if (!istio || typeof istio !== 'object') return undefined;
  const nameOf = (ref: unknown): string | undefined => {
    const name = (ref as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name !== '' ? name : undefined;
  };
  const list = Array.isArray(istio.virtualServices) && istio.virtualServices.length > 0 ? istio.virtualServices : [istio.virtualService];
  const virtualServices = [...new Set(list.map(nameOf).filter((n): n is string => n !== undefined))];
  const destinationRule = nameOf(istio.destinationRule);
  return destinationRule ? { virtualServices, destinationRule } : { virtualServices };
}

/** A DNS-1123 name (subdomain): anything else cannot name an object, so it is not read (and so is missing). */
export const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Reads what istioReferenceNames names; undefined when the Rollout has no Istio routing. */
export async function readIstioReferences(kube: Pick<TrafficKube, 'get'>, apiVersion: string, namespace: string, spec: unknown): Promise<IstioReferences | undefined> {
  const names = istioReferenceNames(spec);
  if (!names) return undefined;
  const virtualServices = new Map<string, IstioObject>();
  for (const ref of names.virtualServices) {
    const { namespace: vsNamespace, name } = parseVirtualServiceRef(ref, namespace);
    if (!OBJECT_NAME.test(vsNamespace) || !OBJECT_NAME.test(name)) continue;
    const vs = await kube.get(apiVersion, 'VirtualService', vsNamespace, name);
    if (vs) virtualServices.set(ref, vs as IstioObject);
  }
  const destinationRules = new Map<string, IstioObject>();
  if (names.destinationRule && OBJECT_NAME.test(names.destinationRule)) {
    const dr = await kube.get(apiVersion, 'DestinationRule', namespace, names.destinationRule);
    if (dr) destinationRules.set(names.destinationRule, dr as IstioObject);
  }
  return { virtualServices, destinationRules };
}
