import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import type { Rollout } from '../rollout.ts';
import { type FieldError, invalid } from './field-error.ts';
import { POD_TEMPLATE_HASH_LABEL, MANAGED_BY_ROLLOUTS_ANNOTATION } from '../labels.ts';
export { POD_TEMPLATE_HASH_LABEL, MANAGED_BY_ROLLOUTS_ANNOTATION };

/**
 * Argo's ValidateRolloutReferencedResources for the objects a Rollout names: its Services and its
 * NGINX stable Ingresses. The reconciler fetches them and passes them in; nothing is looked up here.
 */

export type ServiceType = 'ActiveService' | 'PreviewService' | 'CanaryService' | 'StableService' | 'PingService' | 'PongService';

export interface ServiceWithType {
  type: ServiceType;
  service: V1Service;
}

export interface ReferencedResources {
  services?: readonly ServiceWithType[];
  ingresses?: readonly V1Ingress[];
}


const SERVICE_FIELD: Record<ServiceType, string> = {
  ActiveService: 'spec.strategy.blueGreen.activeService',
  PreviewService: 'spec.strategy.blueGreen.previewService',
  CanaryService: 'spec.strategy.canary.canaryService',
  StableService: 'spec.strategy.canary.stableService',
  PingService: 'spec.strategy.canary.pingPong.pingService',
  PongService: 'spec.strategy.canary.pingPong.pongService',
};

export function validateReferencedResources(rollout: Rollout, refs: ReferencedResources): FieldError[] {
  const errors: FieldError[] = [];
  for (const svc of refs.services ?? []) errors.push(...validateService(rollout, svc));
  for (const ingress of refs.ingresses ?? []) errors.push(...validateIngress(rollout, ingress));
  return errors;
}

/** Ephemeral labels of the role a Service plays also count as matching (canaryMetadata, activeMetadata, ...). */
function roleLabels(rollout: Rollout, type: ServiceType, name: string): Record<string, string> {
  const { canary, blueGreen } = rollout.spec.strategy;
  switch (type) {
    case 'StableService':
      return canary?.stableService === name ? (canary.stableMetadata?.labels ?? {}) : {};
    case 'CanaryService':
      return canary?.canaryService === name ? (canary.canaryMetadata?.labels ?? {}) : {};
    case 'ActiveService':
      return blueGreen?.activeService === name ? (blueGreen.activeMetadata?.labels ?? {}) : {};
    case 'PreviewService':
      return blueGreen?.previewService === name ? (blueGreen.previewMetadata?.labels ?? {}) : {};
    default:
      return {};
  }
}

export function validateService(rollout: Rollout, { type, service }: ServiceWithType): FieldError[] {
  const errors: FieldError[] = [];
  const field = SERVICE_FIELD[type];
  const name = service.metadata?.name ?? '';
  const templateLabels = rollout.spec.template?.metadata?.labels ?? {};
  const ephemeral = roleLabels(rollout, type, name);
  for (const [key, value] of Object.entries(service.spec?.selector ?? {})) {
    if (key === POD_TEMPLATE_HASH_LABEL) continue;
    if (templateLabels[key] !== value && ephemeral[key] !== value) {
      errors.push(invalid(field, name, `Service ${JSON.stringify(name)} has unmatch label ${JSON.stringify(key)} in rollout`));
    }
  }
  const managedBy = service.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION];
  if (managedBy !== undefined && managedBy !== rollout.metadata.name) {
    errors.push(invalid(field, name, `Service ${JSON.stringify(name)} is managed by another Rollout`));
  }
  return errors;
}

function ingressRoutesTo(ingress: V1Ingress, serviceName: string): boolean {
  const backends = (ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend));
  if (ingress.spec?.defaultBackend) backends.push(ingress.spec.defaultBackend);
  return backends.some((backend) => backend?.service?.name === serviceName);
}

/**
 * Argo's ValidateIngress: an NGINX stable Ingress must route to the stable Service; an ALB Ingress
 * must have a rule path to the ALB root Service (else the stable Service), whose action
 * annotation carries the split.
 */
export function validateIngress(rollout: Rollout, ingress: V1Ingress): FieldError[] {
  const canary = rollout.spec.strategy.canary;
  const name = ingress.metadata?.name ?? '';
  const nginx = canary?.trafficRouting?.nginx;
  if (canary && nginx && (nginx.stableIngress === name || nginx.stableIngresses?.includes(name))) {
    const inList = nginx.stableIngresses?.includes(name) ?? false;
    const field = inList ? 'spec.strategy.canary.trafficRouting.nginx.stableIngresses' : 'spec.strategy.canary.trafficRouting.nginx.stableIngress';
    const ingressName = inList ? name : (nginx.stableIngress ?? '');
    const serviceName = canary.stableService ?? '';
    if (ingressRoutesTo(ingress, serviceName)) return [];
    return [invalid(field, ingressName, `ingress \`${name}\` has no rules using service ${serviceName} backend`)];
  }
  const alb = canary?.trafficRouting?.alb;
  if (canary && alb && (alb.ingress === name || alb.ingresses?.includes(name))) {
    const inList = alb.ingresses?.includes(name) ?? false;
    const field = inList ? 'spec.strategy.canary.trafficRouting.alb.ingresses' : 'spec.strategy.canary.trafficRouting.alb.ingress';
    const ingressName = inList ? name : (alb.ingress ?? '');
    const serviceName = alb.rootService || (canary.stableService ?? '');
    const paths = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
    if (paths.some((path) => path.backend?.service?.name === serviceName)) return [];
    return [invalid(field, ingressName, `ingress \`${name}\` has no rules using service ${serviceName} backend`)];
  }
  return [];
}

