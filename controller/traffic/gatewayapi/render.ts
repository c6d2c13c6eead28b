import { cloneJson } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, type StoredObject } from '../router.ts';
import type { SetHeaderRoute, StringMatch } from '../types.ts';

/**
 * Pure rendering of Gateway API routes (HTTPRoute, GRPCRoute, TCPRoute) as Argo's Gateway API
 * plugin edits them. The three kinds share the shape that matters here: `spec.rules[]`, each
 * with `backendRefs[]` carrying a `weight`, and for HTTP and GRPC `matches[]` with `headers[]`.
 */

export interface BackendRef {
  group?: string | undefined;
  kind?: string | undefined;
  name: string;
  namespace?: string | undefined;
  port?: number | undefined;
  weight?: number | undefined;
  [field: string]: unknown;
}

export interface HeaderMatch {
  type: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  headers?: HeaderMatch[] | undefined;
  [field: string]: unknown;
}

export interface RouteRule {
  name?: string | undefined;
  matches?: RouteMatch[] | undefined;
  filters?: unknown[] | undefined;
  backendRefs?: BackendRef[] | undefined;
  [field: string]: unknown;
}

export interface GatewayRouteObject extends StoredObject {
  spec?: { rules?: RouteRule[] | undefined; [field: string]: unknown } | undefined;
}

/** The two Services a canary splits traffic between. */
export interface CanaryServices {
  stableService: string;
  canaryService: string;
}

function fail(route: GatewayRouteObject, message: string): TrafficRoutingError {
  const { namespace = '', name } = route.metadata;
  return new TrafficRoutingError(`${route.kind} ${namespace}/${name}: ${message}`, { kind: route.kind, namespace, name });
}

function withRules(route: GatewayRouteObject, rules: RouteRule[]): GatewayRouteObject {
  return cloneJson({ ...route, spec: { ...route.spec, rules } });
}

