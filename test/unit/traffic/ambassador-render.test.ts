import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canaryMappingName, mappingType, mappingWeight, renderCanaryMapping, type MappingObject } from '../../../controller/traffic/ambassador/render.ts';
import { NAMESPACE } from './support/fixtures.ts';

const services = { stableService: 'web-stable', canaryService: 'web-canary' };

function mapping(spec: Record<string, unknown>): MappingObject {
  return {
    apiVersion: 'getambassador.io/v2',
    kind: 'Mapping',
    metadata: {
      name: 'web',
      namespace: NAMESPACE,
      uid: 'u-1',
      resourceVersion: '7',
      labels: { team: 'shop' },
      annotations: { note: 'user' },
    },
    spec: { prefix: '/web/', ...spec },
  };
}

describe('Ambassador rendering', () => {
  it('names the canary Mapping <mapping>-canary, cutting the name to 246 characters first', () => {
    assert.equal(canaryMappingName('web'), 'web-canary');
    const long = 'm'.repeat(260);
    assert.equal(canaryMappingName(long), `${'m'.repeat(246)}-canary`);
  });

  for (const [service, expected] of [
    ['web-stable', 'web-canary'],
    ['web-stable.shop:80', 'web-canary.shop:80'],
    ['http://web-stable.shop.svc.cluster.local:8080', 'http://web-canary.shop.svc.cluster.local:8080'],
    ['web-stable-web-stable', 'web-canary-web-stable'],
    ['other', 'other'],
  ] as const) {
    it(`the canary Mapping of service "${service}" routes to "${expected}" (first occurrence only)`, () => {
      assert.equal(renderCanaryMapping(mapping({ service }), services, 10).spec?.service, expected);
    });
  }

  it('copies the spec, keeps only name and namespace of the metadata, and sets the weight', () => {
    const canary = renderCanaryMapping(mapping({ service: 'web-stable:80', timeout_ms: 5000, host: 'shop.example' }), services, 30);
    assert.deepEqual(canary, {
      apiVersion: 'getambassador.io/v2',
      kind: 'Mapping',
      metadata: { name: 'web-canary', namespace: NAMESPACE },
      spec: { prefix: '/web/', service: 'web-canary:80', timeout_ms: 5000, host: 'shop.example', weight: 30 },
    });
  });

  it('does not read `$` in a Service name as a replacement pattern', () => {
    assert.equal(renderCanaryMapping(mapping({ service: 'web-stable' }), { stableService: 'web-stable', canaryService: 'c$&' }, 5).spec?.service, 'c$&');
  });

  it('reads a weight only when it is an integer, as Argo', () => {
    assert.equal(mappingWeight(mapping({ weight: 20 })), 20);
    assert.equal(mappingWeight(mapping({})), 0);
    assert.equal(mappingWeight(mapping({ weight: '20' })), 0);
    assert.equal(mappingWeight(mapping({ weight: 2.5 })), 0);
  });

  it('addresses Mappings by the group of --ambassador-api-version', () => {
    assert.deepEqual(
      [mappingType('getambassador.io/v2'), mappingType('getambassador.io/v3alpha1'), mappingType('x.getambassador.io/v3alpha1')].map((t) => [
        t.group,
        t.version,
        t.plural,
        t.kind,
      ]),
      [
        ['getambassador.io', 'v2', 'mappings', 'Mapping'],
        ['getambassador.io', 'v3alpha1', 'mappings', 'Mapping'],
        ['x.getambassador.io', 'v3alpha1', 'ambassadormappings', 'AmbassadorMapping'],
      ],
    );
  });
});
