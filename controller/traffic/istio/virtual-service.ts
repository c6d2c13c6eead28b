import { cloneJson } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, type StoredObject } from '../router.ts';
import type { IstioDestinationRule, IstioVirtualService, ManagedRoute, TCPRoute, TLSRoute, WeightDestination } from '../types.ts';

/**
 * Pure rendering of VirtualService weights: which routes the Rollout edits, whether they carry
 * the stable and canary destinations, and the VirtualService with the desired weights. Objects
 * are handled as read (unstructured), so fields this module does not know survive untouched.
 */

export const DEFAULT_ISTIO_API_VERSION = 'networking.istio.io/v1alpha3';

export interface Destination {
  host?: string | undefined;
  subset?: string | undefined;
  port?: { number?: number | undefined } | undefined;
  [field: string]: unknown;
}

export interface RouteDestination {
  destination?: Destination | undefined;
  weight?: number | undefined;
  [field: string]: unknown;
}

export interface HTTPRoute {
  name?: string | undefined;
  match?: unknown[] | undefined;
  route?: RouteDestination[] | undefined;
  mirror?: Destination | undefined;
  mirrorPercentage?: { value?: number | undefined } | undefined;
  [field: string]: unknown;
}

export interface L4Match {
  port?: number | undefined;
  sniHosts?: string[] | undefined;
  [field: string]: unknown;
}

export interface L4Route {
  match?: L4Match[] | undefined;
  route?: RouteDestination[] | undefined;
  [field: string]: unknown;
}

export interface VirtualServiceSpec {
  http?: HTTPRoute[] | undefined;
  tls?: L4Route[] | undefined;
  tcp?: L4Route[] | undefined;
  [field: string]: unknown;
}

export interface VirtualService extends StoredObject {
  spec?: VirtualServiceSpec | undefined;
}

/** What the Istio rendering needs to know about the Rollout. */
export interface IstioRouting {
  stableService: string;
  canaryService: string;
  /** Set for subset-level splitting: destinations are told apart by subset, not by host. */
  destinationRule?: IstioDestinationRule | undefined;
  managedRoutes: ManagedRoute[];
}

/**
 * A VirtualService reference: `name`, Argo's `name.namespace`, or `namespace/name`. Kubernetes
 * names cannot contain "/", so the two qualified forms cannot be confused.
 */
export function parseVirtualServiceRef(ref: string, defaultNamespace: string): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  if (slash >= 0) return { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
  const [name = '', namespace] = ref.split('.');
  return { namespace: namespace || defaultNamespace, name };
}

/** The VirtualServices the Rollout names: `virtualServices` when set, else `virtualService`. */
export function virtualServiceRefs(istio: { virtualService?: IstioVirtualService | undefined; virtualServices?: IstioVirtualService[] | undefined }): IstioVirtualService[] {
  if (istio.virtualServices && istio.virtualServices.length > 0) return istio.virtualServices;
  return istio.virtualService ? [istio.virtualService] : [];
}

/** Argo compares a destination's host up to its first dot, so `svc.ns.svc.cluster.local` is `svc`. */
export function shortHost(destination: Destination | undefined): string {
  const host = destination?.host ?? '';
  const dot = host.indexOf('.');
  return dot < 0 ? host : host.slice(0, dot);
}

function fail(vs: VirtualService, message: string): TrafficRoutingError {
  const { namespace = '', name } = vs.metadata;
  return new TrafficRoutingError(`VirtualService ${namespace}/${name}: ${message}`, { kind: 'VirtualService', namespace, name });
}

const managedNames = (managedRoutes: ManagedRoute[]) => new Set(managedRoutes.map((r) => r.name));

/**
 * Indexes of the HTTP routes the Rollout weights: those named in `routes`, or, when `routes` is
 * omitted, the single route the Rollout does not manage itself (none if there is none, as in
 * Argo); none when there is no spec.http.
 */
