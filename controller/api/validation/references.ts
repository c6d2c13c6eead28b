import type { V1Ingress, V1Service } from '@kubernetes/client-node';
import type { Rollout } from '../rollout.ts';
import { type FieldError, invalid } from './field-error.ts';

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

/** The label Argo adds to a Service selector to pin it to one ReplicaSet. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
/** Annotation naming the Rollout that manages a Service. */
export const MANAGED_BY_ROLLOUTS_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';

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

/** An NGINX stable Ingress must route to the stable Service. */
export function validateIngress(rollout: Rollout, ingress: V1Ingress): FieldError[] {
  const canary = rollout.spec.strategy.canary;
  const nginx = canary?.trafficRouting?.nginx;
  if (!canary || !nginx) return [];
  const name = ingress.metadata?.name ?? '';
  const inList = nginx.stableIngresses?.includes(name) ?? false;
  const field = inList ? 'spec.strategy.canary.trafficRouting.nginx.stableIngresses' : 'spec.strategy.canary.trafficRouting.nginx.stableIngress';
  const ingressName = inList ? name : (nginx.stableIngress ?? '');
  const serviceName = canary.stableService ?? '';
  if (ingressRoutesTo(ingress, serviceName)) return [];
  return [invalid(field, ingressName, `ingress \`${name}\` has no rules using service ${serviceName} backend`)];
}
