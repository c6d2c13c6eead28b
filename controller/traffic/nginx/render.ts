import { cloneJson, createMergePatch, type JsonObject } from '../../kube/merge-patch.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, TrafficRoutingError } from '../router.ts';
import { controllerRef, type RoutingTarget } from '../target.ts';
import type { NginxTrafficRouting, SetHeaderRoute } from '../types.ts';
import { INGRESS_API_VERSION, type Ingress, type IngressPath, type IngressRule, type IngressSpec } from '../ingress.ts';

export { INGRESS_API_VERSION, type Ingress, type IngressPath, type IngressRule, type IngressSpec };

/**
 * Pure rendering of the canary Ingresses that split traffic with the NGINX ingress controller:
 * from the stable Ingress and the desired weight (and header route), the canary Ingress as it
 * should be, and the merge patch that gets there.
 */

export const DEFAULT_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
export const CANARY_INGRESS_SUFFIX = '-canary';
const MAX_NAME_LENGTH = 253;
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * Names the header route whose annotations the canary Ingress carries. NGINX has no named routes,
 * so this is how a later setWeight keeps the route and removeManagedRoutes knows what to take out.
 */
export const MANAGED_HEADER_ROUTE_ANNOTATION = 'rollouts.argoproj.io/managed-header-route';

/** Argo's `<rollout>-<stableIngress>-canary`, the prefix cut so the name stays within 253 characters. */
export function canaryIngressName(rolloutName: string, stableIngressName: string): string {
  const prefix = `${rolloutName}-${stableIngressName}`.slice(0, MAX_NAME_LENGTH - CANARY_INGRESS_SUFFIX.length);
  return `${prefix}${CANARY_INGRESS_SUFFIX}`;
}

export function annotationPrefix(nginx: NginxTrafficRouting): string {
  return nginx.annotationPrefix || DEFAULT_ANNOTATION_PREFIX;
}

/** `stableIngresses` when set, else `stableIngress`, as Argo. */
export function stableIngressNames(nginx: NginxTrafficRouting, target: RoutingTarget): string[] {
  if (nginx.stableIngresses && nginx.stableIngresses.length > 0) return nginx.stableIngresses;
  if (nginx.stableIngress) return [nginx.stableIngress];
  throw new TrafficRoutingError(
    `Rollout ${target.namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.nginx needs stableIngress or stableIngresses`,
    { kind: 'Rollout', namespace: target.namespace, name: target.rolloutName },
  );
}

/** The annotations a header route puts on the canary Ingress, keyed in full. */
export interface NginxHeaderRoute {
  name: string;
  annotations: Record<string, string>;
}

