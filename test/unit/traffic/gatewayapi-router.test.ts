import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayAPIConfig } from '../../../controller/api/gatewayapi.ts';
import type { GatewayRouteObject, RouteRule } from '../../../controller/traffic/gatewayapi/render.ts';
import { createGatewayAPIRouter } from '../../../controller/traffic/gatewayapi/router.ts';
import { newTrafficRouters } from '../../../controller/traffic/registry.ts';
import { TrafficRoutingError, type StoredObject } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { RolloutTrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, rollout } from './support/fixtures.ts';
import { MemoryKube } from './support/memory-kube.ts';

const V1 = 'gateway.networking.k8s.io/v1';
const V1A2 = 'gateway.networking.k8s.io/v1alpha2';
const PLUGIN = 'argoproj-labs/gatewayAPI';
const LABEL = 'rollouts.argoproj.io/gatewayapi-canary';

const ref = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: 80, weight });
const split = (): RouteRule => ({ backendRefs: [ref('web-stable', 100), ref('web-canary', 0)] });

function gatewayRoute(kind: string, name: string, rules: RouteRule[], namespace = NAMESPACE): StoredObject {
  return { apiVersion: kind === 'TCPRoute' ? V1A2 : V1, kind, metadata: { name, namespace }, spec: { parentRefs: [{ name: 'gw' }], rules } };
}

function setup(config: GatewayAPIConfig, objects: StoredObject[], extra: Partial<RolloutTrafficRouting> = {}) {
  const kube = new MemoryKube(objects);
  const router = createGatewayAPIRouter(routingTarget(rollout({ plugins: { [PLUGIN]: config }, ...extra })), config, kube);
  const read = (kind: string, name: string, namespace = NAMESPACE) =>
    kube.read(kind === 'TCPRoute' ? V1A2 : V1, kind, namespace, name) as GatewayRouteObject | undefined;
  const weights = (kind: string, name: string, namespace?: string) =>
    (read(kind, name, namespace)?.spec?.rules ?? []).map((r) => (r.backendRefs ?? []).map((b) => b.weight));
  return { kube, router, read, weights };
}

describe('Gateway API router: weights', () => {
  it('patches the HTTPRoute\'s split rules, labels it and reports the write', async () => {
    const { kube, router, weights, read } = setup({ httpRoute: 'web' }, [gatewayRoute('HTTPRoute', 'web', [split(), split()])]);
    const writes = await router.setWeight(20);
    assert.deepEqual(writes, [
      { verb: 'patch', apiVersion: V1, kind: 'HTTPRoute', namespace: NAMESPACE, name: 'web', reason: 'UpdatedHTTPRoute', message: "HTTPRoute `web` set to desiredWeight '20'" },
    ]);
    assert.deepEqual(weights('HTTPRoute', 'web'), [[80, 20], [80, 20]]);
    assert.equal(read('HTTPRoute', 'web')?.metadata.labels?.[LABEL], 'in-progress');
    assert.ok(kube.writes[0]?.patch?.metadata, 'the patch is guarded by the resourceVersion read');
    assert.deepEqual(await router.setWeight(20), [], 'a repeated weight writes nothing');
  });

  it('weights every named route: HTTP, GRPC and TCP, in the configured namespace', async () => {
    const { router, weights } = setup(
      { httpRoutes: [{ name: 'a' }, { name: 'b' }], grpcRoute: 'g', tcpRoutes: [{ name: 't' }], namespace: 'gateways' },
      [
        gatewayRoute('HTTPRoute', 'a', [split()], 'gateways'),
        gatewayRoute('HTTPRoute', 'b', [split()], 'gateways'),
        gatewayRoute('GRPCRoute', 'g', [split()], 'gateways'),
        gatewayRoute('TCPRoute', 't', [split()], 'gateways'),
      ],
    );
    const writes = await router.setWeight(40);
    assert.deepEqual(writes.map((w) => `${w.kind}/${w.namespace}/${w.name}`), ['HTTPRoute/gateways/a', 'HTTPRoute/gateways/b', 'GRPCRoute/gateways/g', 'TCPRoute/gateways/t']);
    for (const [kind, name] of [['HTTPRoute', 'a'], ['HTTPRoute', 'b'], ['GRPCRoute', 'g'], ['TCPRoute', 't']] as const) {
      assert.deepEqual(weights(kind, name, 'gateways'), [[60, 40]], `${kind} ${name}`);
    }
  });

  it('weight 0 removes the in-progress label; a custom label or none as configured', async () => {
    const custom = setup({ httpRoute: 'web', inProgressLabelKey: 'example.com/canary', inProgressLabelValue: 'yes' }, [gatewayRoute('HTTPRoute', 'web', [split()])]);
    await custom.router.setWeight(10);
    assert.deepEqual(custom.read('HTTPRoute', 'web')?.metadata.labels, { 'example.com/canary': 'yes' });
    await custom.router.setWeight(0);
    assert.deepEqual(custom.read('HTTPRoute', 'web')?.metadata.labels ?? {}, {});
    const off = setup({ httpRoute: 'web', disableInProgressLabel: true }, [gatewayRoute('HTTPRoute', 'web', [split()])]);
    await off.router.setWeight(10);
    assert.equal(off.read('HTTPRoute', 'web')?.metadata.labels, undefined);
  });

  it('verifyWeight reads the weights back', async () => {
    const { router } = setup({ httpRoute: 'web', tcpRoute: 't' }, [gatewayRoute('HTTPRoute', 'web', [split()]), gatewayRoute('TCPRoute', 't', [split()])]);
    assert.equal(await router.verifyWeight?.(30), false);
    await router.setWeight(30);
    assert.equal(await router.verifyWeight?.(30), true);
    assert.equal(await router.verifyWeight?.(50), false);
  });

  it('a missing route is a TrafficRoutingError naming it and where it is configured', async () => {
    const { router } = setup({ grpcRoute: 'gone' }, []);
    await assert.rejects(router.setWeight(10), (err: unknown) => {
      assert.ok(err instanceof TrafficRoutingError);
      assert.deepEqual(err.object, { kind: 'GRPCRoute', namespace: NAMESPACE, name: 'gone' });
      assert.equal(err.message, `GRPCRoute \`${NAMESPACE}/gone\` not found: create it or correct the name in spec.strategy.canary.trafficRouting.plugins[${PLUGIN}]`);
      return true;
    });
  });

  it('a route without the Services\' backendRefs is a TrafficRoutingError and is left as it was', async () => {
    const { kube, router } = setup({ httpRoute: 'web' }, [gatewayRoute('HTTPRoute', 'web', [{ backendRefs: [ref('other', 1)] }])]);
    await assert.rejects(router.setWeight(10), /HTTPRoute shop\/web: backendRef was not found/);
    assert.deepEqual(kube.writes, []);
  });
});

