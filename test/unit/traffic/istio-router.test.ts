import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createIstioRouter } from '../../../controller/traffic/istio/router.ts';
import type { HTTPRoute, VirtualService } from '../../../controller/traffic/istio/virtual-service.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { IstioTrafficRouting, RolloutTrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

const V1B1 = 'networking.istio.io/v1beta1';

function virtualService(name: string, http: HTTPRoute[], namespace = NAMESPACE, apiVersion = V1B1): StoredObject {
  return { apiVersion, kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: ['web'], http } };
}

const hostRoutes = (): HTTPRoute[] => [
  {
    name: 'primary',
    route: [
      { destination: { host: 'web-stable' }, weight: 100 },
      { destination: { host: 'web-canary' }, weight: 0 },
    ],
  },
];

const subsetRoutes = (): HTTPRoute[] => [
  {
    name: 'primary',
    route: [
      { destination: { host: 'web', subset: 'stable' }, weight: 100 },
      { destination: { host: 'web', subset: 'canary' }, weight: 0 },
    ],
  },
];

const destinationRule: StoredObject = {
  apiVersion: V1B1,
  kind: 'DestinationRule',
  metadata: { name: 'web-dr', namespace: NAMESPACE },
  spec: { host: 'web.shop.svc.cluster.local', subsets: [{ name: 'stable', labels: { app: 'web' } }, { name: 'canary', labels: { app: 'web' } }] },
};

function setup(istio: IstioTrafficRouting, objects: StoredObject[], extra: Partial<RolloutTrafficRouting> = {}) {
  const kube = new MemoryKube(objects);
  const router = createIstioRouter(routingTarget(rollout({ istio, ...extra })), istio, kube);
  const http = (name = 'web-vs', namespace = NAMESPACE) =>
    (kube.read(V1B1, 'VirtualService', namespace, name) as VirtualService | undefined)?.spec?.http ?? [];
  const weights = (name?: string, namespace?: string) =>
    http(name, namespace)
      .find((r) => r.name === 'primary')
      ?.route?.map((d) => d.weight);
  return { kube, router, http, weights };
}