function headerKeys(prefix: string) {
  return {
    header: `${prefix}/canary-by-header`,
    value: `${prefix}/canary-by-header-value`,
    pattern: `${prefix}/canary-by-header-pattern`,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The canary Ingress annotations for a setHeaderRoute step, or null when the step removes the
 * route. NGINX matches a single header: exact becomes `canary-by-header-value`; prefix and regex
 * become an anchored `canary-by-header-pattern`, since NGINX searches the pattern anywhere in
 * the value while a header route's regex must match the whole value.
 */
export function nginxHeaderRoute(prefix: string, route: SetHeaderRoute): NginxHeaderRoute | null {
  const name = route.name ?? '';
  const matches = route.match ?? [];
  if (matches.length === 0) return null;
  const where = `setHeaderRoute "${name}"`;
  const [match] = matches;
  if (matches.length > 1 || !match) {
    throw new TrafficRoutingError(
      `${where} has ${matches.length} matches but an NGINX canary Ingress can route by one header only; keep a single match`,
    );
  }
  const { exact, prefix: valuePrefix, regex } = match.headerValue ?? {};
  const set = [exact, valuePrefix, regex].filter((v) => v !== undefined && v !== '');
  if (!match.headerName || set.length !== 1) {
    throw new TrafficRoutingError(
      `${where} must give a headerName and exactly one of headerValue.exact, headerValue.prefix or headerValue.regex`,
    );
  }
  const keys = headerKeys(prefix);
  const annotations: Record<string, string> = { [keys.header]: match.headerName };
  if (exact) annotations[keys.value] = exact;
  else if (valuePrefix) annotations[keys.pattern] = `^${escapeRegExp(valuePrefix)}`;
  else if (regex) annotations[keys.pattern] = `^(?:${regex})$`;
  return { name, annotations };
}

/** The header route a canary Ingress carries now, if any. */
export function activeHeaderRoute(prefix: string, canary: Ingress | null): NginxHeaderRoute | null {
  const current = canary?.metadata.annotations ?? {};
  const name = current[MANAGED_HEADER_ROUTE_ANNOTATION];
  if (name === undefined) return null;
  const annotations: Record<string, string> = {};
  for (const key of Object.values(headerKeys(prefix))) {
    const value = current[key];
    if (value !== undefined) annotations[key] = value;
  }
  return { name, annotations };
}

/** The canary weight the Ingress carries now, or null when it carries none. */
export function currentCanaryWeight(prefix: string, canary: Ingress | null): number | null {
  const value = canary?.metadata.annotations?.[`${prefix}/canary-weight`];
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Number(value);
}

export interface CanaryIngressInput {
  target: RoutingTarget;
  nginx: NginxTrafficRouting;
  stableIngressName: string;
  maxTrafficWeight?: number | undefined;
}

function backendsStable(path: IngressPath, stableService: string): boolean {
  return path.backend?.service?.name === stableService;
}

/**
 * The canary Ingress for one stable Ingress: the stable Ingress's rules that reach the stable
 * Service, with those backends pointed at the canary Service, and the canary annotations.
 */
export function renderCanaryIngress(
  input: CanaryIngressInput,
  stable: Ingress,
  desiredWeight: number,
  headerRoute: NginxHeaderRoute | null,
): Ingress {
  const { target, nginx, stableIngressName } = input;
  const prefix = annotationPrefix(nginx);
  const where = `stable Ingress ${target.namespace}/${stableIngressName}`;
  if (!target.stableService || !target.canaryService) {
    throw new TrafficRoutingError(
      `Rollout ${target.namespace}/${target.rolloutName}: NGINX traffic routing needs spec.strategy.canary.stableService and canaryService`,
      { kind: 'Rollout', namespace: target.namespace, name: target.rolloutName },
    );
  }

  const rules: IngressRule[] = [];
  for (const rule of stable.spec?.rules ?? []) {
    const paths = rule.http?.paths ?? [];
    if (!paths.some((p) => backendsStable(p, target.stableService))) continue;
    const copy = cloneJson(rule);
    for (const path of copy.http?.paths ?? []) {
      if (path.backend.service && backendsStable(path, target.stableService)) {
        path.backend.service.name = target.canaryService;
      }
    }
    rules.push(copy);
  }
  if (rules.length === 0) {
    throw new TrafficRoutingError(
      `ingress \`${stableIngressName}\` has no rules using service ${target.stableService} backend: ` +
        `add a rule whose backend is Service "${target.stableService}" to ${where}`,
      { kind: 'Ingress', namespace: target.namespace, name: stableIngressName },
    );
  }

  const annotations: Record<string, string> = {};
  // NGINX reads only canary annotations from a canary Ingress, but it must be of the same class.
  const ingressClass = stable.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (ingressClass !== undefined) annotations[INGRESS_CLASS_ANNOTATION] = ingressClass;
  for (const [key, value] of Object.entries(nginx.additionalIngressAnnotations ?? {})) {
    annotations[key.startsWith(prefix) ? key : `${prefix}/${key}`] = value;
  }
  Object.assign(annotations, nginx.canaryIngressAnnotations ?? {});
  if (headerRoute) {
    for (const key of Object.values(headerKeys(prefix))) delete annotations[key];
    Object.assign(annotations, headerRoute.annotations);
    annotations[MANAGED_HEADER_ROUTE_ANNOTATION] = headerRoute.name;
  }
  annotations[`${prefix}/canary`] = 'true';
  annotations[`${prefix}/canary-weight`] = String(desiredWeight);
  if (input.maxTrafficWeight !== undefined) {
    annotations[`${prefix}/canary-weight-total`] = String(input.maxTrafficWeight);
  }
  annotations[MANAGED_BY_ROLLOUTS_ANNOTATION] = target.rolloutName;

  const spec: IngressSpec = { rules };
  if (stable.spec?.ingressClassName !== undefined) spec.ingressClassName = stable.spec.ingressClassName;
  if (stable.spec?.tls !== undefined) spec.tls = cloneJson(stable.spec.tls);

  return {
    apiVersion: INGRESS_API_VERSION,
    kind: 'Ingress',
    metadata: {
      name: canaryIngressName(target.rolloutName, stableIngressName),
      namespace: target.namespace,
      annotations,
      ownerReferences: [controllerRef(target)],
    },
    spec,
  };
}

/** What the controller manages on a canary Ingress: annotations, labels and spec, as Argo. */
function managedFields(ingress: Ingress): unknown {
  return cloneJson({
    metadata: { annotations: ingress.metadata.annotations ?? {}, labels: ingress.metadata.labels ?? {} },
    spec: ingress.spec ?? {},
  });
}

/** The merge patch from the canary Ingress as it is to as it should be, or null when none is needed. */
export function canaryIngressPatch(current: Ingress, desired: Ingress): JsonObject | null {
  return createMergePatch(managedFields(current), managedFields(desired));
}

/** Whether the canary Ingress carries exactly the desired weight. */
export function canaryWeightVerified(
  prefix: string,
  canary: Ingress | null,
  desiredWeight: number,
  maxTrafficWeight: number | undefined,
): boolean {
  const annotations = canary?.metadata.annotations;
  if (!annotations) return false;
  const totalOk =
    maxTrafficWeight === undefined
      ? annotations[`${prefix}/canary-weight-total`] === undefined
      : annotations[`${prefix}/canary-weight-total`] === String(maxTrafficWeight);
  return (
    annotations[`${prefix}/canary`] === 'true' &&
    annotations[`${prefix}/canary-weight`] === String(desiredWeight) &&
    totalOk
  );
}
