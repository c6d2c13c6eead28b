import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MANAGED_ALB_ANNOTATIONS } from '../../../../controller/traffic/alb/render.ts';
import { createAlbRouter } from '../../../../controller/traffic/alb/router.ts';
import type { Ingress } from '../../../../controller/traffic/ingress.ts';
import { TrafficRoutingError, type StoredObject } from '../../../../controller/traffic/router.ts';
import { routingTarget } from '../../../../controller/traffic/target.ts';
import type { ALBTrafficRouting, RolloutTrafficRouting } from '../../../../controller/traffic/types.ts';
import { NAMESPACE, albIngress, rollout } from '../support/fixtures.ts';
import { MemoryKube } from '../support/memory-kube.ts';

const V1 = 'networking.k8s.io/v1';
const ACTION = 'alb.ingress.kubernetes.io/actions.web-root';

function setup(alb: Partial<ALBTrafficRouting>, objects: StoredObject[], extra: Partial<RolloutTrafficRouting> = {}) {
  const config: ALBTrafficRouting = { servicePort: 80, rootService: 'web-root', ...alb };
  const kube = new MemoryKube(objects);
  const router = createAlbRouter(routingTarget(rollout({ alb: config, ...extra })), config, kube);
  const ingress = (name = 'web-ingress') => kube.read(V1, 'Ingress', NAMESPACE, name) as Ingress;
  const weights = (name?: string) => {
    const raw = ingress(name).metadata.annotations?.[ACTION];
    return raw && (JSON.parse(raw) as { ForwardConfig: { TargetGroups: Array<{ ServiceName: string; Weight: number }> } }).ForwardConfig.TargetGroups.map((g) => [g.ServiceName, g.Weight]);
  };
  return { kube, router, ingress, weights };
}

describe('ALB router', () => {
  it("patches the user's Ingress with Argo's event, reads the weight back, and writes nothing once there", async () => {
    const { kube, router, weights } = setup({ ingress: 'web-ingress' }, [albIngress()]);
    const writes = await router.setWeight(20);
    assert.deepEqual(writes, [
      {
        verb: 'patch',
        apiVersion: V1,
        kind: 'Ingress',
        namespace: NAMESPACE,
        name: 'web-ingress',
        reason: 'PatchingALBIngress',
        message: "Updating Ingress `web-ingress` to desiredWeight '20'",
      },
    ]);
    assert.deepEqual(weights(), [['web-canary', 20], ['web-stable', 80]]);
    assert.equal(await router.verifyWeight?.(20), true);
    assert.equal(await router.verifyWeight?.(50), false);
    assert.deepEqual(await router.setWeight(20), []);
    assert.equal(kube.writesOf('patch').length, 1);
    assert.equal(kube.writesOf('create').length, 0, 'the router creates nothing');
  });

  it('sets every Ingress of `ingresses`', async () => {
    const { router, weights } = setup({ ingresses: ['web-ingress', 'web-internal'] }, [albIngress(), albIngress('web-internal')]);
    assert.deepEqual((await router.setWeight(40)).map((w) => w.name), ['web-ingress', 'web-internal']);
    assert.deepEqual(weights('web-internal'), [['web-canary', 40], ['web-stable', 60]]);
    assert.equal(await router.verifyWeight?.(40), true);
  });

  it('names the missing Ingress', async () => {
    const { router } = setup({ ingress: 'absent' }, []);
    await assert.rejects(router.setWeight(10), (err: unknown) => err instanceof TrafficRoutingError && /Ingress shop\/absent named in spec.strategy.canary.trafficRouting.alb was not found/.test(err.message));
  });

  it('adds and removes a header route, and removeManagedRoutes leaves the weighted action', async () => {
    const managedRoutes = [{ name: 'beta' }];
    const { router, ingress } = setup({ ingress: 'web-ingress' }, [albIngress()], { managedRoutes });
    await router.setWeight(10);
    const added = await router.setHeaderRoute?.({ name: 'beta', match: [{ headerName: 'X-Beta', headerValue: { exact: 'yes' } }] });
    assert.equal(added?.[0]?.message, "Updating Ingress `web-ingress` to headerRoute 'beta'");
    assert.equal(ingress().spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name, 'beta');
    assert.ok(ingress().metadata.annotations?.['alb.ingress.kubernetes.io/conditions.beta']);

    const removed = await router.removeManagedRoutes?.();
    assert.equal(removed?.[0]?.message, 'Updating Ingress `web-ingress` removing managed routes');
    assert.deepEqual(ingress().spec, albIngress().spec);
    assert.equal(ingress().metadata.annotations?.[MANAGED_ALB_ANNOTATIONS], `{"web":["${ACTION}"]}`);
    assert.equal(await router.verifyWeight?.(10), true);
  });

  it('has no removeManagedRoutes without managedRoutes, as Argo returns early', () => {
    const { router } = setup({ ingress: 'web-ingress' }, [albIngress()]);
    assert.equal(router.removeManagedRoutes, undefined);
    assert.equal(router.updateHash, undefined);
    assert.equal(router.setMirrorRoute, undefined);
  });
});
