import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import type { TraefikService } from '../../../controller/traffic/traefik/render.ts';
import type { TraefikRouterOptions } from '../../../controller/traffic/traefik/router.ts';
import { NAMESPACE, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

function weighted(apiVersion = 'traefik.io/v1alpha1'): StoredObject {
  return {
    apiVersion,
    kind: 'TraefikService',
    metadata: { name: 'web-weighted', namespace: NAMESPACE },
    spec: { weighted: { services: [{ name: 'web-stable', port: 80, weight: 100 }, { name: 'web-canary', port: 80, weight: 0 }] } },
  };
}

function setup(objects: StoredObject[], options?: TraefikRouterOptions) {
  const kube = new MemoryKube(objects);
  const [router] = newTrafficRouters(rollout({ traefik: { weightedTraefikServiceName: 'web-weighted' } }), kube, { traefik: options });
  assert.ok(router);
  const weights = (apiVersion = 'traefik.io/v1alpha1') =>
    ((kube.read(apiVersion, 'TraefikService', NAMESPACE, 'web-weighted') as TraefikService).spec?.weighted?.services as Array<{ name: string; weight: number }>).map(
      (s) => [s.name, s.weight],
    );
  return { kube, router, weights };
}

describe('Traefik router', () => {
  it('sets the canary and stable weights with a guarded patch, no event (as Argo), and nothing when already set', async () => {
    const { kube, router, weights } = setup([weighted()]);
    assert.equal(router.type, 'Traefik');
    assert.deepEqual(await router.setWeight(20), [{ verb: 'patch', apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', namespace: NAMESPACE, name: 'web-weighted' }]);
    assert.deepEqual(weights(), [['web-stable', 80], ['web-canary', 20]]);
    assert.ok((kube.writes[0]?.patch?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion, 'guarded by the resourceVersion read');
    assert.deepEqual(await router.setWeight(20), []);
    assert.equal(await router.verifyWeight?.(20), true);
    assert.equal(await router.verifyWeight?.(0), false);
  });

  it('addresses the TraefikService in the group and version the controller is configured with', async () => {
    const { router, weights } = setup([weighted('traefik.containo.us/v1alpha1')], { apiGroup: 'traefik.containo.us', apiVersion: 'traefik.containo.us/v1alpha1' });
    await router.setWeight(50);
    assert.deepEqual(weights('traefik.containo.us/v1alpha1'), [['web-stable', 50], ['web-canary', 50]]);
  });

  it('a missing TraefikService is an error naming it and the field to correct', async () => {
    const { router } = setup([]);
    await assert.rejects(router.setWeight(10), (err: unknown) => {
      assert.ok(err instanceof TrafficRoutingError);
      assert.match(err.message, /^TraefikService shop\/web-weighted \(traefik\.io\/v1alpha1\) not found: .*weightedTraefikServiceName/);
      return true;
    });
    await assert.rejects(router.verifyWeight!(10), TrafficRoutingError);
  });

  it('weights only: no header, mirror, hash or managed-route methods, as Argo\'s router', () => {
    const { router } = setup([weighted()]);
    assert.deepEqual([router.setHeaderRoute, router.setMirrorRoute, router.updateHash, router.removeManagedRoutes], [undefined, undefined, undefined, undefined]);
  });
});
