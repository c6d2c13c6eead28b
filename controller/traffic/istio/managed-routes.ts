import { cloneJson } from '../../kube/merge-patch.ts';
import { TrafficRoutingError } from '../router.ts';
import type { IstioVirtualService, ManagedRoute, RouteMatch, SetHeaderRoute, SetMirrorRoute, StringMatch } from '../types.ts';
import {
  primaryHttpRouteIndexes,
  type Destination,
  type HTTPRoute,
  type IstioRouting,
  type VirtualService,
} from './virtual-service.ts';

/**
 * Pure rendering of the HTTP routes the Rollout owns in a VirtualService (setHeaderRoute and
 * setMirrorRoute steps): they sit above the user's routes, in the order of
 * `trafficRouting.managedRoutes`, and removing them leaves the user's routes as they were.
 */

function fail(vs: VirtualService, message: string): TrafficRoutingError {
  const { namespace = '', name } = vs.metadata;
  return new TrafficRoutingError(`VirtualService ${namespace}/${name}: ${message}`, { kind: 'VirtualService', namespace, name });
}

/** Managed routes first, in `managedRoutes` order, then every other route in its original order. */
export function orderRoutes(http: HTTPRoute[], managedRoutes: ManagedRoute[]): HTTPRoute[] {
  if (managedRoutes.length === 0) return http;
  const managed = new Set(managedRoutes.map((r) => r.name));
  const ordered = managedRoutes.flatMap((m) => http.filter((route) => route.name === m.name));
  return [...ordered, ...http.filter((route) => !managed.has(route.name ?? ''))];
}

/** The VirtualService without any route the Rollout manages. */
export function removeManagedRoutes(vs: VirtualService, managedRoutes: ManagedRoute[]): VirtualService {
  const http = vs.spec?.http;
  if (!http || managedRoutes.length === 0) return vs;
  const managed = new Set(managedRoutes.map((r) => r.name));
  return cloneJson({ ...vs, spec: { ...vs.spec, http: http.filter((route) => !managed.has(route.name ?? '')) } });
}

/** Where canary-only routes send traffic: the DestinationRule's host and canary subset, or the canary Service. */
export interface CanaryTarget {
  host: string;
  subset?: string | undefined;
}

export function canaryTarget(routing: IstioRouting, destinationRuleHost: string | undefined): CanaryTarget {
  if (routing.destinationRule) {
    return { host: destinationRuleHost || routing.canaryService, subset: routing.destinationRule.canarySubsetName };
  }
  return { host: routing.canaryService };
}

/** The checks every managed route passes before the VirtualService is touched. */
function managedRouteSlot(vs: VirtualService, ref: IstioVirtualService, routing: IstioRouting, name: string, step: string) {
  if (!vs.spec?.http) throw fail(vs, `${step} '${name}' needs HTTP routes but the VirtualService has no spec.http`);
  if (!routing.managedRoutes.some((r) => r.name === name)) {
    throw fail(
      vs,
      `${step} '${name}' is not listed in spec.strategy.canary.trafficRouting.managedRoutes; add it there so the Rollout may manage it`,
    );
  }
  const primary = primaryHttpRouteIndexes(vs, ref, routing.managedRoutes);
  if (primary.some((i) => vs.spec?.http?.[i]?.name === name)) {
    throw fail(vs, `${step} '${name}' has the name of a route the Rollout weights; give the managed route its own name`);
  }
  const firstPrimary = primary[0] === undefined ? undefined : vs.spec.http[primary[0]];
  return { http: vs.spec.http.filter((route) => route.name !== name), primary: firstPrimary };
}

function destination(target: CanaryTarget, port: number | undefined): Destination {
  const dest: Destination = { host: target.host };
  if (port) dest.port = { number: port };
  if (target.subset) dest.subset = target.subset;
  return dest;
}

function stringMatch(match: StringMatch): Record<string, string> {
  const out: Record<string, string> = {};
  if (match.exact) out.exact = match.exact;
  if (match.regex) out.regex = match.regex;
  if (match.prefix) out.prefix = match.prefix;
  return out;
}

function withRoutes(vs: VirtualService, http: HTTPRoute[], managedRoutes: ManagedRoute[]): VirtualService {
  return cloneJson({ ...vs, spec: { ...vs.spec, http: orderRoutes(http, managedRoutes) } });
}

/**
 * The VirtualService with the header route: every request matching one of the headers goes to
 * the canary. Each match is its own match block, so any one header is enough, as Argo.
 */
export function renderHeaderRoute(
  vs: VirtualService,
  ref: IstioVirtualService,
  routing: IstioRouting,
  headerRoute: SetHeaderRoute,
  canary: CanaryTarget,
): VirtualService {
  const name = headerRoute.name ?? '';
  const { http, primary } = managedRouteSlot(vs, ref, routing, name, 'setHeaderRoute');
  const matches = headerRoute.match ?? [];
  if (matches.length > 0) {
    http.push({
      name,
      match: matches.map((m) => ({ headers: { [m.headerName]: stringMatch(m.headerValue ?? {}) } })),
      route: [{ destination: destination(canary, primary?.route?.[0]?.destination?.port?.number), weight: 100 }],
    });
  }
  return withRoutes(vs, http, routing.managedRoutes);
}

function routeMatch(match: RouteMatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (match.method) out.method = stringMatch(match.method);
  if (match.path) out.uri = stringMatch(match.path);
  if (match.headers) {
    out.headers = Object.fromEntries(Object.entries(match.headers).map(([header, value]) => [header, stringMatch(value)]));
  }
  return out;
}

/**
 * The VirtualService with the mirror route: matching requests keep the primary route's current
 * split and a `percentage` of them is also mirrored to the canary.
 */
export function renderMirrorRoute(
  vs: VirtualService,
  ref: IstioVirtualService,
  routing: IstioRouting,
  mirrorRoute: SetMirrorRoute,
  canary: CanaryTarget,
): VirtualService {
  const { name } = mirrorRoute;
  const { http, primary } = managedRouteSlot(vs, ref, routing, name, 'setMirrorRoute');
  const matches = mirrorRoute.match ?? [];
  if (matches.length > 0) {
    const route = cloneJson(primary?.route ?? []);
    http.unshift({
      name,
      match: matches.map(routeMatch),
      route,
      mirror: destination(canary, route[0]?.destination?.port?.number),
      mirrorPercentage: { value: mirrorRoute.percentage ?? 100 },
    });
  }
  return withRoutes(vs, http, routing.managedRoutes);
}
