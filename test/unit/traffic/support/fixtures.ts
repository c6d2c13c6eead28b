import type { StoredObject } from '../../../../controller/traffic/router.ts';
import type { RolloutTrafficRouting, TrafficRollout } from '../../../../controller/traffic/types.ts';

export const NAMESPACE = 'shop';
export const ROLLOUT_UID = '0b7c6f1e-1111-4c7a-9d1e-5a0f3c2b9e01';

export function rollout(trafficRouting: RolloutTrafficRouting, services = { stable: 'web-stable', canary: 'web-canary' }): TrafficRollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    metadata: { name: 'web', namespace: NAMESPACE, uid: ROLLOUT_UID },
    spec: {
      strategy: {
        canary: { stableService: services.stable, canaryService: services.canary, trafficRouting },
      },
    },
  };
}

export function backend(service: string, port = 80) {
  return { service: { name: service, port: { number: port } } };
}

/** A stable Ingress with one host per entry, each routing `/` to the given Service. */
export function stableIngress(name: string, hosts: Record<string, string>, extra: Partial<StoredObject> = {}): StoredObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: NAMESPACE, annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
    spec: {
      rules: Object.entries(hosts).map(([host, service]) => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(service) }] },
      })),
    },
    ...extra,
  };
}

/** An ALB Ingress whose two hosts route `/` to `service` (the ALB root Service). */
export function albIngress(name = 'web-ingress', annotations: Record<string, string> = {}, service = 'web-root'): StoredObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: NAMESPACE, annotations: { 'kubernetes.io/ingress.class': 'alb', ...annotations } },
    spec: {
      rules: ['shop.example.com', 'm.shop.example.com'].map((host) => ({
        host,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(service) }] },
      })),
    },
  };
}
