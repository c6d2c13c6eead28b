import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  renderRouterWeights,
  renderVirtualNodeHash,
  virtualNodeHashes,
  virtualRouterRef,
  type AppMeshObject,
} from '../../../controller/traffic/appmesh/render.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';

const API = 'appmesh.k8s.aws/v1beta2';
const NODES = { namespace: 'shop', stable: 'web-stable', canary: 'web-canary' };

const target = (name: string, weight: unknown, namespace?: string) => ({ virtualNodeRef: namespace ? { name, namespace } : { name }, weight });
const route = (name: string, type: string, targets: unknown[]) => ({ name, [type]: { match: { prefix: '/' }, action: { weightedTargets: targets } } });

function router(routes: unknown[]): AppMeshObject {
  return { apiVersion: API, kind: 'VirtualRouter', metadata: { name: 'web-router', namespace: 'shop' }, spec: { listeners: [{ portMapping: { port: 80, protocol: 'http' } }], routes } };
}

const weightsOf = (vr: AppMeshObject) =>
  (vr.spec?.routes as Array<Record<string, { action: { weightedTargets: Array<{ virtualNodeRef: { name: string }; weight: number }> } }>>).map((r) => {
    const rule = Object.values(r).find((v) => typeof v === 'object')!;
    return rule.action.weightedTargets.map((t) => `${t.virtualNodeRef.name}=${t.weight}`);
  });

describe('App Mesh render: VirtualRouter weights', () => {
  it('puts the weight on the canary VirtualNode and the rest on the stable one, in every route kind', () => {
    const vr = router(['httpRoute', 'tcpRoute', 'http2Route', 'grpcRoute'].map((type, i) => route(`r${i}`, type, [target('web-stable', 100), target('web-canary', 0)])));
    const out = renderRouterWeights(vr, NODES, [], 30, 100);
    assert.deepEqual(weightsOf(out), Array.from({ length: 4 }, () => ['web-stable=70', 'web-canary=30']));
    assert.deepEqual(weightsOf(vr)[0], ['web-stable=100', 'web-canary=0'], 'the object read is left as it was');
  });

  it('edits only the named routes when routes are listed', () => {
    const vr = router([route('primary', 'httpRoute', [target('web-stable', 100), target('web-canary', 0)]), route('other', 'httpRoute', [target('web-stable', 100), target('web-canary', 0)])]);
    assert.deepEqual(weightsOf(renderRouterWeights(vr, NODES, ['primary'], 50, 100)), [['web-stable=50', 'web-canary=50'], ['web-stable=100', 'web-canary=0']]);
  });

  it('leaves targets of other VirtualNodes, and of the same names in another namespace, alone', () => {
    const vr = router([route('r', 'httpRoute', [target('web-stable', 90), target('web-canary', 10, 'other'), target('legacy', 5), target('web-canary', 0, 'shop')])]);
    assert.deepEqual(weightsOf(renderRouterWeights(vr, NODES, [], 20, 100)), [['web-stable=80', 'web-canary=10', 'legacy=5', 'web-canary=20']]);
  });

  it('splits maxTrafficWeight', () => {
    const vr = router([route('r', 'httpRoute', [target('web-stable', 100), target('web-canary', 0)])]);
    assert.deepEqual(weightsOf(renderRouterWeights(vr, NODES, [], 40, 50)), [['web-stable=10', 'web-canary=40']]);
  });

  const malformed: Array<[string, unknown[] | undefined, RegExp]> = [
    ['no routes', undefined, /spec\.routes: No routes found/],
    ['a route without a name', [{ httpRoute: { action: { weightedTargets: [] } } }], /spec\.routes\[0\]\.name: not well-formed/],
    ['a route kind that cannot split', [{ name: 'r', tlsRoute: {} }], /spec\.routes\[0\]: not well-formed/],
    ['no weighted targets', [{ name: 'r', httpRoute: { action: {} } }], /spec\.routes\[0\]\.httpRoute\.action\.weightedTargets: not well-formed/],
    ['a target without virtualNodeRef', [route('r', 'httpRoute', [{ weight: 1 }])], /weightedTargets\[0\]\.virtualNodeRef: not well-formed/],
    ['a weight that is not a number', [route('r', 'httpRoute', [target('web-stable', '100')])], /weightedTargets\[0\]\.weight: not well-formed/],
  ];
  for (const [what, routes, message] of malformed) {
    it(`refuses a VirtualRouter with ${what}, naming the path`, () => {
      const vr: AppMeshObject = routes ? router(routes) : { apiVersion: API, kind: 'VirtualRouter', metadata: { name: 'web-router', namespace: 'shop' }, spec: {} };
      assert.throws(() => renderRouterWeights(vr, NODES, [], 10, 100), (err: unknown) => err instanceof TrafficRoutingError && message.test(err.message) && err.object?.name === 'web-router');
    });
  }
});

describe('App Mesh render: VirtualService and VirtualNodes', () => {
  const vs = (provider: unknown): AppMeshObject => ({ apiVersion: API, kind: 'VirtualService', metadata: { name: 'web', namespace: 'shop' }, spec: { provider } });

  it('finds the VirtualRouter a VirtualService names, in its own namespace unless another is given', () => {
    assert.deepEqual(virtualRouterRef(vs({ virtualRouter: { virtualRouterRef: { name: 'web-router' } } })), { namespace: 'shop', name: 'web-router' });
    assert.deepEqual(virtualRouterRef(vs({ virtualRouter: { virtualRouterRef: { name: 'r', namespace: 'mesh' } } })), { namespace: 'mesh', name: 'r' });
    assert.throws(() => virtualRouterRef(vs({ virtualNode: { virtualNodeRef: { name: 'n' } } })), /not associated with virtual-router/);
  });

  it('uses Argo\'s placeholders for a missing stable hash and a canary hash equal to it', () => {
    assert.deepEqual(virtualNodeHashes('abc', 'def'), { canary: 'abc', stable: 'def' });
    assert.deepEqual(virtualNodeHashes('abc', 'abc'), { canary: 'canary-hash', stable: 'abc' });
    assert.deepEqual(virtualNodeHashes('', ''), { canary: 'canary-hash', stable: 'stable-hash' });
    assert.deepEqual(virtualNodeHashes('abc', ''), { canary: 'abc', stable: 'stable-hash' });
  });

  it('sets the pod-template hash in the pod selector, keeps the other labels and marks the node managed', () => {
    const vn: AppMeshObject = {
      apiVersion: API,
      kind: 'VirtualNode',
      metadata: { name: 'web-canary', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, listeners: [{ portMapping: { port: 80, protocol: 'http' } }] },
    };
    const out = renderVirtualNodeHash(vn, 'web', 'abc');
    assert.deepEqual(out.spec?.podSelector, { matchLabels: { app: 'web', 'rollouts-pod-template-hash': 'abc' } });
    assert.equal(out.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], 'web');
    assert.deepEqual(out.spec?.listeners, vn.spec?.listeners);
    assert.deepEqual(renderVirtualNodeHash(out, 'web', '').spec?.podSelector, { matchLabels: { app: 'web' } });
    assert.deepEqual(renderVirtualNodeHash({ ...vn, spec: {} }, 'web', 'x').spec?.podSelector, { matchLabels: { 'rollouts-pod-template-hash': 'x' } });
  });
});
