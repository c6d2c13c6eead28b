import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppMeshTrafficRouting } from '../../../controller/api/traffic.ts';
import { createAppMeshRouter } from '../../../controller/traffic/appmesh/router.ts';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import { NAMESPACE, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

const API = 'appmesh.k8s.aws/v1beta2';
const CONFIG: AppMeshTrafficRouting = {
  virtualService: { name: 'web', routes: ['primary'] },
  virtualNodeGroup: { canaryVirtualNodeRef: { name: 'web-canary' }, stableVirtualNodeRef: { name: 'web-stable' } },
};

const targets = (stable: number, canary: number) => [
  { virtualNodeRef: { name: 'web-stable' }, weight: stable },
  { virtualNodeRef: { name: 'web-canary' }, weight: canary },
];

function meshObjects(apiVersion = API): StoredObject[] {
  const node = (name: string) => ({
    apiVersion,
    kind: 'VirtualNode',
    metadata: { name, namespace: NAMESPACE },
    spec: { podSelector: { matchLabels: { app: 'web' } }, listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
  });
  return [
    { apiVersion, kind: 'VirtualService', metadata: { name: 'web', namespace: NAMESPACE }, spec: { provider: { virtualRouter: { virtualRouterRef: { name: 'web-router' } } } } },
    {
      apiVersion,
      kind: 'VirtualRouter',
      metadata: { name: 'web-router', namespace: NAMESPACE },
      spec: {
        routes: [
          { name: 'primary', httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets(100, 0) } } },
          { name: 'admin', httpRoute: { match: { prefix: '/admin' }, action: { weightedTargets: targets(100, 0) } } },
        ],
      },
    },
    node('web-stable'),
    node('web-canary'),
  ];
}

function setup(objects = meshObjects(), config = CONFIG, apiVersion?: string) {
  const kube = new MemoryKube(objects);
  const router = createAppMeshRouter(routingTarget(rollout({ appMesh: config })), config, kube, { apiVersion });
  const routeWeights = () =>
    ((kube.read(API, 'VirtualRouter', NAMESPACE, 'web-router')?.spec as { routes: Array<{ httpRoute: { action: { weightedTargets: Array<{ weight: number }> } } }> }).routes).map((r) =>
      r.httpRoute.action.weightedTargets.map((t) => t.weight),
    );
  const selector = (name: string) => (kube.read(API, 'VirtualNode', NAMESPACE, name)?.spec as { podSelector: unknown }).podSelector;
  return { kube, router, routeWeights, selector };
}

describe('App Mesh router', () => {
  it('is built by the registry for trafficRouting.appMesh, at the configured CRD version', async () => {
    const kube = new MemoryKube(meshObjects('appmesh.k8s.aws/v1beta1'));
    const routers = newTrafficRouters(rollout({ appMesh: CONFIG }), kube, { appMesh: { apiVersion: 'appmesh.k8s.aws/v1beta1' } });
    assert.deepEqual(routers.map((r) => r.type), ['AppMesh']);
    const writes = await routers[0]!.setWeight(10);
    assert.equal(writes[0]?.apiVersion, 'appmesh.k8s.aws/v1beta1');
  });

  it('sets the weights of the named route, reports the write and writes nothing when they are already set', async () => {
    const { kube, router, routeWeights } = setup();
    const writes = await router.setWeight(25);
    assert.deepEqual(writes, [
      { verb: 'patch', apiVersion: API, kind: 'VirtualRouter', namespace: NAMESPACE, name: 'web-router', reason: 'UpdatedVirtualRouter', message: "VirtualRouter `web-router` set to desiredWeight '25'" },
    ]);
    assert.deepEqual(routeWeights(), [[75, 25], [100, 0]], 'the admin route is not named, so it keeps its weights');
    assert.ok((kube.writes[0]?.patch?.metadata as { resourceVersion?: string }).resourceVersion, 'the patch is guarded by the resourceVersion read');
    assert.deepEqual(await router.setWeight(25), []);
  });

  it('verifies by reading the VirtualRouter back', async () => {
    const { kube, router } = setup();
    assert.equal(await router.verifyWeight!(25), false);
    await router.setWeight(25);
    assert.equal(await router.verifyWeight!(25), true);
    const vr = kube.read(API, 'VirtualRouter', NAMESPACE, 'web-router')!;
    (vr.spec as { routes: Array<{ httpRoute: { action: { weightedTargets: Array<{ weight: number }> } } }> }).routes[0]!.httpRoute.action.weightedTargets[1]!.weight = 5;
    kube.put(vr);
    assert.equal(await router.verifyWeight!(25), false, 'an edit since is seen');
  });

  it('points the VirtualNodes at the pod-template hashes, stable first, and marks them managed', async () => {
    const { router, selector, kube } = setup();
    const writes = await router.updateHash!('canary1', 'stable1');
    assert.deepEqual(writes.map((w) => `${w.reason} ${w.name}`), ['UpdatedVirtualNode web-stable', 'UpdatedVirtualNode web-canary']);
    assert.deepEqual(selector('web-stable'), { matchLabels: { app: 'web', 'rollouts-pod-template-hash': 'stable1' } });
    assert.deepEqual(selector('web-canary'), { matchLabels: { app: 'web', 'rollouts-pod-template-hash': 'canary1' } });
    assert.equal(kube.read(API, 'VirtualNode', NAMESPACE, 'web-canary')?.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], 'web');
    assert.deepEqual(await router.updateHash!('canary1', 'stable1'), [], 'nothing to write the second time');
    await router.updateHash!('stable1', 'stable1');
    assert.deepEqual(selector('web-canary'), { matchLabels: { app: 'web', 'rollouts-pod-template-hash': 'canary-hash' } }, 'fully promoted: the canary node selects no pods');
  });

  it('has no header or mirror routes', () => {
    const { router } = setup();
    assert.equal(router.setHeaderRoute, undefined);
    assert.equal(router.setMirrorRoute, undefined);
  });

  const missing: Array<[string, (objects: StoredObject[]) => StoredObject[], RegExp]> = [
    ['VirtualService', (o) => o.filter((x) => x.kind !== 'VirtualService'), /VirtualService `web` not found in namespace `shop`/],
    ['VirtualRouter', (o) => o.filter((x) => x.kind !== 'VirtualRouter'), /VirtualRouter `web-router` not found in namespace `shop`/],
  ];
  for (const [kind, drop, message] of missing) {
    it(`fails naming a missing ${kind}`, async () => {
      const { router } = setup(drop(meshObjects()));
      await assert.rejects(router.setWeight(10), (err: unknown) => err instanceof TrafficRoutingError && message.test(err.message) && err.object?.kind === kind);
    });
  }

  it('fails naming a missing VirtualNode', async () => {
    const { router } = setup(meshObjects().filter((o) => o.metadata.name !== 'web-canary'));
    await assert.rejects(router.updateHash!('a', 'b'), /VirtualNode `web-canary` not found in namespace `shop`/);
  });

  it('refuses a configuration without a VirtualService or VirtualNodes', () => {
    const kube = new MemoryKube();
    assert.throws(() => createAppMeshRouter(routingTarget(rollout({ appMesh: {} })), {}, kube), /appMesh\.virtualService: must provide virtual-service/);
    const noNodes = { virtualService: { name: 'web' } };
    assert.throws(() => createAppMeshRouter(routingTarget(rollout({ appMesh: noNodes })), noNodes, kube), /appMesh\.virtualNodeGroup/);
  });
});