describe('Istio router: weights', () => {
  it('patches the named route and reports it with Argo\'s event', async () => {
    const { kube, router, weights } = setup({ virtualService: { name: 'web-vs', routes: ['primary'] } }, [virtualService('web-vs', hostRoutes())]);
    const writes = await router.setWeight(10);
    assert.deepEqual(writes, [
      {
        verb: 'patch',
        apiVersion: V1B1,
        kind: 'VirtualService',
        namespace: NAMESPACE,
        name: 'web-vs',
        reason: 'Updated VirtualService',
        message: "VirtualService `web-vs` set to desiredWeight '10'",
      },
    ]);
    assert.deepEqual(weights(), [90, 10]);
    const patch = kube.writesOf('patch')[0]?.patch as { metadata?: { resourceVersion?: string }; spec?: { hosts?: unknown } };
    assert.ok(patch.metadata?.resourceVersion, 'the patch is guarded by the resourceVersion read');
    assert.equal(patch.spec?.hosts, undefined, 'only what changed is sent');
  });

  it('writes nothing when the weights are already there', async () => {
    const { kube, router } = setup({ virtualService: { name: 'web-vs' } }, [virtualService('web-vs', hostRoutes())]);
    assert.deepEqual(await router.setWeight(0), []);
    await router.setWeight(30);
    assert.deepEqual(await router.setWeight(30), []);
    assert.equal(kube.writes.length, 1);
  });

  it('updates every VirtualService, including one in another namespace', async () => {
    const { router, weights } = setup(
      { virtualServices: [{ name: 'web-vs', routes: ['primary'] }, { name: 'edge-vs.mesh-gateways', routes: ['primary'] }] },
      [virtualService('web-vs', hostRoutes()), virtualService('edge-vs', hostRoutes(), 'mesh-gateways')],
    );
    const writes = await router.setWeight(60);
    assert.deepEqual(
      writes.map((w) => `${w.namespace}/${w.name}`),
      ['shop/web-vs', 'mesh-gateways/edge-vs'],
    );
    assert.deepEqual(weights(), [40, 60]);
    assert.deepEqual(weights('edge-vs', 'mesh-gateways'), [40, 60]);
  });

  it('keeps the apiVersion of the object it read', async () => {
    const { kube, router } = setup({ virtualService: { name: 'web-vs' } }, [virtualService('web-vs', hostRoutes(), NAMESPACE, 'networking.istio.io/v1alpha3')]);
    const writes = await router.setWeight(20);
    assert.equal(writes[0]?.apiVersion, 'networking.istio.io/v1alpha3');
    assert.equal(kube.read(V1B1, 'VirtualService', NAMESPACE, 'web-vs')?.apiVersion, 'networking.istio.io/v1alpha3');
  });

  it('verifyWeight reads the VirtualService back', async () => {
    const { kube, router } = setup({ virtualService: { name: 'web-vs' } }, [virtualService('web-vs', hostRoutes())]);
    assert.equal(await router.verifyWeight?.(0), true);
    assert.equal(await router.verifyWeight?.(25), false);
    await router.setWeight(25);
    assert.equal(await router.verifyWeight?.(25), true);
    kube.put(virtualService('web-vs', hostRoutes()));
    assert.equal(await router.verifyWeight?.(25), false, 'someone reset the weights');
  });

  it('sends traffic to additional destinations and takes it back', async () => {
    const { router, http } = setup({ virtualService: { name: 'web-vs' } }, [virtualService('web-vs', hostRoutes())]);
    await router.setWeight(20, [{ serviceName: 'web-exp', weight: 10, podTemplateHash: 'e' }]);
    assert.deepEqual(
      http()[0]?.route?.map((d) => [d.destination?.host, d.weight]),
      [
        ['web-stable', 70],
        ['web-canary', 20],
        ['web-exp', 10],
      ],
    );
    assert.equal(await router.verifyWeight?.(20, [{ serviceName: 'web-exp', weight: 10 }]), true);
    await router.setWeight(20);
    assert.deepEqual(
      http()[0]?.route?.map((d) => [d.destination?.host, d.weight]),
      [
        ['web-stable', 80],
        ['web-canary', 20],
      ],
    );
  });

  it('host-level routing has no updateHash', () => {
    const { router } = setup({ virtualService: { name: 'web-vs' } }, []);
    assert.equal(router.type, 'Istio');
    assert.equal(router.updateHash, undefined);
  });
});

describe('Istio router: errors', () => {
  it('names the missing VirtualService', async () => {
    const { router } = setup({ virtualService: { name: 'web-vs.mesh' } }, []);
    await assert.rejects(
      router.setWeight(10),
      (err: unknown) => err instanceof TrafficRoutingError && /VirtualService `mesh\/web-vs` not found/.test(err.message) && err.object?.namespace === 'mesh',
    );
  });

  it('names a route listed in the Rollout but absent from the VirtualService, and writes nothing', async () => {
    const { kube, router } = setup(
      { virtualServices: [{ name: 'web-vs', routes: ['primary'] }, { name: 'api-vs', routes: ['api'] }] },
      [virtualService('web-vs', hostRoutes()), virtualService('api-vs', hostRoutes())],
    );
    await assert.rejects(router.setWeight(10), /VirtualService shop\/api-vs: HTTP Route 'api' is not found/);
    assert.deepEqual(kube.writesOf('patch').map((w) => w.name), ['web-vs'], 'the VirtualService before the bad one was updated');
  });

  it('refuses a Rollout without VirtualServices or host-level without Services', () => {
    assert.throws(() => setup({}, []), /needs virtualService or virtualServices/);
    const istio = { virtualService: { name: 'web-vs' } };
    const kube = new MemoryKube();
    assert.throws(
      () => createIstioRouter(routingTarget(rollout({ istio }, { stable: '', canary: '' })), istio, kube),
      /host-level Istio routing needs spec.strategy.canary.stableService and canaryService/,
    );
  });

  it('names the missing DestinationRule', async () => {
    const { router } = setup(
      { virtualService: { name: 'web-vs' }, destinationRule: { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' } },
      [virtualService('web-vs', subsetRoutes())],
    );
    await assert.rejects(router.updateHash?.('c', 's') ?? Promise.resolve(), /DestinationRule `shop\/web-dr` not found/);
  });
});

describe('Istio router: subset-level', () => {
  const istio: IstioTrafficRouting = {
    virtualService: { name: 'web-vs', routes: ['primary'] },
    destinationRule: { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
  };

  it('updateHash labels the subsets once, then writes nothing', async () => {
    const { kube, router } = setup(istio, [virtualService('web-vs', subsetRoutes()), destinationRule]);
    const writes = await router.updateHash?.('c4n4ry', '5t4b1e');
    assert.deepEqual(writes?.map((w) => [w.kind, w.reason, w.message]), [
      ['DestinationRule', 'UpdatedDestinationRule', 'DestinationRule web-dr subset updated (canary: c4n4ry, stable: 5t4b1e)'],
    ]);
    const dr = kube.read(V1B1, 'DestinationRule', NAMESPACE, 'web-dr') as StoredObject & { spec: { subsets: { name: string; labels: Record<string, string> }[] } };
    assert.deepEqual(
      dr.spec.subsets.map((s) => [s.name, s.labels['rollouts-pod-template-hash']]),
      [
        ['stable', '5t4b1e'],
        ['canary', 'c4n4ry'],
      ],
    );
    assert.equal(dr.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], 'web');
    assert.deepEqual(await router.updateHash?.('c4n4ry', '5t4b1e'), []);
  });

  it('weights subsets and routes headers to the DestinationRule host', async () => {
    const { router, http, weights } = setup(istio, [virtualService('web-vs', subsetRoutes()), destinationRule], {
      managedRoutes: [{ name: 'beta' }],
    });
    await router.setWeight(15);
    assert.deepEqual(weights(), [85, 15]);
    await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: '1' } }] });
    assert.deepEqual(http()[0], {
      name: 'beta',
      match: [{ headers: { 'x-beta': { exact: '1' } } }],
      route: [{ destination: { host: 'web.shop.svc.cluster.local', subset: 'canary' }, weight: 100 }],
    });
  });
});

