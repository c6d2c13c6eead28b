import { cloneJson, createMergePatch, type JsonObject } from '../../kube/merge-patch.ts';
import { hasRuleWithService, type Ingress, type IngressPath, type IngressSpec } from '../ingress.ts';
import { TrafficRoutingError } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { ALBTrafficRouting, ManagedRoute, SetHeaderRoute, WeightDestination } from '../types.ts';

/**
 * Pure rendering of the AWS Load Balancer Controller annotations Argo Rollouts writes on the
 * user's Ingresses: the forward action splitting the action Service between the canary and stable
 * Services, header-route actions and conditions with the Ingress path that selects them, and the
 * managed-annotations bookkeeping. The JSON is byte for byte what Argo's encoding/json writes
 * (struct fields in declaration order, map keys sorted, HTML characters escaped), so the Ingress
 * is the same whichever controller wrote it.
 */

export const DEFAULT_ALB_ANNOTATION_PREFIX = 'alb.ingress.kubernetes.io';
/** Argo's ManagedAnnotations: rollout name → the annotation keys it manages on this Ingress. */
export const MANAGED_ALB_ANNOTATIONS = 'rollouts.argoproj.io/managed-alb-annotations';
/** The port name the AWS Load Balancer Controller reads as "the action annotation of this Service name". */
export const USE_ANNOTATION_PORT = 'use-annotation';
/** AWS's range for TargetGroupStickinessConfig.DurationSeconds. */
const MAX_STICKINESS_SECONDS = 604_800;

/** What the ALB router needs of the Rollout, resolved once. */
export interface AlbInput {
  rolloutName: string;
  prefix: string;
  /** The Service whose action annotation carries the split: rootService, else the stable Service. */
  actionService: string;
  stableService: string;
  canaryService: string;
  servicePort: number;
  stickiness?: { enabled: boolean; durationSeconds: number } | undefined;
  managedRoutes: ManagedRoute[];
}

export function albInput(target: RoutingTarget, alb: ALBTrafficRouting): AlbInput {
  return {
    rolloutName: target.rolloutName,
    prefix: alb.annotationPrefix || DEFAULT_ALB_ANNOTATION_PREFIX,
    actionService: alb.rootService || target.stableService,
    stableService: target.stableService,
    canaryService: target.canaryService,
    servicePort: alb.servicePort,
    stickiness: alb.stickinessConfig,
    managedRoutes: target.managedRoutes,
  };
}

/** `ingresses` when set, else `ingress`, as Argo. */
export function albIngressNames(alb: ALBTrafficRouting): string[] {
  return alb.ingresses ?? [alb.ingress ?? ''];
}

export const actionKey = (input: AlbInput, service: string): string => `${input.prefix}/actions.${service}`;
export const conditionKey = (input: AlbInput, route: string): string => `${input.prefix}/conditions.${route}`;

/** encoding/json's string escaping on top of JSON.stringify: HTML characters and JavaScript line separators. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface TargetGroup {
  ServiceName?: string;
  ServicePort: string;
  Weight: number;
}

function targetGroup(serviceName: string, port: number, weight: number): TargetGroup {
  // ServiceName is omitempty in Argo's ALBTargetGroup.
  return serviceName ? { ServiceName: serviceName, ServicePort: String(port), Weight: weight } : { ServicePort: String(port), Weight: weight };
}

/** Argo's ALBAction with the stickiness config when enabled (its range checked as Argo does). */
function forwardAction(input: AlbInput, targetGroups: TargetGroup[]): string {
  const forwardConfig: Record<string, unknown> = { TargetGroups: targetGroups };
  const stickiness = input.stickiness;
  if (stickiness?.enabled) {
    if (stickiness.durationSeconds < 1 || stickiness.durationSeconds > MAX_STICKINESS_SECONDS) {
      throw new TrafficRoutingError("TargetGroupStickinessConfig's duration must be between 1 and 604800 seconds (7 days)!");
    }
    forwardConfig.TargetGroupStickinessConfig = { Enabled: true, DurationSeconds: stickiness.durationSeconds };
  }
  return goJson({ Type: 'forward', ForwardConfig: forwardConfig });
}

/** The weighted forward action: canary, each additional destination, then stable with the rest of 100. */
export function weightedAction(input: AlbInput, desiredWeight: number, additional: WeightDestination[] = []): string {
  let stableWeight = 100 - desiredWeight;
  const groups = [targetGroup(input.canaryService, input.servicePort, desiredWeight)];
  for (const dest of additional) {
    groups.push(targetGroup(dest.serviceName ?? '', input.servicePort, dest.weight));
    stableWeight -= dest.weight;
  }
  groups.push(targetGroup(input.stableService, input.servicePort, stableWeight));
  return forwardAction(input, groups);
}

