import { cloneJson, isJsonObject, jsonEqual } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, type StoredObject } from '../router.ts';

/**
 * Pure rendering of a weighted TraefikService as Argo's Traefik router edits it: the canary
 * Service's entry in `spec.weighted.services` gets the desired weight, the stable one the rest of
 * 100; other entries and fields are the user's.
 */

/** Traefik's API groups (traefik.containo.us before Traefik 3), and Argo's defaults for its flags. */
export const TRAEFIK_API_GROUPS = ['traefik.io', 'traefik.containo.us'] as const;
export type TraefikApiGroup = (typeof TRAEFIK_API_GROUPS)[number];
export const DEFAULT_TRAEFIK_API_GROUP: TraefikApiGroup = 'traefik.io';
export const DEFAULT_TRAEFIK_API_VERSION = 'traefik.io/v1alpha1';

/**
 * The apiVersion TraefikServices are addressed at: the group of --traefik-api-group and, as Argo
 * reads --traefik-api-version, what follows its last "/".
 */
export function traefikApiVersion(group: string, version: string): string {
  return `${group}/${version.slice(version.lastIndexOf('/') + 1)}`;
}

export interface TraefikWeightedService {
  name: string;
  weight?: number | undefined;
  [field: string]: unknown;
}

export interface TraefikService extends StoredObject {
  spec?: { weighted?: { services?: unknown[] | undefined; [field: string]: unknown } | undefined; [field: string]: unknown } | undefined;
}

/** The two Services whose weights the router sets. */
export interface CanaryServices {
  stableService: string;
  canaryService: string;
}

function fail(obj: TraefikService, message: string): TrafficRoutingError {
  const { namespace = '', name } = obj.metadata;
  return new TrafficRoutingError(`TraefikService ${namespace}/${name}: ${message}`, { kind: 'TraefikService', namespace, name });
}

/** `spec.weighted.services`, each entry checked as Argo checks it (a map with a name). */
function weightedServices(obj: TraefikService): TraefikWeightedService[] {
  const services = obj.spec?.weighted?.services;
  if (!Array.isArray(services)) throw fail(obj, 'spec.weighted.services was not found in traefik service manifest');
  return services.map((service) => {
    if (!isJsonObject(service)) throw fail(obj, 'Failed type assertion setting weight for traefik service');
    if (typeof service.name !== 'string') throw fail(obj, 'name field was not found in service');
    return service as TraefikWeightedService;
  });
}

/** The entry of `service`: the first with its name, as Argo picks it. */
function indexOf(obj: TraefikService, services: TraefikWeightedService[], service: string, role: 'canary' | 'stable'): number {
  const i = services.findIndex((s) => s.name === service);
  if (i < 0) throw fail(obj, `traefik ${role} service was not found: add an entry named "${service}" to spec.weighted.services`);
  return i;
}

/** The weighted services with `desiredWeight` on the canary entry and 100 minus it on the stable one. */
export function renderTraefikWeights(obj: TraefikService, services: CanaryServices, desiredWeight: number): TraefikWeightedService[] {
  const current = weightedServices(obj);
  const canary = indexOf(obj, current, services.canaryService, 'canary');
  const stable = indexOf(obj, current, services.stableService, 'stable');
  const next = cloneJson(current);
  next[canary] = { ...next[canary]!, weight: desiredWeight };
  next[stable] = { ...next[stable]!, weight: 100 - desiredWeight };
  return next;
}

/** Whether the TraefikService already carries exactly the weights `desiredWeight` asks for. */
export function traefikWeightsVerified(obj: TraefikService, services: CanaryServices, desiredWeight: number): boolean {
  return jsonEqual(obj.spec?.weighted?.services, renderTraefikWeights(obj, services, desiredWeight));
}
