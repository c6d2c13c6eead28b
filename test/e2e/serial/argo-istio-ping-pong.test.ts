import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ISTIO_VIRTUAL_SERVICES } from '../../../controller/kube/resources.ts';
import { startArgoController } from '../support/argo-controller.ts';
import { pingPongWalk, type PingPongRouter } from '../support/argo-ping-pong.ts';
import { APP, virtualService } from '../support/canary.ts';
import { PING, PONG } from '../support/ping-pong.ts';
import { eventually } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { ensureIstioCrds } from '../../support/crds.ts';

/**
 * Ping-pong Services with the Istio router against Argo Rollouts' own controller (which supports
 * them since 1.7): the same Rollout, host-level, with no stableService or canaryService, under
 * each controller in its own namespace; at each stop the ping and pong selectors,
 * status.canary.stablePingPong and the VirtualService's http routes are the same.
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const ISTIO_PING_PONG: PingPongRouter = {
  trafficRouting: { istio: { virtualService: { name: `${APP}-vs`, routes: ['primary'] } } },
  objects: [virtualService([{ destination: { host: PING }, weight: 100 }, { destination: { host: PONG }, weight: 0 }])],
  async routing(c, ns) {
    return (await c.get<{ spec?: { http?: unknown } }>(ISTIO_VIRTUAL_SERVICES, ns, `${APP}-vs`)).spec?.http;
  },
};

before(ensureIstioCrds);

describe('Istio ping-pong beside Argo Rollouts, on the real control plane', () => {
  test('the ping and pong selectors, stablePingPong and the VirtualService are the same under Argo and under Ramp at each stop', async (t) => {
    const [argo, ramp] = await Promise.all([
      pingPongWalk(t, 'istio pingpong under argo', ISTIO_PING_PONG, (ns) => startArgoController({ namespace: ns })),
      pingPongWalk(t, 'istio pingpong under ramp', ISTIO_PING_PONG, (ns) => startController({ namespace: ns, name: `${ns}-ramp` })),
    ]);
    ['v1 deployed', 'v2 paused at setWeight 50', 'v3 paused at setWeight 50'].forEach((stop, i) => {
      assert.deepEqual(ramp.views[i], argo.views[i], stop);
    });
    assert.equal(argo.views[1]?.stablePingPong, 'ping', 'under Argo ping is stable with v1');
    assert.equal(argo.views[2]?.stablePingPong, 'pong', 'under Argo pong became stable with v2');
    await eventually('v3 promoted: the same under both controllers', async () => {
      const [a, r] = await Promise.all([argo.promoted(), ramp.promoted()]);
      assert.deepEqual(r, a);
      return true;
    }, 30_000);
  });
});