const isService = (ref: BackendRef) => (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
const refersTo = (rule: RouteRule, service: string) => (rule.backendRefs ?? []).some((ref) => isService(ref) && ref.name === service);

/**
 * A rule the Rollout added for a managed route: its name is the route's, or the route's with
 * `-<n>` for the n-th rule it was copied from (Gateway API wants rule names unique in a route).
 */
export function isManagedRule(rule: RouteRule, managedNames: ReadonlySet<string>): boolean {
  const name = rule.name;
  if (!name) return false;
  if (managedNames.has(name)) return true;
  const dash = name.lastIndexOf('-');
  return dash > 0 && /^\d+$/.test(name.slice(dash + 1)) && managedNames.has(name.slice(0, dash));
}

/** The user's rules that split traffic between the stable and canary Services. */
function splitRules(route: GatewayRouteObject, services: CanaryServices, managedNames: ReadonlySet<string>): number[] {
  const rules = route.spec?.rules ?? [];
  return rules.flatMap((rule, i) =>
    !isManagedRule(rule, managedNames) && refersTo(rule, services.stableService) && refersTo(rule, services.canaryService) ? [i] : [],
  );
}

function requireSplitRules(route: GatewayRouteObject, services: CanaryServices, managedNames: ReadonlySet<string>): number[] {
  const indexes = splitRules(route, services, managedNames);
  if (indexes.length === 0) {
    throw fail(
      route,
      `backendRef was not found: no rule has backendRefs to both the stable Service "${services.stableService}" ` +
        `and the canary Service "${services.canaryService}"; add both to the rules that should carry the canary`,
    );
  }
  return indexes;
}

/**
 * The route with `desiredWeight` on the canary backendRef and the rest of `maxWeight` on the
 * stable one, in every user rule that refers to both. Header rules the Rollout added are left alone.
 */
export function renderWeights(
  route: GatewayRouteObject,
  services: CanaryServices,
  desiredWeight: number,
  maxWeight: number,
  managedNames: ReadonlySet<string>,
): GatewayRouteObject {
  const indexes = new Set(requireSplitRules(route, services, managedNames));
  const weightOf = (ref: BackendRef): number | undefined => {
    if (!isService(ref)) return undefined;
    if (ref.name === services.canaryService) return desiredWeight;
    if (ref.name === services.stableService) return maxWeight - desiredWeight;
    return undefined;
  };
  const rules = (route.spec?.rules ?? []).map((rule, i) => {
    if (!indexes.has(i)) return rule;
    return { ...rule, backendRefs: (rule.backendRefs ?? []).map((ref) => ({ ...ref, weight: weightOf(ref) ?? ref.weight })) };
  });
  return withRules(route, rules);
}

/** The label that marks a route while a canary holds weight; absent when disabled. */
export interface InProgressLabel {
  key: string;
  value: string;
}

/** The route labelled while the canary has weight and unlabelled at weight 0, as the plugin does. */
export function renderInProgressLabel(route: GatewayRouteObject, label: InProgressLabel | undefined, desiredWeight: number): GatewayRouteObject {
  if (!label) return route;
  const labels = { ...route.metadata.labels };
  if (desiredWeight === 0) delete labels[label.key];
  else labels[label.key] = label.value;
  return cloneJson({ ...route, metadata: { ...route.metadata, labels } });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A header match of a setHeaderRoute step in Gateway API terms; prefix becomes a regular expression. */
export function headerMatch(headerName: string, value: StringMatch | undefined): HeaderMatch | undefined {
  if (value?.exact) return { type: 'Exact', name: headerName, value: value.exact };
  if (value?.prefix) return { type: 'RegularExpression', name: headerName, value: `${escapeRegex(value.prefix)}.*` };
  if (value?.regex) return { type: 'RegularExpression', name: headerName, value: value.regex };
  return undefined;
}

/** The route without the rules of the named managed routes. */
export function removeManagedRules(route: GatewayRouteObject, managedNames: ReadonlySet<string>): GatewayRouteObject {
  const rules = route.spec?.rules;
  if (!rules || !rules.some((rule) => isManagedRule(rule, managedNames))) return route;
  return withRules(
    route,
    rules.filter((rule) => !isManagedRule(rule, managedNames)),
  );
}

/** The rule that sends requests of `source` carrying the headers to the canary alone. */
function headerRule(source: RouteRule, name: string, headers: HeaderMatch[], canaryService: string): RouteRule {
  const canaryRef = (source.backendRefs ?? []).find((ref) => isService(ref) && ref.name === canaryService);
  const backendRef: BackendRef = { group: '', kind: 'Service', name: canaryService };
  if (canaryRef?.port !== undefined) backendRef.port = canaryRef.port;
  const matches = source.matches?.length ? source.matches.map((m) => ({ ...m, headers: [...(m.headers ?? []), ...headers] })) : [{ headers }];
  return cloneJson({ name, matches, filters: source.filters ?? [], backendRefs: [backendRef] });
}

/**
 * The route with the header route: for each user rule splitting traffic, a rule with the same
 * matches (plus the headers) and filters sending everything to the canary, named after the managed
 * route, appended after the user's rules. A step without `match` removes the route's rules.
 */
export function renderHeaderRoute(
  route: GatewayRouteObject,
  services: CanaryServices,
  headerRoute: SetHeaderRoute,
  managedNames: ReadonlySet<string>,
): GatewayRouteObject {
  const name = headerRoute.name ?? '';
  if (!managedNames.has(name)) {
    throw fail(route, `setHeaderRoute '${name}' is not listed in spec.strategy.canary.trafficRouting.managedRoutes; add it there so the Rollout may manage it`);
  }
  const own = new Set([name]);
  const cleared = removeManagedRules(route, own);
  const matches = headerRoute.match ?? [];
  if (matches.length === 0) return cleared;
  const headers = matches.map((m) => {
    const match = headerMatch(m.headerName, m.headerValue);
    if (!match) throw fail(route, `setHeaderRoute '${name}': header ${m.headerName} needs an exact, prefix or regex value`);
    return match;
  });
  const rules = cleared.spec?.rules ?? [];
  const sources = requireSplitRules(cleared, services, managedNames).map((i) => rules[i]!);
  const added = sources.map((source, i) => headerRule(source, i === 0 ? name : `${name}-${i}`, headers, services.canaryService));
  return withRules(cleared, [...rules, ...added]);
}