describe('Istio router: managed routes', () => {
  const istio: IstioTrafficRouting = { virtualServices: [{ name: 'web-vs', routes: ['primary'] }, { name: 'edge-vs', routes: ['primary'] }] };
  const managedRoutes = [{ name: 'beta' }, { name: 'mirror' }];
  const objects = () => [virtualService('web-vs', hostRoutes()), virtualService('edge-vs', hostRoutes())];

  it('sets header and mirror routes on every VirtualService, keeps them through weights and removes them', async () => {
    const { kube, router, http } = setup(istio, objects(), { managedRoutes });
    await router.setWeight(20);
    const weighted = http();

    const headerWrites = await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-beta', headerValue: { prefix: 'y' } }] });
    assert.deepEqual(headerWrites?.map((w) => w.message), [
      "VirtualService `web-vs` set headerRoute 'beta'",
      "VirtualService `edge-vs` set headerRoute 'beta'",
    ]);
    const mirrorWrites = await router.setMirrorRoute?.({ name: 'mirror', percentage: 50, match: [{ method: { exact: 'GET' } }] });
    assert.deepEqual(mirrorWrites?.map((w) => w.message), [
      "VirtualService `web-vs` set mirrorRoute 'mirror'",
      "VirtualService `edge-vs` set mirrorRoute 'mirror'",
    ]);
    for (const name of ['web-vs', 'edge-vs']) {
      assert.deepEqual(
        http(name).map((r) => r.name),
        ['beta', 'mirror', 'primary'],
      );
    }

    await router.setWeight(50);
    assert.deepEqual(
      http()[1]?.route?.map((d) => d.weight),
      [50, 50],
      'the mirror route follows the weight',
    );
    assert.equal(await router.verifyWeight?.(50), true);

    const before = kube.writes.length;
    assert.deepEqual(await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'x-beta', headerValue: { prefix: 'y' } }] }), []);
    assert.equal(kube.writes.length, before, 'the same header route again writes nothing');

    const removed = await router.removeManagedRoutes?.();
    assert.deepEqual(removed?.map((w) => w.message), [
      'VirtualService `web-vs` removed all managed routes.',
      'VirtualService `edge-vs` removed all managed routes.',
    ]);
    assert.deepEqual(
      http().map((r) => r.name),
      ['primary'],
    );
    await router.setWeight(20);
    assert.deepEqual(http(), weighted, 'the original routes are back as they were');
    assert.deepEqual(await router.removeManagedRoutes?.(), [], 'nothing left to remove');
  });
});
