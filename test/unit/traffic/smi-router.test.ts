import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import type { TrafficSplit } from '../../../controller/traffic/smi/render.ts';
import type { SMITrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, ROLLOUT_UID, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

function setup(smi: SMITrafficRouting, objects: StoredObject[] = [], apiVersion: 'v1alpha1' | 'v1alpha2' | 'v1alpha3' = 'v1alpha1') {
  const kube = new MemoryKube(objects);
  const [router] = newTrafficRouters(rollout({ smi }), kube, { smi: { apiVersion } });
  assert.ok(router);
  const read = (name = 'web') => kube.read(`split.smi-spec.io/${apiVersion}`, 'TrafficSplit', NAMESPACE, name) as TrafficSplit | undefined;
  return { kube, router, read };
}

const owner = (uid = ROLLOUT_UID) => [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web', uid, controller: true, blockOwnerDeletion: true }];

describe('SMI router', () => {
  it('creates the TrafficSplit at the first weight, with Argo\'s event, then patches only the weights', async () => {
    const { kube, router, read } = setup({ rootService: 'web' });
    assert.equal(router.type, 'SMI');
    assert.deepEqual(await router.setWeight(0), [
      { verb: 'create', apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', namespace: NAMESPACE, name: 'web', reason: 'TrafficSplitCreated', message: 'TrafficSplit `web` created' },
    ]);
    assert.deepEqual(read()?.spec?.backends, [{ service: 'web-canary', weight: '0' }, { service: 'web-stable', weight: '100' }]);

    const writes = await router.setWeight(25);
    assert.deepEqual(writes, [{ verb: 'patch', apiVersion: 'split.smi-spec.io/v1alpha1', kind: 'TrafficSplit', namespace: NAMESPACE, name: 'web' }], 'Argo records no event for a patch');
    assert.deepEqual(read()?.spec, { service: 'web', backends: [{ service: 'web-canary', weight: '25' }, { service: 'web-stable', weight: '75' }] });
    assert.ok((kube.writesOf('patch')[0]?.patch?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion, 'the patch is guarded by the resourceVersion read');
    assert.deepEqual(await router.setWeight(25), [], 'a repeated weight writes nothing');
  });

  it('writes the configured version: integer weights from v1alpha2 on', async () => {
    const { router, read } = setup({}, [], 'v1alpha3');
    await router.setWeight(40);
    assert.deepEqual(read()?.spec, { service: 'web-stable', backends: [{ service: 'web-canary', weight: 40 }, { service: 'web-stable', weight: 60 }] });
    assert.equal(await router.verifyWeight?.(40), true);
  });

  it('restores a TrafficSplit the user edited, keeping fields its version does not know', async () => {
    const edited: TrafficSplit = {
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'web-split', namespace: NAMESPACE, ownerReferences: owner() },
      spec: { service: 'elsewhere', backends: [{ service: 'web-stable', weight: 100 }, { service: 'extra', weight: 5 }], matches: [{ kind: 'HTTPRouteGroup', name: 'm' }] },
    };
    const { router, read } = setup({ trafficSplitName: 'web-split' }, [edited], 'v1alpha2');
    await router.setWeight(10);
    assert.deepEqual(read('web-split')?.spec, {
      service: 'web-stable',
      backends: [{ service: 'web-canary', weight: 10 }, { service: 'web-stable', weight: 90 }],
      matches: [{ kind: 'HTTPRouteGroup', name: 'm' }],
    });
  });

  it('refuses a TrafficSplit the Rollout does not control, naming it', async () => {
    const foreign: TrafficSplit = {
      apiVersion: 'split.smi-spec.io/v1alpha1',
      kind: 'TrafficSplit',
      metadata: { name: 'web', namespace: NAMESPACE, ownerReferences: owner('someone-else') },
      spec: { service: 'web', backends: [] },
    };
    const { kube, router } = setup({}, [foreign]);
    await assert.rejects(router.setWeight(10), (err: unknown) => {
      assert.ok(err instanceof TrafficRoutingError);
      assert.match(err.message, /^Rollout does not own TrafficSplit `web`/);
      assert.deepEqual(err.object, { kind: 'TrafficSplit', namespace: NAMESPACE, name: 'web' });
      return true;
    });
    assert.deepEqual(kube.writes, []);
  });

  it('verifyWeight reads the TrafficSplit back: false before it exists or while the weight differs', async () => {
    const { kube, router } = setup({});
    assert.equal(await router.verifyWeight?.(0), false);
    await router.setWeight(50);
    assert.equal(await router.verifyWeight?.(50), true);
    const split = kube.read('split.smi-spec.io/v1alpha1', 'TrafficSplit', NAMESPACE, 'web') as TrafficSplit;
    kube.put({ ...split, spec: { ...split.spec!, backends: [{ service: 'web-canary', weight: '0' }, { service: 'web-stable', weight: '100' }] } });
    assert.equal(await router.verifyWeight?.(50), false, 'an edit since is seen');
  });

  it('a create that races another pass patches the TrafficSplit that won', async () => {
    const { kube, router, read } = setup({});
    const create = kube.create.bind(kube);
    let raced = false;
    kube.create = async (obj) => {
      if (!raced) {
        raced = true;
        await create({ ...obj, spec: { service: 'web-stable', backends: [] } } as StoredObject);
      }
      return create(obj);
    };
    assert.deepEqual((await router.setWeight(30)).map((w) => w.verb), ['patch']);
    assert.deepEqual(read()?.spec?.backends, [{ service: 'web-canary', weight: '30' }, { service: 'web-stable', weight: '70' }]);
  });

  it('has no header, mirror, hash or managed-route methods: a TrafficSplit has none of those', () => {
    const { router } = setup({});
    assert.deepEqual([router.setHeaderRoute, router.setMirrorRoute, router.updateHash, router.removeManagedRoutes], [undefined, undefined, undefined, undefined]);
  });
});
