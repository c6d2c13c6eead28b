import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { GATEWAY_HTTP_ROUTES, type KubeObject } from '../../../controller/kube/resources.ts';
import { eventually } from '../../support/cluster.ts';
import { service } from '../../support/rollouts.ts';
import { APP, checkServices, type Provider } from './canary.ts';

/** The Gateway API router's walk: an HTTPRoute whose one rule splits between the two Services. */

const IN_PROGRESS_LABEL = 'rollouts.argoproj.io/gatewayapi-canary';

interface HTTPRouteLike extends KubeObject {
  spec?: { rules?: Array<{ name?: string; backendRefs?: Array<{ name?: string; weight?: number }> }> };
}

export const gatewayApiProvider: Provider = {
  name: 'Gateway API',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: `${APP}-route` } } },
  },
  objects: [
    service(`${APP}-stable`, APP),
    service(`${APP}-canary`, APP),
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: `${APP}-route` },
      spec: {
        parentRefs: [{ name: 'gateway' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [
              { kind: 'Service', name: `${APP}-stable`, port: 80, weight: 100 },
              { kind: 'Service', name: `${APP}-canary`, port: 80, weight: 0 },
            ],
          },
        ],
      },
    } as KubeObject,
  ],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    const route = await c.get<HTTPRouteLike>(GATEWAY_HTTP_ROUTES, ns, `${APP}-route`);
    const rules = route.spec?.rules ?? [];
    assert.equal(rules.length, 1, 'the HTTPRoute keeps its one rule');
    const weights = Object.fromEntries((rules[0]?.backendRefs ?? []).map((b) => [b.name ?? '?', b.weight ?? 0]));
    assert.deepEqual(weights, { [`${APP}-stable`]: 100 - weight, [`${APP}-canary`]: weight }, 'the backendRef weights');
    const labels = route.metadata?.labels ?? {};
    assert.equal(labels[IN_PROGRESS_LABEL], weight > 0 ? 'in-progress' : undefined, 'the in-progress label while the canary has weight');
  },
};
