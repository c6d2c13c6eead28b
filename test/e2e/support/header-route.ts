import assert from 'node:assert/strict';
import type { testNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/cluster.ts';
import { CanaryWalk, HEADER_ROUTE, type Provider } from './canary.ts';

/**
 * The header-route walk, for routers that take setHeaderRoute (Istio, Gateway API, APISIX, ALB):
 * a managed route sending `X-Canary: yes` to the canary is added by a step, removed by a later
 * one, removed on abort and when the rollout is fully promoted, read back from the router's own
 * object each time.
 */

const HEADER_MATCH = { headerName: 'X-Canary', headerValue: { exact: 'yes' } };

const HEADER_STEPS = [
  { setWeight: 20 },
  { setHeaderRoute: { name: HEADER_ROUTE, match: [HEADER_MATCH] } },
  { pause: {} },
  { setHeaderRoute: { name: HEADER_ROUTE } },
  { pause: {} },
];

/** The provider's strategy with HEADER_ROUTE listed in managedRoutes, as Argo requires. */
function withManagedRoute(canary: Record<string, unknown>): Record<string, unknown> {
  const trafficRouting = canary.trafficRouting as Record<string, unknown>;
  return { ...canary, trafficRouting: { ...trafficRouting, managedRoutes: [{ name: HEADER_ROUTE }] } };
}

export async function walkHeaderRoute(t: Parameters<typeof testNamespace>[0], provider: Provider): Promise<void> {
  const headerRoute = provider.headerRoute?.bind(provider);
  assert.ok(headerRoute, `${provider.name} has no header-route check`);
  const walk = await CanaryWalk.start(t, provider, HEADER_STEPS, withManagedRoute(provider.canary));
  const present = (what: string, want: boolean): Promise<unknown> =>
    eventually(`${provider.name}: ${what}: header route ${want ? 'present' : 'gone'}`, async () => {
      await headerRoute(walk.ro.client, walk.ns, want);
      return true;
    }, 30_000);

  const v1 = (await walk.healthy('v1 Healthy')).status!.currentPodHash!;
  await present('v1 deployed', false);

  const v2 = await walk.setImage('v2');
  await walk.atStep(2, 'v2 paused after setHeaderRoute', v2);
  await walk.checkAt(20, { canary: v2, stable: v1 }, 'setWeight 20 with the header route');
  // The step was reached only once the router applied the header route: no waiting here.
  await headerRoute(walk.ro.client, walk.ns, true);
  await walk.promote();
  await walk.atStep(4, 'v2 paused after the header route is removed', v2);
  await headerRoute(walk.ro.client, walk.ns, false);
  await walk.checkAt(20, { canary: v2, stable: v1 }, 'the weight stays when the header route goes');
  await walk.promote();
  await walk.healthy('v2 fully promoted', v2);
  await present('v2 fully promoted', false);

  const v3 = await walk.setImage('v3');
  await walk.atStep(2, 'v3 paused after setHeaderRoute', v3);
  await headerRoute(walk.ro.client, walk.ns, true);
  await walk.abort();
  await walk.ro.waitFor('app', 'v3 aborted', (r) => r.status?.phase === 'Degraded' && r.status.abort === true);
  await present('after abort', false);

  await walk.retry();
  await walk.atStep(2, 'v3 paused after setHeaderRoute again after retry', v3);
  await headerRoute(walk.ro.client, walk.ns, true);
  await walk.promote(true);
  await walk.healthy('v3 fully promoted by promote --full', v3);
  await present('after promote --full', false);
  assert.equal(walk.controller.process.exitCode, null, 'the controller is still running');
}