/** A header route's action: everything it matches to the canary. */
export function headerRouteAction(input: AlbInput): string {
  return forwardAction(input, [targetGroup(input.canaryService, input.servicePort, 100)]);
}

/** Argo's conditions: one http-header condition per header name, exact values of the same name merged. */
export function headerRouteConditions(route: SetHeaderRoute): string {
  const conditions: Array<{ field: string; httpHeaderConfig: { httpHeaderName: string; values: string[] } }> = [];
  for (const match of route.match ?? []) {
    const value = match.headerValue?.exact ?? '';
    const same = conditions.find((c) => c.httpHeaderConfig.httpHeaderName === match.headerName);
    if (same) same.httpHeaderConfig.values.push(value);
    else conditions.push({ field: 'http-header', httpHeaderConfig: { httpHeaderName: match.headerName, values: [value] } });
  }
  // A Go nil slice marshals as null: a match list that is present but empty.
  return goJson(conditions.length > 0 ? conditions : null);
}

/** Adds or removes keys from the Rollout's entry in the managed-annotations map, as Argo's modifyManagedAnnotation. */
function withManagedKeys(annotations: Record<string, string>, input: AlbInput, add: boolean, keys: string[]): Record<string, string> {
  const raw = annotations[MANAGED_ALB_ANNOTATIONS];
  let managed: Record<string, string[] | null> = {};
  if (raw) {
    try {
      managed = JSON.parse(raw) as Record<string, string[] | null>;
    } catch (err) {
      throw new TrafficRoutingError(`annotation ${MANAGED_ALB_ANNOTATIONS} is not valid JSON: ${raw}`, undefined, { cause: err });
    }
    if (typeof managed !== 'object' || managed === null || Array.isArray(managed)) {
      throw new TrafficRoutingError(`annotation ${MANAGED_ALB_ANNOTATIONS} must be a JSON object of rollout names to annotation keys: ${raw}`);
    }
  }
  let mine = managed[input.rolloutName] ?? [];
  for (const key of keys) {
    if (add) {
      if (!mine.includes(key)) mine = [...mine, key];
    } else {
      mine = mine.filter((k) => k !== key);
    }
  }
  managed[input.rolloutName] = mine;
  const sorted = Object.fromEntries(Object.keys(managed).sort().map((name) => [name, managed[name] ?? null]));
  return { ...annotations, [MANAGED_ALB_ANNOTATIONS]: goJson(sorted) };
}

/** What the router edits on a user's Ingress: its annotations and, for header routes, its spec. */
export interface AlbDesired {
  annotations: Record<string, string>;
  spec?: IngressSpec | undefined;
}

/** The Ingress's annotations with the weighted action set (Argo's getDesiredAnnotations). */
export function renderWeight(ingress: Ingress, ingressName: string, input: AlbInput, desiredWeight: number, additional?: WeightDestination[]): AlbDesired {
  if (!hasRuleWithService(ingress, input.actionService)) {
    throw new TrafficRoutingError(
      `ingress does not have service \`${input.actionService}\` in rules: add a rule whose backend is Service "${input.actionService}" to Ingress ${ingressName}`,
      { kind: 'Ingress', namespace: ingress.metadata.namespace ?? '', name: ingressName },
    );
  }
  const key = actionKey(input, input.actionService);
  const annotations = { ...(ingress.metadata.annotations ?? {}), [key]: weightedAction(input, desiredWeight, additional) };
  return { annotations: withManagedKeys(annotations, input, true, [key]) };
}

function annotationPath(route: string): IngressPath {
  return { path: '/*', pathType: 'ImplementationSpecific', backend: { service: { name: route, port: { name: USE_ANNOTATION_PORT } } } };
}

/** Removes, in each rule, the first path whose backend is the named Service (Argo's RemovePathByServiceName). */
function removePath(spec: IngressSpec, service: string): void {
  for (const rule of spec.rules ?? []) {
    const paths = rule.http?.paths;
    const index = paths?.findIndex((p) => p.backend?.service?.name === service) ?? -1;
    if (paths && index !== -1) paths.splice(index, 1);
  }
}

