import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { INGRESSES } from '../../../controller/kube/resources.ts';
import { argoCli, startArgoController } from '../support/argo-controller.ts';
import { albIngress } from '../support/alb.ts';
import { pingPongWalk, type PingPongRouter } from '../support/argo-ping-pong.ts';
import { APP, HEADER_ROUTE, createAll } from '../support/canary.ts';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import type { ControllerProcess } from '../../support/controller-process.ts';
import { canaryRollout, RolloutHelper, service } from '../../support/rollouts.ts';

/**
 * The ALB router against Argo Rollouts' own: the same Rollout (weights, stickiness, a header
 * route) under Argo's controller and under Ramp, each in its own namespace, leaves the user's
 * Ingress with the same annotations and spec at each stop: v1 deployed, v2 paused with the
 * header route, v2 promoted. Argo's ALB router makes no AWS call unless asked to verify weights,
 * so both run without AWS.
 *
 * The same for Argo's ping-pong Services: the two Services' selectors, status.canary.stablePingPong
 * and the Ingress, over two promotions.
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const STEPS = [
  { setWeight: 20 },
  { setHeaderRoute: { name: HEADER_ROUTE, match: [{ headerName: 'X-Canary', headerValue: { exact: 'yes' } }] } },
  { pause: {} },
];

const CANARY = {
  stableService: `${APP}-stable`,
  canaryService: `${APP}-canary`,
  steps: STEPS,
  trafficRouting: {
    alb: { ingress: 'web', rootService: `${APP}-root`, servicePort: 80, stickinessConfig: { enabled: true, durationSeconds: 600 } },
    managedRoutes: [{ name: HEADER_ROUTE }],
  },
};

interface IngressView {
  annotations: Record<string, string>;
  spec: unknown;
}

/** The Ingress at v1 deployed and at the header-route pause, and a reader of it after v2's promotion. */
async function walk(
  t: { after: (fn: () => Promise<void>) => void },
  name: string,
  start: (ns: string) => Promise<ControllerProcess>,
): Promise<{ views: IngressView[]; promoted: () => Promise<IngressView> }> {
  const ns = await testNamespace({ after: (fn) => t.after(fn), name });
  const ro = new RolloutHelper(ns);
  await createAll(ro.client, ns, [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), albIngress('web'), canaryRollout(APP, CANARY, { replicas: 2 })]);
  const controller = await start(ns);
  t.after(() => controller.kill());
  const view = async (): Promise<IngressView> => {
    const ingress = await ro.client.get<{ metadata?: { annotations?: Record<string, string> }; spec?: unknown }>(INGRESSES, ns, 'web');
    return { annotations: ingress.metadata?.annotations ?? {}, spec: ingress.spec };
  };
  const healthy = (what: string, image: string) =>
    ro.waitFor(APP, what, (r) => r.status?.phase === 'Healthy' && !!r.status.currentPodHash && r.status.stableRS === r.status.currentPodHash &&
      (r.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec?.containers?.[0]?.image === image, 90_000);

  const views: IngressView[] = [];
  await healthy('v1 Healthy', 'registry.local/app:v1');
  views.push(await view());
  await ro.setImage(APP, 'registry.local/app:v2');
  await ro.waitFor(APP, 'v2 paused after the header route', (r) => r.status?.currentStepIndex === 2 && (r.status.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep'), 90_000);
  views.push(await view());
  argoCli('promote', APP, '-n', ns);
  await healthy('v2 promoted', 'registry.local/app:v2');
  return { views, promoted: view };
}

const ALB_PING_PONG: PingPongRouter = {
  trafficRouting: { alb: { ingress: 'web', rootService: `${APP}-root`, servicePort: 80 } },
  objects: [albIngress('web')],
  async routing(c, ns) {
    return (await c.get<{ metadata?: { annotations?: Record<string, string> } }>(INGRESSES, ns, 'web')).metadata?.annotations ?? {};
  },
};

describe('the ALB router beside Argo Rollouts, on the real control plane', () => {

  test("the user's Ingress carries the same annotations and spec under Argo and under Ramp at each stop", async (t) => {
    const [argo, ramp] = await Promise.all([
      walk(t, 'alb under argo', (ns) => startArgoController({ namespace: ns })),
      walk(t, 'alb under ramp', (ns) => startController({ namespace: ns, name: `${ns}-ramp` })),
    ]);
    ['v1 deployed', 'v2 paused with the header route'].forEach((stop, i) => {
      assert.deepEqual(ramp.views[i]?.annotations, argo.views[i]?.annotations, `${stop}: the annotations`);
      assert.deepEqual(ramp.views[i]?.spec, argo.views[i]?.spec, `${stop}: the spec`);
    });
    assert.ok(argo.views[1]?.annotations[`alb.ingress.kubernetes.io/conditions.${HEADER_ROUTE}`], 'Argo wrote the header route at the pause');
    // Argo's promoting pass routes everything to the canary Service (the old status is not fully
    // promoted yet) and its next pass sets the canary weight back to 0; Ramp goes there at once.
    // Both Services select v2 by then, so only the end state is compared.
    await eventually('v2 promoted: the same Ingress under both controllers', async () => {
      const [a, r] = await Promise.all([argo.promoted(), ramp.promoted()]);
      assert.deepEqual(r, a);
      return true;
    }, 30_000);
  });

  test('pingPong: the ping and pong selectors, stablePingPong and the Ingress are the same under Argo and under Ramp at each stop', async (t) => {
    const [argo, ramp] = await Promise.all([
      pingPongWalk(t, 'pingpong under argo', ALB_PING_PONG, (ns) => startArgoController({ namespace: ns })),
      pingPongWalk(t, 'pingpong under ramp', ALB_PING_PONG, (ns) => startController({ namespace: ns, name: `${ns}-ramp` })),
    ]);
    ['v1 deployed', 'v2 paused at setWeight 50', 'v3 paused at setWeight 50'].forEach((stop, i) => {
      assert.deepEqual(ramp.views[i], argo.views[i], stop);
    });
    assert.equal(argo.views[2]?.stablePingPong, 'pong', 'under Argo pong became stable with v2');
    await eventually('v3 promoted: the same under both controllers', async () => {
      const [a, r] = await Promise.all([argo.promoted(), ramp.promoted()]);
      assert.deepEqual(r, a);
      return true;
    }, 30_000);
  });
});
