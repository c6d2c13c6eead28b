import assert from 'node:assert/strict';
import { APISIX_ROUTES, type KubeObject } from '../../../controller/kube/resources.ts';
import { service } from '../../support/rollouts.ts';
import { isNotFound } from '../../../controller/kube/errors.ts';
import { APP, checkServices, HEADER_ROUTE, type Provider } from './canary.ts';

/** The APISIX router's walk: an ApisixRoute whose named rule splits between the two Services. */

interface ApisixRouteLike extends KubeObject {
  spec?: { http?: Array<{ name?: string; match?: unknown; backends?: Array<{ serviceName?: string; weight?: number }> }> };
}

const ROUTE = `${APP}-route`;
const MATCH = { paths: ['/*'] };

export const apisixProvider: Provider = {
  name: 'APISIX',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: { apisix: { route: { name: ROUTE, rules: ['primary'] } } },
  },
  objects: [
    service(`${APP}-stable`, APP),
    service(`${APP}-canary`, APP),
    {
      apiVersion: 'apisix.apache.org/v2',
      kind: 'ApisixRoute',
      metadata: { name: ROUTE },
      spec: {
        http: [
          {
            name: 'primary',
            match: MATCH,
            backends: [
              { serviceName: `${APP}-stable`, servicePort: 80, weight: 100 },
              { serviceName: `${APP}-canary`, servicePort: 80, weight: 0 },
            ],
          },
        ],
      },
    } as KubeObject,
  ],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    const route = await c.get<ApisixRouteLike>(APISIX_ROUTES, ns, ROUTE);
    const rules = route.spec?.http ?? [];
    assert.deepEqual(rules.map((r) => r.name), ['primary'], 'the ApisixRoute keeps its one rule');
    assert.deepEqual(rules[0]?.match, MATCH, 'and its match');
    const weights = Object.fromEntries((rules[0]?.backends ?? []).map((b) => [b.serviceName ?? '?', b.weight ?? 0]));
    assert.deepEqual(weights, { [`${APP}-stable`]: 100 - weight, [`${APP}-canary`]: weight }, 'the backend weights');
  },  async headerRoute(c, ns, present) {
    // Argo's APISIX router puts a header route in an ApisixRoute of its own, a copy of the user's.
    const header = await c.get<ApisixRouteLike>(APISIX_ROUTES, ns, HEADER_ROUTE).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!present) {
      assert.equal(header, undefined, 'the header ApisixRoute is deleted');
      return;
    }
    const rule = header?.spec?.http?.find((r) => r.name === 'primary');
    assert.ok(rule, 'the header ApisixRoute copies the named rule');
    assert.deepEqual(rule.backends?.map((b) => [b.serviceName, b.weight]), [[`${APP}-canary`, 100]], 'all to the canary');
    assert.deepEqual((rule.match as { exprs?: unknown })?.exprs, [{ subject: { scope: 'Header', name: 'X-Canary' }, op: 'Equal', value: 'yes' }]);
  },
};
