import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolloutSchema } from '../../../controller/api/index.ts';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import { rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

describe('traffic router registry', () => {
  it('builds one router per configured provider, in Argo\'s order', () => {
    const routers = newTrafficRouters(
      rollout({ nginx: { stableIngress: 'web-ingress' }, istio: { virtualService: { name: 'web-vs' } } }),
      new MemoryKube(),
    );
    assert.deepEqual(
      routers.map((r) => r.type),
      ['Istio', 'Nginx'],
    );
  });

  it('SMI and Traefik come after NGINX, in Argo\'s order', () => {
    const routers = newTrafficRouters(
      rollout({ traefik: { weightedTraefikServiceName: 'web' }, smi: {}, nginx: { stableIngress: 'web-ingress' } }),
      new MemoryKube(),
    );
    assert.deepEqual(routers.map((r) => r.type), ['Nginx', 'SMI', 'Traefik']);
  });

  it('subset-level Istio routers can update hashes, host-level ones cannot', () => {
    const kube = new MemoryKube();
    const [subset] = newTrafficRouters(
      rollout({
        istio: {
          virtualService: { name: 'web-vs' },
          destinationRule: { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
        },
      }),
      kube,
    );
    const [host] = newTrafficRouters(rollout({ istio: { virtualService: { name: 'web-vs' } } }), kube);
    assert.equal(typeof subset?.updateHash, 'function');
    assert.equal(host?.updateHash, undefined);
  });

  it('has no routers for a Rollout without trafficRouting', () => {
    const plain = rollout({});
    plain.spec.strategy.canary = { stableService: 'a', canaryService: 'b' };
    assert.deepEqual(newTrafficRouters(plain, new MemoryKube()), []);
    assert.deepEqual(newTrafficRouters(rollout({}), new MemoryKube()), [], 'an empty trafficRouting configures no provider');
  });

  it('takes a Rollout parsed with the shared API schema', async () => {
    const parsed = RolloutSchema.parse({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', namespace: 'shop', uid: 'u-1' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
        strategy: {
          canary: {
            stableService: 'web-stable',
            canaryService: 'web-canary',
            trafficRouting: { nginx: { stableIngress: 'web-ingress' } },
            steps: [{ setWeight: 20 }],
          },
        },
      },
    });
    const [router] = newTrafficRouters(parsed, new MemoryKube());
    assert.equal(router?.type, 'Nginx');
    await assert.rejects(router?.setWeight(20) ?? Promise.resolve(), /stable Ingress shop\/web-ingress .* was not found/);
  });

  it('fails on a Rollout without a name', () => {
    const anonymous = rollout({ nginx: { stableIngress: 'x' } });
    anonymous.metadata.name = undefined;
    assert.throws(() => newTrafficRouters(anonymous, new MemoryKube()), TrafficRoutingError);
  });
});
