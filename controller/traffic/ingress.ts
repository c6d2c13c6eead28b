import type { StoredObject } from './router.ts';

/** The networking.k8s.io/v1 Ingress as the Ingress-based routers (NGINX, ALB) read and write it. */

export const INGRESS_API_VERSION = 'networking.k8s.io/v1';

export interface IngressServiceBackend {
  name: string;
  port?: { name?: string; number?: number } | undefined;
}

export interface IngressPath {
  path?: string | undefined;
  pathType?: string | undefined;
  backend: { service?: IngressServiceBackend | undefined; resource?: unknown };
}

export interface IngressRule {
  host?: string | undefined;
  http?: { paths: IngressPath[] } | undefined;
}

export interface IngressSpec {
  ingressClassName?: string | undefined;
  defaultBackend?: unknown;
  tls?: unknown[] | undefined;
  rules?: IngressRule[] | undefined;
}

export interface Ingress extends StoredObject {
  spec?: IngressSpec | undefined;
}

/** Argo's HasRuleWithService: some rule path's backend is the named Service. */
export function hasRuleWithService(ingress: Ingress, service: string): boolean {
  return (ingress.spec?.rules ?? []).some((rule) => (rule.http?.paths ?? []).some((path) => path.backend?.service?.name === service));
}
