import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApisixRouteObject } from '../../../controller/traffic/apisix/render.ts';
import { createApisixRouter } from '../../../controller/traffic/apisix/router.ts';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { ApisixTrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, ROLLOUT_UID, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

const V2 = 'apisix.apache.org/v2';
const backend = (serviceName: string, weight: number) => ({ serviceName, servicePort: 80, weight });

function apisixRoute(name: string, extra: Partial<StoredObject> = {}): StoredObject {
  return {
    apiVersion: V2,
    kind: 'ApisixRoute',
    metadata: { name, namespace: NAMESPACE, labels: { team: 'shop' } },
    spec: { http: [{ name: 'main', match: { paths: ['/*'] }, backends: [backend('web-stable', 100), backend('web-canary', 0)] }] },
    ...extra,
  };
}

function setup(apisix: ApisixTrafficRouting, objects: StoredObject[], managedRoutes = [{ name: 'header' }]) {
  const kube = new MemoryKube(objects);
  const router = createApisixRouter(routingTarget(rollout({ apisix, managedRoutes })), apisix, kube);
  const read = (name: string) => kube.read(V2, 'ApisixRoute', NAMESPACE, name) as ApisixRouteObject | undefined;
  const weights = (name: string) => (read(name)?.spec?.http ?? []).map((r) => (r.backends as Array<{ weight: number }>).map((b) => b.weight));
  return { kube, router, read, weights };
}

const config: ApisixTrafficRouting = { route: { name: 'web', rules: ['main'] } };
const step = { name: 'header', match: [{ headerName: 'x-canary', headerValue: { exact: 'true' } }] };

describe('APISIX router', () => {
  it('is built by the registry from trafficRouting.apisix, with header routes but no mirror routes or hashes', () => {
    const [router] = newTrafficRouters(rollout({ apisix: config }), new MemoryKube());
    assert.equal(router?.type, 'Apisix');
    assert.equal(typeof router?.setHeaderRoute, 'function');
    assert.equal(router?.setMirrorRoute, undefined);
    assert.equal(router?.updateHash, undefined);
  });

  it('patches the backend weights of the named rule, reads them back, and writes nothing when they hold', async () => {
    const { kube, router, weights } = setup(config, [apisixRoute('web')]);
    assert.deepEqual(await router.setWeight(25), [
      { verb: 'patch', apiVersion: V2, kind: 'ApisixRoute', namespace: NAMESPACE, name: 'web', reason: 'UpdatedApisixRoute', message: "ApisixRoute `web` set to desiredWeight '25'" },
    ]);
    assert.deepEqual(weights('web'), [[75, 25]]);
    assert.ok((kube.writes[0]?.patch?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion, 'guarded by the resourceVersion read');
    assert.equal(await router.verifyWeight!(25), true);
    assert.equal(await router.verifyWeight!(50), false);
    assert.deepEqual(await router.setWeight(25), []);
  });

  it('names the missing ApisixRoute', async () => {
    const { router } = setup(config, []);
    await assert.rejects(router.setWeight(10), (err: unknown) => err instanceof TrafficRoutingError && /ApisixRoute shop\/web not found/.test(err.message));
  });

  it('setHeaderRoute creates an ApisixRoute named after the managed route, owned by the Rollout; a step without match deletes it', async () => {
    const { router, read, weights } = setup(config, [apisixRoute('web')]);
    await router.setWeight(20);
    const writes = await router.setHeaderRoute!(step);
    assert.deepEqual(writes.map((w) => [w.verb, w.name, w.reason]), [['create', 'header', 'CreatedApisixRoute']]);
    const header = read('header');
    assert.deepEqual(header?.metadata.labels, { team: 'shop' }, 'labels are copied from the Rollout\'s route');
    assert.deepEqual(header?.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['Rollout', 'web', ROLLOUT_UID, true]]);
    assert.deepEqual(header?.spec?.http, [
      {
        name: 'main',
        priority: 1,
        match: { paths: ['/*'], exprs: [{ subject: { scope: 'Header', name: 'x-canary' }, op: 'Equal', value: 'true' }] },
        backends: [backend('web-canary', 100)],
      },
    ]);
    assert.deepEqual(weights('web'), [[80, 20]], 'the Rollout\'s route keeps its split');
    assert.deepEqual(await router.setHeaderRoute!(step), [], 'a repeated step writes nothing');

    const changed = await router.setHeaderRoute!({ name: 'header', match: [{ headerName: 'x-beta', headerValue: { regex: 'on|yes' } }] });
    assert.deepEqual(changed.map((w) => w.verb), ['patch']);
    assert.equal(read('header')?.spec?.http?.[0]?.priority, 1, 'no second priority bump');
    assert.deepEqual(read('header')?.spec?.http?.[0]?.match?.exprs, [{ subject: { scope: 'Header', name: 'x-beta' }, op: 'RegexMatch', value: 'on|yes' }]);

    assert.deepEqual((await router.setHeaderRoute!({ name: 'header' })).map((w) => [w.verb, w.name]), [['delete', 'header']]);
    assert.equal(read('header'), undefined);
    assert.deepEqual(await router.setHeaderRoute!({ name: 'header' }), []);
  });

  it('refuses to take over an ApisixRoute of the managed route\'s name that the Rollout does not control', async () => {
    const { router, read } = setup(config, [apisixRoute('web'), apisixRoute('header')]);
    await assert.rejects(router.setHeaderRoute!(step), /duplicate ApisixRoute \[header\] already exists/);
    await assert.rejects(router.setHeaderRoute!({ name: 'header' }), /duplicate ApisixRoute \[header\] already exists/);
    assert.deepEqual(await router.removeManagedRoutes!(), [], 'removeManagedRoutes leaves it too');
    assert.ok(read('header'));
  });

  it('removeManagedRoutes deletes the header routes the Rollout controls', async () => {
    const { router, read } = setup(config, [apisixRoute('web')], [{ name: 'header' }, { name: 'never-set' }]);
    await router.setHeaderRoute!(step);
    assert.deepEqual((await router.removeManagedRoutes!()).map((w) => [w.verb, w.name]), [['delete', 'header']]);
    assert.equal(read('header'), undefined);
    assert.ok(read('web'));
    assert.deepEqual(await router.removeManagedRoutes!(), []);
  });

  it('without rules, weights the rule named as the route', async () => {
    const route = apisixRoute('web');
    (route.spec as { http: Array<{ name: string }> }).http[0]!.name = 'web';
    const { router, weights } = setup({ route: { name: 'web' } }, [route]);
    await router.setWeight(60);
    assert.deepEqual(weights('web'), [[40, 60]]);
  });

  it('refuses a configuration without route, which Argo dereferences', () => {
    assert.throws(() => createApisixRouter(routingTarget(rollout({ apisix: {} })), {}, new MemoryKube()), /apisix\.route\.name is required/);
  });
});
