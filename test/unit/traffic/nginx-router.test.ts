import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNginxRouter } from '../../../controller/traffic/nginx/router.ts';
import { TrafficRoutingError, type StoredObject, type TrafficKube, type TrafficRouter } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { NginxTrafficRouting, RolloutTrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, rollout, stableIngress } from './support/fixtures.ts';
import { KubeStatusError, MemoryKube } from './support/memory-kube.ts';

const V1 = 'networking.k8s.io/v1';
const P = 'nginx.ingress.kubernetes.io';

function setup(nginx: NginxTrafficRouting, objects: StoredObject[], extra: Partial<RolloutTrafficRouting> = {}) {
  const kube = new MemoryKube(objects);
  const router = createNginxRouter(routingTarget(rollout({ nginx, ...extra })), nginx, kube);
  const canary = (name = 'web-web-ingress-canary') => kube.read(V1, 'Ingress', NAMESPACE, name);
  const annotations = (name?: string) => canary(name)?.metadata.annotations ?? {};
  return { kube, router, canary, annotations };
}

const shop = () => stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });

async function rejects(promise: Promise<unknown>, pattern: RegExp) {
  await assert.rejects(promise, (err: unknown) => err instanceof TrafficRoutingError && pattern.test(err.message));
}

describe('NGINX router: weights', () => {
  it('creates the canary Ingress on the first setWeight and reports it', async () => {
    const { kube, router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    const writes = await router.setWeight(10);
    assert.deepEqual(writes, [
      {
        verb: 'create',
        apiVersion: V1,
        kind: 'Ingress',
        namespace: NAMESPACE,
        name: 'web-web-ingress-canary',
        reason: 'CreatingCanaryIngress',
        message: 'Creating canary ingress `web-web-ingress-canary` with weight `10`',
      },
    ]);
    assert.equal(annotations()[`${P}/canary-weight`], '10');
    assert.equal(kube.writesOf('create').length, 1);
  });

  it('patches the weight, then writes nothing once at the desired weight', async () => {
    const { kube, router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    await router.setWeight(10);
    const patched = await router.setWeight(50);
    assert.equal(patched.length, 1);
    assert.equal(patched[0]?.reason, 'PatchingCanaryIngress');
    assert.equal(patched[0]?.message, "Updating Ingress `web-web-ingress-canary` to desiredWeight '50'");
    assert.equal(annotations()[`${P}/canary-weight`], '50');

    const before = kube.writes.length;
    assert.deepEqual(await router.setWeight(50), []);
    assert.equal(kube.writes.length, before, 'no write when already at the desired state');
  });

  it('keeps one canary Ingress per stable Ingress with stableIngresses', async () => {
    const second = stableIngress('web-internal', { 'shop.internal': 'web-stable' });
    const { router, annotations } = setup({ stableIngresses: ['web-ingress', 'web-internal'] }, [shop(), second]);
    const writes = await router.setWeight(30);
    assert.deepEqual(
      writes.map((w) => w.name),
      ['web-web-ingress-canary', 'web-web-internal-canary'],
    );
    assert.equal(annotations('web-web-internal-canary')[`${P}/canary-weight`], '30');
    assert.equal(await router.verifyWeight?.(30), true);
  });

  it('follows a change to the stable Ingress rules', async () => {
    const { kube, router, canary } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    await router.setWeight(20);
    kube.put(stableIngress('web-ingress', { 'shop.example.com': 'web-stable', 'm.shop.example.com': 'web-stable' }));
    await router.setWeight(20);
    const spec = canary()?.spec as { rules: { host: string }[] };
    assert.deepEqual(
      spec.rules.map((r) => r.host),
      ['shop.example.com', 'm.shop.example.com'],
    );
  });

  it('guards patches with the resourceVersion it read', async () => {
    const { kube, router } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    await router.setWeight(10);
    const rv = kube.read(V1, 'Ingress', NAMESPACE, 'web-web-ingress-canary')?.metadata.resourceVersion;
    await router.setWeight(20);
    const patch = kube.writesOf('patch')[0]?.patch as { metadata: { resourceVersion: string } };
    assert.equal(patch.metadata.resourceVersion, rv);
  });

  it('carries on with a patch when another pass created the canary Ingress first', async () => {
    const { kube, router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    await router.setWeight(5);
    // A cache that has not seen the canary yet: the first read misses it and the create collides.
    let misses = 1;
    const lagging: TrafficKube = {
      get: async (apiVersion, kind, ns, name) =>
        name === 'web-web-ingress-canary' && misses-- > 0 ? null : kube.get(apiVersion, kind, ns, name),
      create: (obj) => kube.create(obj),
      patch: (apiVersion, kind, ns, name, patch) => kube.patch(apiVersion, kind, ns, name, patch),
      delete: (apiVersion, kind, ns, name) => kube.delete(apiVersion, kind, ns, name),
    };
    const nginx = { stableIngress: 'web-ingress' };
    const writes = await createNginxRouter(routingTarget(rollout({ nginx })), nginx, lagging).setWeight(15);
    assert.deepEqual(
      writes.map((w) => w.verb),
      ['patch'],
    );
    assert.equal(annotations()[`${P}/canary-weight`], '15');
  });

  it('verifyWeight reads the canary Ingress back', async () => {
    const { kube, router } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    assert.equal(await router.verifyWeight?.(0), false, 'no canary Ingress yet');
    await router.setWeight(40);
    assert.equal(await router.verifyWeight?.(40), true);
    assert.equal(await router.verifyWeight?.(60), false);
    const canary = kube.read(V1, 'Ingress', NAMESPACE, 'web-web-ingress-canary') as StoredObject;
    canary.metadata.annotations = { ...canary.metadata.annotations, [`${P}/canary-weight`]: '0' };
    kube.put(canary);
    assert.equal(await router.verifyWeight?.(40), false, 'someone reset the weight');
  });

  it('writes canary-weight-total with maxTrafficWeight', async () => {
    const { router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()], { maxTrafficWeight: 1000 });
    await router.setWeight(125);
    assert.equal(annotations()[`${P}/canary-weight-total`], '1000');
    assert.equal(await router.verifyWeight?.(125), true);
  });

  it('cannot mirror or route by pod hash', () => {
    const { router } = setup({ stableIngress: 'web-ingress' }, [shop()]);
    assert.equal(router.type, 'Nginx');
    assert.equal(router.setMirrorRoute, undefined);
    assert.equal(router.updateHash, undefined);
  });
});

describe('NGINX router: errors', () => {
  it('names the missing stable Ingress', async () => {
    const { router } = setup({ stableIngress: 'web-ingress' }, []);
    await rejects(router.setWeight(10), /stable Ingress shop\/web-ingress .* was not found/);
  });

  it('names the stable Ingress that does not route to the stable Service', async () => {
    const { router } = setup({ stableIngress: 'web-ingress' }, [stableIngress('web-ingress', { 'shop.example.com': 'other' })]);
    await rejects(router.setWeight(10), /ingress `web-ingress` has no rules using service web-stable backend/);
  });

  it('refuses to touch a canary Ingress another object controls', async () => {
    const foreign = stableIngress('web-web-ingress-canary', { 'shop.example.com': 'web-canary' });
    foreign.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'u', controller: true }];
    const { kube, router } = setup({ stableIngress: 'web-ingress' }, [shop(), foreign]);
    await rejects(router.setWeight(10), /canary ingress `web-web-ingress-canary` controlled by different object/);
    assert.equal(kube.writes.length, 0);
  });

  it('asks for stableIngress when neither field is set', async () => {
    const { router } = setup({}, [shop()]);
    await rejects(router.setWeight(10), /needs stableIngress or stableIngresses/);
  });

  it('passes on API errors other than "already exists"', async () => {
    const kube = new MemoryKube([shop()]);
    kube.create = async () => {
      throw new KubeStatusError(403, 'forbidden');
    };
    const router: TrafficRouter = createNginxRouter(
      routingTarget(rollout({ nginx: { stableIngress: 'web-ingress' } })),
      { stableIngress: 'web-ingress' },
      kube,
    );
    await assert.rejects(router.setWeight(10), /forbidden/);
  });
});

