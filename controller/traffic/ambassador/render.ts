import { cloneJson } from '../../kube/merge-patch.ts';
import { AMBASSADOR_MAPPINGS, AMBASSADOR_X_MAPPINGS, type ResourceType } from '../../kube/resources.ts';
import type { StoredObject } from '../router.ts';

/**
 * Pure rendering of Ambassador/Emissary canary Mappings as Argo's Ambassador router builds them:
 * a copy of the user's Mapping with the stable Service swapped for the canary one and a `weight`,
 * which Ambassador sends to the copy and the rest to the original.
 */

export interface MappingObject extends StoredObject {
  spec?: { service?: unknown; weight?: unknown; [field: string]: unknown } | undefined;
}

/** The Mapping kind served in an apiVersion's group (Argo's apiGroupToResource). */
export function mappingType(apiVersion: string): ResourceType {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? AMBASSADOR_MAPPINGS.group : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const known = group === AMBASSADOR_X_MAPPINGS.group ? AMBASSADOR_X_MAPPINGS : AMBASSADOR_MAPPINGS;
  return { ...known, version };
}

/** `<mapping>-canary`, the name cut to 246 characters so the result stays a valid name. */
export function canaryMappingName(mapping: string): string {
  return `${mapping.slice(0, 246)}-canary`;
}

/** spec.weight as Argo reads it: an integer, anything else (or nothing) counts as 0. */
export function mappingWeight(mapping: MappingObject): number {
  const weight = mapping.spec?.weight;
  return typeof weight === 'number' && Number.isInteger(weight) ? weight : 0;
}

function mappingService(mapping: MappingObject): string {
  const service = mapping.spec?.service;
  return typeof service === 'string' ? service : '';
}

/**
 * The canary Mapping for `base`: everything but its metadata copied (Argo keeps no labels,
 * annotations or owner), the first occurrence of the stable Service name in `spec.service`
 * (`web-stable`, `web-stable.shop:80`, `http://web-stable`) replaced by the canary one.
 */
export function renderCanaryMapping(base: MappingObject, services: { stableService: string; canaryService: string }, weight: number): MappingObject {
  const { metadata, ...rest } = cloneJson(base);
  // A function replacement, so `$` in a Service name is not read as a replacement pattern.
  const service = mappingService(base).replace(services.stableService, () => services.canaryService);
  const canary: MappingObject = {
    ...rest,
    metadata: { name: canaryMappingName(metadata.name), ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}) },
  };
  canary.spec = { ...rest.spec, service, weight };
  return canary;
}