export function primaryHttpRouteIndexes(vs: VirtualService, ref: IstioVirtualService, managedRoutes: ManagedRoute[]): number[] {
  const http = vs.spec?.http;
  const names = ref.routes ?? [];
  // Without spec.http (TLS or TCP routes only) Argo edits no HTTP route, whatever `routes` names.
  if (!http) return [];
  if (http.length === 0) {
    if (names.length > 0) throw fail(vs, `HTTP Route '${names[0]}' is not found in the defined Virtual Service: its spec.http is empty`);
    return [];
  }
  if (names.length === 0) {
    const managed = managedNames(managedRoutes);
    const own = http.flatMap((route, i) => (managed.has(route.name ?? '') ? [] : [i]));
    if (own.length > 1) {
      throw fail(
        vs,
        'spec.http[] should be set in VirtualService and it must have exactly one route when omitting ' +
          `spec.strategy.canary.trafficRouting.istio.virtualService.routes (found ${own.length}); list the routes to edit in the Rollout`,
      );
    }
    return own;
  }
  return names.map((name) => {
    const index = http.findIndex((route) => route.name === name);
    if (index < 0) {
      throw fail(vs, `HTTP Route '${name}' is not found in the defined Virtual Service. Add it to spec.http or correct the Rollout's routes`);
    }
    return index;
  });
}