/** Puts the managed routes' paths first, in managedRoutes order, the rest after as they were (Argo's SortHttpPaths). */
function sortPaths(spec: IngressSpec, routes: ManagedRoute[]): void {
  const rank = (path: IngressPath) => {
    const index = routes.findIndex((r) => r.name === path.backend?.service?.name);
    return index === -1 ? routes.length : index;
  };
  for (const rule of spec.rules ?? []) {
    if (rule.http) rule.http.paths = rule.http.paths.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
  }
}

/**
 * A setHeaderRoute step: the route's action and conditions and a `/*` path to it at the top of
 * every rule, or, for a step without `match`, all three removed (Argo's SetHeaderRoutePerIngress).
 */
export function renderHeaderRoute(ingress: Ingress, input: AlbInput, route: SetHeaderRoute): AlbDesired {
  const name = route.name ?? '';
  const keys = [actionKey(input, name), conditionKey(input, name)];
  const add = route.match !== undefined && route.match !== null;
  let annotations: Record<string, string> = { ...(ingress.metadata.annotations ?? {}) };
  if (add) {
    annotations[keys[0] as string] = headerRouteAction(input);
    annotations[keys[1] as string] = headerRouteConditions(route);
  } else {
    for (const key of keys) delete annotations[key];
  }
  annotations = withManagedKeys(annotations, input, add, keys);

  const spec = cloneJson(ingress.spec ?? {});
  const hasRule = hasRuleWithService(ingress, name);
  if (hasRule && !add) removePath(spec, name);
  if (!hasRule && add) {
    for (const rule of spec.rules ?? []) {
      if (rule.http && rule.http.paths.length > 0) rule.http.paths.unshift(annotationPath(name));
    }
  }
  sortPaths(spec, input.managedRoutes);
  return { annotations, spec };
}

/** Every managed route's action, conditions and path removed (Argo's RemoveManagedRoutesPerIngress). */
export function renderRemoveManagedRoutes(ingress: Ingress, input: AlbInput): AlbDesired {
  const annotations = { ...(ingress.metadata.annotations ?? {}) };
  const keys: string[] = [];
  for (const route of input.managedRoutes) {
    for (const key of [actionKey(input, route.name), conditionKey(input, route.name)]) {
      delete annotations[key];
      keys.push(key);
    }
  }
  const spec = cloneJson(ingress.spec ?? {});
  for (const route of input.managedRoutes) removePath(spec, route.name);
  return { annotations: withManagedKeys(annotations, input, false, keys), spec };
}

/** The merge patch from the Ingress as it is to as desired, or null when nothing differs. */
export function albIngressPatch(ingress: Ingress, desired: AlbDesired): JsonObject | null {
  const current = { metadata: { annotations: ingress.metadata.annotations ?? {} }, ...(desired.spec ? { spec: ingress.spec ?? {} } : {}) };
  const wanted = { metadata: { annotations: desired.annotations }, ...(desired.spec ? { spec: desired.spec } : {}) };
  return createMergePatch(cloneJson(current), cloneJson(wanted));
}

/** The weights the Ingress's action annotation sends to each Service, or null when it carries no forward action. */
export function readActionWeights(ingress: Ingress, input: AlbInput): Map<string, number> | null {
  const raw = ingress.metadata.annotations?.[actionKey(input, input.actionService)];
  if (raw === undefined) return null;
  let action: unknown;
  try {
    action = JSON.parse(raw);
  } catch {
    return null;
  }
  const groups = (action as { ForwardConfig?: { TargetGroups?: unknown } } | null)?.ForwardConfig?.TargetGroups;
  if (!Array.isArray(groups)) return null;
  const weights = new Map<string, number>();
  for (const group of groups as Array<{ ServiceName?: unknown; Weight?: unknown }>) {
    if (typeof group.ServiceName === 'string' && typeof group.Weight === 'number') weights.set(group.ServiceName, group.Weight);
  }
  return weights;
}

/** Whether the action annotation sends exactly the desired weights: canary, each additional destination, and the rest to stable. */
export function albWeightVerified(ingress: Ingress, input: AlbInput, desiredWeight: number, additional: WeightDestination[] = []): boolean {
  const weights = readActionWeights(ingress, input);
  if (!weights) return false;
  const stableWeight = 100 - desiredWeight - additional.reduce((sum, d) => sum + d.weight, 0);
  return (
    weights.get(input.canaryService) === desiredWeight &&
    weights.get(input.stableService) === stableWeight &&
    additional.every((d) => weights.get(d.serviceName ?? '') === d.weight)
  );
}