describe('NGINX router: header routes', () => {
  const nginx = {
    stableIngress: 'web-ingress',
    additionalIngressAnnotations: { 'canary-by-header': 'X-Static', 'canary-by-header-value': 'on' },
  };
  const beta = { name: 'beta-users', match: [{ headerName: 'X-Beta', headerValue: { exact: 'yes' } }] };
  const managedRoutes = [{ name: 'beta-users' }];

  it('sets the header route, keeps it through later weights and removes it with removeManagedRoutes', async () => {
    const { kube, router, annotations } = setup(nginx, [shop()], { managedRoutes });
    await router.setWeight(10);
    await router.setHeaderRoute?.(beta);
    assert.equal(annotations()[`${P}/canary-by-header`], 'X-Beta');
    assert.equal(annotations()[`${P}/canary-by-header-value`], 'yes');
    assert.equal(annotations()[`${P}/canary-weight`], '10', 'the header route keeps the weight');

    await router.setWeight(30);
    assert.equal(annotations()[`${P}/canary-by-header`], 'X-Beta', 'setWeight keeps the header route');
    assert.equal(annotations()[`${P}/canary-weight`], '30');

    const before = kube.writes.length;
    assert.deepEqual(await router.setHeaderRoute?.(beta), []);
    assert.equal(kube.writes.length, before, 'setting the same header route again writes nothing');

    const removed = await router.removeManagedRoutes?.();
    assert.equal(removed?.length, 1);
    assert.equal(annotations()[`${P}/canary-by-header`], 'X-Static', 'the configured annotations come back');
    assert.equal(annotations()[`${P}/canary-by-header-value`], 'on');
    assert.equal(annotations()['rollouts.argoproj.io/managed-header-route'], undefined);
    assert.equal(annotations()[`${P}/canary-weight`], '30');
    assert.deepEqual(await router.removeManagedRoutes?.(), [], 'nothing left to remove');
  });

  it('creates the canary Ingress at weight 0 when the header route comes first', async () => {
    const { router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()], { managedRoutes });
    const writes = await router.setHeaderRoute?.(beta);
    assert.equal(writes?.[0]?.verb, 'create');
    assert.equal(annotations()[`${P}/canary-weight`], '0');
    assert.equal(annotations()[`${P}/canary-by-header`], 'X-Beta');
  });

  it('a setHeaderRoute step without match removes only the route of that name', async () => {
    const { router, annotations } = setup({ stableIngress: 'web-ingress' }, [shop()], { managedRoutes });
    await router.setHeaderRoute?.(beta);
    assert.deepEqual(await router.setHeaderRoute?.({ name: 'other-route' }), []);
    assert.equal(annotations()[`${P}/canary-by-header`], 'X-Beta');
    const writes = await router.setHeaderRoute?.({ name: 'beta-users' });
    assert.equal(writes?.length, 1);
    assert.equal(annotations()[`${P}/canary-by-header`], undefined);
    assert.equal(annotations()[`${P}/canary-by-header-value`], undefined);
  });
});