function singlePort(route: L4Route): number | null {
  const ports = new Set((route.match ?? []).map((m) => m.port ?? 0));
  if (ports.size > 1) return null;
  const [port = 0] = ports;
  return port;
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function l4RouteIndexes(
  vs: VirtualService,
  kind: 'tls' | 'tcp',
  wanted: (TLSRoute | TCPRoute)[],
  matches: (route: L4Route, wanted: TLSRoute | TCPRoute) => boolean,
): number[] {
  const routes = vs.spec?.[kind];
  const label = kind.toUpperCase();
  const field = kind === 'tls' ? 'tlsRoutes' : 'tcpRoutes';
  if (wanted.length === 0) {
    if (!routes) return [];
    if (routes.length !== 1) {
      throw fail(
        vs,
        `spec.${kind}[] should be set in VirtualService and it must have exactly one route when omitting ` +
          `spec.strategy.canary.trafficRouting.istio.virtualService.${field} (found ${routes.length})`,
      );
    }
    return [0];
  }
  const indexes = new Set<number>();
  for (const want of wanted) {
    const found = (routes ?? []).flatMap((route, i) => (matches(route, want) ? [i] : []));
    if (found.length === 0) {
      throw fail(vs, `No matching ${label} routes found in the defined Virtual Service for ${JSON.stringify(want)}; check ${field} in the Rollout`);
    }
    for (const i of found) indexes.add(i);
  }
  return [...indexes].sort((a, b) => a - b);
}

/** TLS routes matched as Argo: a single port across the match blocks and the same SNI hosts. */
export function tlsRouteIndexes(vs: VirtualService, wanted: TLSRoute[]): number[] {
  return l4RouteIndexes(vs, 'tls', wanted, (route, want) => {
    const port = singlePort(route);
    const sni = (route.match ?? []).flatMap((m) => m.sniHosts ?? []);
    return port !== null && port === (want.port ?? 0) && sameSet(sni, (want as TLSRoute).sniHosts ?? []);
  });
}

/** TCP routes matched as Argo: a single port across the match blocks. */
export function tcpRouteIndexes(vs: VirtualService, wanted: TCPRoute[]): number[] {
  return l4RouteIndexes(vs, 'tcp', wanted, (route, want) => {
    const port = singlePort(route);
    return port !== null && port === (want.port ?? 0);
  });
}

type Role = 'canary' | 'stable' | 'other';

function roleOf(destination: Destination | undefined, routing: IstioRouting): Role {
  const dr = routing.destinationRule;
  if (dr) {
    if (destination?.subset === dr.canarySubsetName) return 'canary';
    if (destination?.subset === dr.stableSubsetName) return 'stable';
    return 'other';
  }
  const host = shortHost(destination);
  if (host !== '' && host === routing.canaryService) return 'canary';
  if (host !== '' && host === routing.stableService) return 'stable';
  return 'other';
}

/** Argo's check that a route the Rollout weights reaches both the canary and the stable pods. */
function validateDestinations(vs: VirtualService, where: string, route: RouteDestination[], routing: IstioRouting): void {
  const roles = new Set(route.map((d) => roleOf(d.destination, routing)));
  const dr = routing.destinationRule;
  const missing = (role: Role, text: string) => {
    if (!roles.has(role)) throw fail(vs, `${text} not found in route ${where}; add that destination to the route`);
  };
  if (dr) {
    missing('canary', `Canary DestinationRule subset '${dr.canarySubsetName}'`);
    missing('stable', `Stable DestinationRule subset '${dr.stableSubsetName}'`);
  } else {
    missing('canary', `Canary Service '${routing.canaryService}'`);
    missing('stable', `Stable Service '${routing.stableService}'`);
  }
}

/**
 * The destinations of one route at the desired weights: the canary gets `desiredWeight`, each
 * additional destination its own weight, the stable the rest. Destinations of finished
 * experiments are dropped and new additional destinations appended, as Argo.
 */
export function weighDestinations(
  route: RouteDestination[],
  routing: IstioRouting,
  desiredWeight: number,
  additional: WeightDestination[],
): RouteDestination[] {
  const stableWeight = 100 - desiredWeight - additional.reduce((sum, d) => sum + d.weight, 0);
  const pending = new Map(additional.filter((d) => d.serviceName).map((d) => [d.serviceName as string, d]));
  const result: RouteDestination[] = [];
  for (const entry of route) {
    const role = roleOf(entry.destination, routing);
    const host = shortHost(entry.destination);
    if (role === 'canary') result.push({ ...entry, weight: desiredWeight });
    else if (role === 'stable') result.push({ ...entry, weight: stableWeight });
    else if (pending.has(host)) {
      result.push({ ...entry, weight: pending.get(host)?.weight ?? 0 });
      pending.delete(host);
    } else if (host === '') result.push(entry);
  }
  for (const [serviceName, dest] of pending) result.push({ destination: { host: serviceName }, weight: dest.weight });
  return result;
}

function checkWeights(vs: VirtualService, desiredWeight: number, additional: WeightDestination[]): void {
  const others = additional.reduce((sum, d) => sum + d.weight, 0);
  if (desiredWeight < 0 || desiredWeight > 100 || others < 0 || desiredWeight + others > 100) {
    throw fail(vs, `weights must lie in 0..100 and add up to at most 100 (canary ${desiredWeight}, additional ${others})`);
  }
}

/**
 * The VirtualService with the desired weights on every route the Rollout edits: the primary
 * HTTP routes, the managed mirror routes (which copy the primary split) and the TLS and TCP
 * routes. Fails, naming the route, when a listed route is missing or lacks a destination.
 */
export function renderWeights(
  vs: VirtualService,
  ref: IstioVirtualService,
  routing: IstioRouting,
  desiredWeight: number,
  additional: WeightDestination[] = [],
): VirtualService {
  checkWeights(vs, desiredWeight, additional);
  const spec = vs.spec ?? {};
  const httpIndexes = primaryHttpRouteIndexes(vs, ref, routing.managedRoutes);
  const tlsIndexes = tlsRouteIndexes(vs, ref.tlsRoutes ?? []);
  const tcpIndexes = tcpRouteIndexes(vs, ref.tcpRoutes ?? []);
  const next = cloneJson(vs);
  const nextSpec = (next.spec ??= {});
  const weigh = (routes: (HTTPRoute | L4Route)[] | undefined, indexes: number[], kind: string) => {
    for (const i of indexes) {
      const route = routes?.[i];
      if (!route) continue;
      validateDestinations(vs, `${kind}[${i}]${'name' in route && route.name ? ` '${route.name}'` : ''}`, route.route ?? [], routing);
      route.route = weighDestinations(route.route ?? [], routing, desiredWeight, additional);
    }
  };
  weigh(nextSpec.http, httpIndexes, 'http');
  const managed = managedNames(routing.managedRoutes);
  const mirrors = (spec.http ?? []).flatMap((route, i) => (route.mirror && managed.has(route.name ?? '') ? [i] : []));
  for (const i of mirrors) {
    const route = nextSpec.http?.[i];
    if (route) route.route = weighDestinations(route.route ?? [], routing, desiredWeight, additional);
  }
  weigh(nextSpec.tls, tlsIndexes, 'tls');
  weigh(nextSpec.tcp, tcpIndexes, 'tcp');
  return next;
}
