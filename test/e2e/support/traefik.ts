import assert from 'node:assert/strict';
import { TRAEFIK_CONTAINO_SERVICES, TRAEFIK_SERVICES, apiVersionOf, type KubeObject } from '../../../controller/kube/resources.ts';
import { service } from '../../support/rollouts.ts';
import { APP, checkServices, type Provider } from './canary.ts';

/**
 * The Traefik router's walk: a weighted TraefikService (traefik.io, Argo's default group, or the
 * older traefik.containo.us with --traefik-api-group) with the two Services and a third entry the
 * controller must leave alone.
 */

interface TraefikServiceLike extends KubeObject {
  spec?: { weighted?: { services?: Array<{ name?: string; port?: number; weight?: number }> } };
}

export function traefikGroupProvider(group: 'traefik.io' | 'traefik.containo.us'): Provider {
  const type = group === 'traefik.io' ? TRAEFIK_SERVICES : TRAEFIK_CONTAINO_SERVICES;
  return {
    name: `Traefik (${group})`,
    ...(group === 'traefik.io' ? {} : { controllerArgs: [`--traefik-api-group=${group}`, `--traefik-api-version=${apiVersionOf(type)}`] }),
    canary: {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      abortScaleDownDelaySeconds: 2,
      trafficRouting: { traefik: { weightedTraefikServiceName: `${APP}-weighted` } },
    },
    objects: [
      service(`${APP}-stable`, APP),
      service(`${APP}-canary`, APP),
      {
        apiVersion: apiVersionOf(type),
        kind: 'TraefikService',
        metadata: { name: `${APP}-weighted` },
        spec: {
          weighted: {
            services: [
              { name: `${APP}-stable`, port: 80, weight: 100 },
              { name: `${APP}-canary`, port: 80, weight: 0 },
              { name: 'maintenance', port: 80, weight: 0 },
            ],
          },
        },
      } as KubeObject,
    ],
    async checkRouting(c, ns, weight, hashes) {
      await checkServices(c, ns, hashes);
      const obj = await c.get<TraefikServiceLike>(type, ns, `${APP}-weighted`);
      const entries = (obj.spec?.weighted?.services ?? []).map((s) => [s.name, s.port, s.weight]);
      assert.deepEqual(entries, [
        [`${APP}-stable`, 80, 100 - weight],
        [`${APP}-canary`, 80, weight],
        ['maintenance', 80, 0],
      ], 'the weighted services: stable and canary weighted, the other entry left alone');
    },
  };
}

export const traefikProvider = traefikGroupProvider('traefik.io');
