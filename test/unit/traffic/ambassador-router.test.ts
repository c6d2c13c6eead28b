import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MappingObject } from '../../../controller/traffic/ambassador/render.ts';
import { createAmbassadorRouter } from '../../../controller/traffic/ambassador/router.ts';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import { NAMESPACE, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

const V2 = 'getambassador.io/v2';

function mapping(name: string, spec: Record<string, unknown> = {}, apiVersion = V2, kind = 'Mapping'): StoredObject {
  return { apiVersion, kind, metadata: { name, namespace: NAMESPACE, labels: { team: 'shop' } }, spec: { prefix: `/${name}/`, service: 'web-stable:80', ...spec } };
}

function setup(mappings: string[], objects: StoredObject[], apiVersion?: string) {
  const kube = new MemoryKube(objects);
  const target = routingTarget(rollout({ ambassador: { mappings } }));
  const router = createAmbassadorRouter(target, { mappings }, kube, { apiVersion });
  const read = (name: string, version = apiVersion ?? V2, kind = 'Mapping') => kube.read(version, kind, NAMESPACE, name) as MappingObject | undefined;
  return { kube, router, read };
}

const event = (verb: 'create' | 'patch' | 'delete', name: string, weight: number, apiVersion = V2, kind = 'Mapping') => ({
  verb,
  apiVersion,
  kind,
  namespace: NAMESPACE,
  name,
  reason: 'CanaryMappingWeightUpdate',
  message: `Set canary mapping weight to ${weight}`,
});

describe('Ambassador router', () => {
  it('is built by the registry from trafficRouting.ambassador, with setWeight and verifyWeight only', () => {
    const [router] = newTrafficRouters(rollout({ ambassador: { mappings: ['web'] } }), new MemoryKube());
    assert.equal(router?.type, 'Ambassador');
    assert.equal(router?.setHeaderRoute, undefined);
    assert.equal(router?.setMirrorRoute, undefined);
    assert.equal(router?.updateHash, undefined);
    assert.equal(router?.removeManagedRoutes, undefined);
  });

  it('creates nothing at weight 0, then a canary Mapping per named Mapping when the weight rises', async () => {
    const { kube, router, read } = setup(['web', 'api'], [mapping('web'), mapping('api')]);
    assert.deepEqual(await router.setWeight(0), []);
    assert.equal(await router.verifyWeight!(0), true, 'no canary Mapping is weight 0');
    assert.deepEqual(await router.setWeight(20), [event('create', 'web-canary', 20), event('create', 'api-canary', 20)]);
    assert.deepEqual(read('web-canary')?.spec, { prefix: '/web/', service: 'web-canary:80', weight: 20 });
    assert.equal(read('web-canary')?.metadata.labels, undefined, 'the copy keeps no metadata but name and namespace');
    assert.deepEqual(read('web')?.spec, { prefix: '/web/', service: 'web-stable:80' }, 'the user\'s Mapping is left alone');
    assert.equal(await router.verifyWeight!(20), true);
    assert.equal(await router.verifyWeight!(40), false);
    assert.equal(kube.writes.length, 2);
  });

  it('re-weights an existing canary Mapping with a guarded patch, and writes nothing when it already holds the weight', async () => {
    const { kube, router, read } = setup(['web'], [mapping('web'), mapping('web-canary', { service: 'web-canary:80', weight: 20 })]);
    assert.deepEqual(await router.setWeight(50), [event('patch', 'web-canary', 50)]);
    assert.equal(read('web-canary')?.spec?.weight, 50);
    assert.ok((kube.writes[0]?.patch?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion, 'the patch carries the resourceVersion read');
    assert.deepEqual(await router.setWeight(50), []);
  });

  it('back at 0: first the weight goes to 0, then the next pass deletes the canary Mapping', async () => {
    const { router, read } = setup(['web'], [mapping('web'), mapping('web-canary', { service: 'web-canary:80', weight: 100 })]);
    assert.deepEqual(await router.setWeight(0), [event('patch', 'web-canary', 0)]);
    assert.equal(read('web-canary')?.spec?.weight, 0);
    assert.equal(await router.verifyWeight!(0), true);
    assert.deepEqual(await router.setWeight(0), [event('delete', 'web-canary', 0)]);
    assert.equal(read('web-canary'), undefined);
    assert.deepEqual(await router.setWeight(0), []);
  });

  it('refuses a named Mapping that is missing or defines a weight, naming it; the other Mappings are still set', async () => {
    const { router, read } = setup(['gone', 'weighted', 'web'], [mapping('weighted', { weight: 10 }), mapping('web')]);
    await assert.rejects(router.setWeight(10), (err: unknown) => {
      assert.ok(err instanceof TrafficRoutingError);
      assert.match(err.message, /^2 errors found: \[Ambassador mapping "gone" not found: .*\]\[Ambassador mapping "weighted" can not define weight: .*\]$/);
      return true;
    });
    assert.equal(read('web-canary')?.spec?.weight, 10);
    const single = setup(['gone'], []);
    await assert.rejects(single.router.setWeight(10), (err: unknown) => err instanceof TrafficRoutingError && err.object?.name === 'gone');
  });

  it('a canary Mapping created meanwhile by another pass is re-weighted instead', async () => {
    const { kube, router, read } = setup(['web'], [mapping('web')]);
    const create = kube.create.bind(kube);
    kube.create = async (obj) => {
      await create({ ...obj, spec: { ...(obj.spec as object), weight: 5 } });
      return create(obj);
    };
    assert.deepEqual(await router.setWeight(30), [event('patch', 'web-canary', 30)]);
    assert.equal(read('web-canary')?.spec?.weight, 30);
  });

  it('works at the --ambassador-api-version given: getambassador.io/v3alpha1 and x.getambassador.io AmbassadorMappings', async () => {
    const v3 = 'getambassador.io/v3alpha1';
    const a = setup(['web'], [mapping('web', {}, v3)], v3);
    assert.deepEqual(await a.router.setWeight(10), [event('create', 'web-canary', 10, v3)]);
    assert.equal(a.read('web-canary')?.apiVersion, v3);
    const x = 'x.getambassador.io/v3alpha1';
    const b = setup(['web'], [mapping('web', {}, x, 'AmbassadorMapping')], x);
    assert.deepEqual(await b.router.setWeight(10), [event('create', 'web-canary', 10, x, 'AmbassadorMapping')]);
    assert.equal(b.read('web-canary', x, 'AmbassadorMapping')?.spec?.weight, 10);
  });

  it('refuses a configuration without Mappings, as Argo\'s reference check', () => {
    assert.throws(
      () => createAmbassadorRouter(routingTarget(rollout({ ambassador: { mappings: [] } })), { mappings: [] }, new MemoryKube()),
      /ambassador\.mappings must provide at least one mapping/,
    );
  });
});