/** A VirtualService or DestinationRule as read (unstructured): only the fields validation reads are typed. */
export interface IstioObject {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    http?: Array<{ name?: string; [field: string]: unknown }>;
    subsets?: Array<{ name?: string; [field: string]: unknown }>;
    [field: string]: unknown;
  };
}

/**
 * The Istio objects a canary names, read by the reconciler (they are not cached: the controller
 * runs without the Istio CRDs). VirtualServices are keyed by the name as written in the spec
 * (`name`, `name.namespace` or `namespace/name`), DestinationRules by name; a name missing from
 * a map does not exist (nor does its CRD, perhaps).
 */
export interface IstioReferences {
  virtualServices: ReadonlyMap<string, IstioObject>;
  destinationRules: ReadonlyMap<string, IstioObject>;
}

const ISTIO_FIELD = 'spec.strategy.canary.trafficRouting.istio';

/**
 * Argo's GetReferencedVirtualServices and ValidateVirtualService: every VirtualService named must
 * exist and, when it has spec.http, hold the HTTP routes the Rollout names (or, with `routes`
 * omitted, at most one HTTP route: Argo accepts one with none, whose weights it then leaves alone);
 * the DestinationRule must exist and hold both subsets. Managed routes (setHeaderRoute,
 * setMirrorRoute) are the controller's own, so they never count as the user's single route.
 */
export function validateIstioReferences(rollout: Rollout, refs: IstioReferences): FieldError[] {
  const canary = rollout.spec.strategy.canary;
  const istio = canary?.trafficRouting?.istio;
  if (!canary || !istio) return [];
  const errors: FieldError[] = [];
  const multiple = (istio.virtualServices?.length ?? 0) > 0;
  const vsField = `${ISTIO_FIELD}.${multiple ? 'virtualServices' : 'virtualService'}.name`;
  const managed = new Set((canary.trafficRouting?.managedRoutes ?? []).map((r) => r.name));
  for (const ref of multiple ? (istio.virtualServices ?? []) : istio.virtualService ? [istio.virtualService] : []) {
    const vs = refs.virtualServices.get(ref.name);
    const name = vs?.metadata?.name ?? virtualServiceName(ref.name);
    if (!vs) {
      errors.push(invalid(vsField, name, `virtualservices.networking.istio.io ${JSON.stringify(name)} not found`));
      continue;
    }
    // As Argo, HTTP routes are checked only when the VirtualService has spec.http: one that
    // carries only TLS or TCP routes is valid whatever `routes` names.
    const http = vs.spec?.http;
    if (!http) continue;
    if (ref.routes && ref.routes.length > 0) {
      const missing = ref.routes.find((route) => !http.some((r) => r.name === route));
      if (missing !== undefined) {
        errors.push(invalid(vsField, name, `Istio VirtualService has invalid HTTP routes. Error: HTTP Route '${missing}' is not found in the defined Virtual Service.`));
      }
    } else if (!ref.tlsRoutes?.length && !ref.tcpRoutes?.length) {
      const own = http.filter((r) => !managed.has(r.name ?? ''));
      if (own.length > 1) {
        errors.push(
          invalid(
            vsField,
            name,
            'Istio VirtualService has invalid HTTP routes. Error: spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes',
          ),
        );
      }
    }
  }
  const rule = istio.destinationRule;
  if (rule) {
    const dr = refs.destinationRules.get(rule.name);
    if (!dr) {
      errors.push(invalid(`${ISTIO_FIELD}.destinationRule.name`, rule.name, `destinationrules.networking.istio.io ${JSON.stringify(rule.name)} not found`));
    } else {
      const subsets = new Set((dr.spec?.subsets ?? []).map((s) => s.name));
      for (const [key, subset] of [['canarySubsetName', rule.canarySubsetName], ['stableSubsetName', rule.stableSubsetName]] as const) {
        if (!subsets.has(subset)) {
          errors.push(invalid(`${ISTIO_FIELD}.destinationRule.${key}`, subset, `subset '${subset}' is not found in DestinationRule '${rule.name}'`));
        }
      }
    }
  }
  return errors;
}

/** The object name in a VirtualService reference (`name`, `name.namespace` or `namespace/name`). */
function virtualServiceName(ref: string): string {
  const slash = ref.indexOf('/');
  return slash >= 0 ? ref.slice(slash + 1) : (ref.split('.')[0] ?? '');
}