describe('Gateway API router: header routes', () => {
  const managedRoutes = [{ name: 'header' }];
  const step = { name: 'header', match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }] };

  it('adds, replaces and removes the header rule on routes that take header routes', async () => {
    const { router, read } = setup(
      { httpRoutes: [{ name: 'with', useHeaderRoutes: true }, { name: 'without' }], grpcRoute: 'g', tcpRoute: 't' },
      [gatewayRoute('HTTPRoute', 'with', [split()]), gatewayRoute('HTTPRoute', 'without', [split()]), gatewayRoute('GRPCRoute', 'g', [split()]), gatewayRoute('TCPRoute', 't', [split()])],
      { managedRoutes },
    );
    const writes = await router.setHeaderRoute?.(step);
    assert.deepEqual(writes?.map((w) => `${w.kind} ${w.name}: ${w.message}`), [
      "HTTPRoute with: HTTPRoute `with` set headerRoute 'header'",
      "GRPCRoute g: GRPCRoute `g` set headerRoute 'header'",
    ]);
    const names = (kind: string, name: string) => read(kind, name)?.spec?.rules?.map((r) => r.name ?? '-');
    assert.deepEqual(names('HTTPRoute', 'with'), ['-', 'header']);
    assert.deepEqual(names('HTTPRoute', 'without'), ['-']);
    assert.deepEqual(names('TCPRoute', 't'), ['-']);

    await router.setHeaderRoute?.({ name: 'header', match: [{ headerName: 'x-canary', headerValue: { regex: 'y.*' } }] });
    assert.deepEqual(read('HTTPRoute', 'with')?.spec?.rules?.[1]?.matches, [{ headers: [{ type: 'RegularExpression', name: 'x-canary', value: 'y.*' }] }]);

    await router.setWeight(30);
    assert.deepEqual(read('HTTPRoute', 'with')?.spec?.rules?.map((r) => r.backendRefs?.map((b) => b.weight)), [[70, 30], [undefined]], 'weights skip the header rule');
    assert.equal(await router.verifyWeight?.(30), true);

    const removed = await router.removeManagedRoutes?.();
    assert.deepEqual(removed?.map((w) => w.message), ['HTTPRoute `with` removed all managed routes.', 'GRPCRoute `g` removed all managed routes.']);
    assert.deepEqual(names('HTTPRoute', 'with'), ['-']);
    assert.deepEqual(await router.removeManagedRoutes?.(), [], 'nothing left to remove writes nothing');
  });

  it('a step without match removes that header route only', async () => {
    const { router, read } = setup({ httpRoute: 'web' }, [gatewayRoute('HTTPRoute', 'web', [split()])], { managedRoutes: [...managedRoutes, { name: 'other' }] });
    await router.setHeaderRoute?.(step);
    await router.setHeaderRoute?.({ ...step, name: 'other' });
    await router.setHeaderRoute?.({ name: 'header' });
    assert.deepEqual(read('HTTPRoute', 'web')?.spec?.rules?.map((r) => r.name ?? '-'), ['-', 'other']);
  });

  it('has no setMirrorRoute and no updateHash', () => {
    const { router } = setup({ httpRoute: 'web' }, []);
    assert.equal(router.setMirrorRoute, undefined);
    assert.equal(router.updateHash, undefined);
  });
});

describe('Gateway API router in the registry', () => {
  it('is built for the plugin key, after the built-in routers', () => {
    const routers = newTrafficRouters(rollout({ nginx: { stableIngress: 'web-ingress' }, plugins: { [PLUGIN]: { httpRoute: 'web' } } }), new MemoryKube());
    assert.deepEqual(routers.map((r) => r.type), ['Nginx', 'GatewayAPI']);
  });

  it('builds nothing for other plugins, and names the plugin when its configuration is unusable', () => {
    assert.deepEqual(newTrafficRouters(rollout({ plugins: { 'argoproj-labs/contour': {} } }), new MemoryKube()), []);
    assert.throws(() => newTrafficRouters(rollout({ plugins: { [PLUGIN]: { httpRoute: 7 } } }), new MemoryKube()), /plugins\[argoproj-labs\/gatewayAPI\] is invalid/);
    assert.throws(() => newTrafficRouters(rollout({ plugins: { [PLUGIN]: {} } }), new MemoryKube()), /names no HTTPRoute, GRPCRoute or TCPRoute/);
  });
});
