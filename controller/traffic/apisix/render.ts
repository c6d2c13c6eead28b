import { cloneJson } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, type StoredObject } from '../router.ts';
import type { ApisixTrafficRouting, SetHeaderRoute } from '../types.ts';

/**
 * Pure rendering of APISIX ingress routes (ApisixRoute, apisix.apache.org/v2) as Argo's APISIX
 * router edits them: backend weights in the named `spec.http[]` rules, and header routes as a
 * copy of the route sending matching requests to the canary alone.
 */

export interface ApisixBackend {
  serviceName?: unknown;
  weight?: number | undefined;
  [field: string]: unknown;
}

export interface ApisixHttpRule {
  name?: unknown;
  backends?: unknown;
  priority?: unknown;
  match?: { exprs?: unknown[]; [field: string]: unknown } | undefined;
  [field: string]: unknown;
}

export interface ApisixRouteObject extends StoredObject {
  spec?: { http?: ApisixHttpRule[] | undefined; [field: string]: unknown } | undefined;
}

/** The two Services a canary splits traffic between. */
export interface CanaryServices {
  stableService: string;
  canaryService: string;
}

function fail(route: ApisixRouteObject, message: string): TrafficRoutingError {
  const { namespace = '', name } = route.metadata;
  return new TrafficRoutingError(`ApisixRoute ${namespace}/${name}: ${message}`, { kind: 'ApisixRoute', namespace, name });
}

/** The rules the Rollout names; without `rules`, the one named as the route (Argo's default). */
export function ruleNames(apisix: ApisixTrafficRouting): string[] {
  const route = apisix.route;
  if (!route) return [];
  return route.rules ?? [route.name];
}

function httpRules(route: ApisixRouteObject): ApisixHttpRule[] {
  const http = route.spec?.http;
  if (!Array.isArray(http)) throw fail(route, 'spec.http was not found in Apisix Route manifest');
  return http;
}

/** Argo's GetHttpRoute: rules are searched in order, and each one passed must have a name. */
function findRule(route: ApisixRouteObject, rules: ApisixHttpRule[], name: string): ApisixHttpRule {
  for (const rule of rules) {
    if (typeof rule !== 'object' || rule === null) throw fail(route, 'Failed type assertion for Apisix http route');
    if (!('name' in rule)) throw fail(route, 'Apisix http route rule name field not found');
    if (typeof rule.name !== 'string') throw fail(route, 'Failed type assertion for Apisix http route rule name');
    if (rule.name === name) return rule;
  }
  throw fail(route, `Apisix http route rule ${name} not found: add a rule named ${name} to spec.http or correct spec.strategy.canary.trafficRouting.apisix.route`);
}

function backendsOf(route: ApisixRouteObject, rule: ApisixHttpRule): ApisixBackend[] {
  if (!('backends' in rule)) throw fail(route, 'Apisix http route backends not found');
  if (!Array.isArray(rule.backends)) throw fail(route, 'Failed type assertion for Apisix http route backends');
  return rule.backends as ApisixBackend[];
}

function serviceNameOf(route: ApisixRouteObject, backend: ApisixBackend): string {
  if (typeof backend !== 'object' || backend === null) throw fail(route, 'Failed type assertion for Apisix http route backends');
  if (typeof backend.serviceName !== 'string') throw fail(route, 'serviceName field was not found in backend');
  return backend.serviceName;
}

/** Argo's setBackendWeight: the first backend of the Service gets the weight; none is an error. */
function setBackendWeight(route: ApisixRouteObject, backends: ApisixBackend[], service: string, weight: number): void {
  for (const backend of backends) {
    if (serviceNameOf(route, backend) === service) {
      backend.weight = weight;
      return;
    }
  }
  throw fail(route, `apisix route ${service} backend was not found: add a backend with serviceName ${service} to the rule`);
}

/**
 * The route with `desiredWeight` on the canary backend and the rest of 100 on the stable one, in
 * every named rule. Argo's router splits 100 whatever maxTrafficWeight says, and so does this.
 */
export function renderWeights(route: ApisixRouteObject, names: readonly string[], services: CanaryServices, desiredWeight: number): ApisixRouteObject {
  const copy = cloneJson(route);
  const rules = httpRules(copy);
  for (const name of names) {
    const backends = backendsOf(copy, findRule(copy, rules, name));
    setBackendWeight(copy, backends, services.canaryService, desiredWeight);
    setBackendWeight(copy, backends, services.stableService, 100 - desiredWeight);
  }
  return copy;
}

/** Argo's apisixExprs: one expression per value set on the header match. */
export function headerExprs(headerRoute: SetHeaderRoute): unknown[] {
  return (headerRoute.match ?? []).flatMap((match) => {
    const subject = { scope: 'Header', name: match.headerName };
    const value = match.headerValue ?? {};
    const exprs: unknown[] = [];
    if (value.exact) exprs.push({ subject, op: 'Equal', value: value.exact });
    if (value.regex) exprs.push({ subject, op: 'RegexMatch', value: value.regex });
    if (value.prefix) exprs.push({ subject, op: 'RegexMatch', value: `^${value.prefix}.*` });
    return exprs;
  });
}

/**
 * The header route as Argo's processSetHeaderApisixRoute makes it from `source` (a fresh copy of
 * the Rollout's route, or the header route as it stands): in every named rule the canary backend
 * gets weight 100, the stable backend is removed, the match becomes the headers, and a new route
 * gets a priority one above its source's so APISIX tries it first.
 */
export function renderHeaderRules(
  source: ApisixRouteObject,
  names: readonly string[],
  services: CanaryServices,
  headerRoute: SetHeaderRoute,
  isNew: boolean,
): ApisixRouteObject {
  const copy = cloneJson(source);
  const rules = httpRules(copy);
  const exprs = headerExprs(headerRoute);
  for (const name of names) {
    const rule = findRule(copy, rules, name);
    const backends = backendsOf(copy, rule);
    setBackendWeight(copy, backends, services.canaryService, 100);
    rule.backends = backends.filter((b) => serviceNameOf(copy, b) !== services.stableService);
    if (isNew) rule.priority = (Number.isInteger(rule.priority) ? (rule.priority as number) : 0) + 1;
    rule.match = { ...rule.match, exprs };
  }
  return copy;
}
