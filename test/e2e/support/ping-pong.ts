import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { ROLLOUTS } from '../../../controller/kube/resources.ts';
import { eventually, type testNamespace } from '../../support/cluster.ts';
import { service, type RolloutLike } from '../../support/rollouts.ts';
import { APP, CanaryWalk, routeWeights, serviceHash, virtualService, type Provider } from './canary.ts';

/** Argo's ping-pong Services: which one is the canary follows status.canary.stablePingPong. */
export const PING = `${APP}-ping`;
export const PONG = `${APP}-pong`;

/** The router's weights by ping-pong Service, read back from the object its users inspect. */
export type PingPongWeights = (c: KubeClient, ns: string) => Promise<Record<string, number>>;

/** The Istio router, host-level: without stableService and canaryService the VirtualService routes between ping and pong. */
export const istioPingPongProvider: Provider = {
  name: 'Istio ping-pong',
  canary: {
    abortScaleDownDelaySeconds: 2,
    pingPong: { pingService: PING, pongService: PONG },
    trafficRouting: { istio: { virtualService: { name: `${APP}-vs`, routes: ['primary'] } } },
  },
  objects: [
    service(PING, APP),
    service(PONG, APP),
    virtualService([
      { destination: { host: PING }, weight: 100 },
      { destination: { host: PONG }, weight: 0 },
    ]),
  ],
  async checkRouting(c, ns, weight, hashes) {
    const ro = await c.get<RolloutLike>(ROLLOUTS, ns, APP);
    const [stable, canary] = ro.status?.canary?.stablePingPong === 'ping' ? [PING, PONG] : [PONG, PING];
    assert.deepEqual(await routeWeights(c, ns, 'host'), { [stable]: 100 - weight, [canary]: weight }, 'the route splits between the ping-pong hosts');
    if (hashes.canary !== hashes.stable) assert.equal(await serviceHash(c, ns, canary), hashes.canary, `the canary (${canary}) selects the new pods`);
  },
};

export const istioPingPongWeights: PingPongWeights = (c, ns) => routeWeights(c, ns, 'host');

/**
 * The ping-pong walk: v1 makes ping stable; v2 goes to pong (pong selects it and takes the
 * weight), a promotion makes pong stable; v3 goes to ping, and its promotion makes ping stable
 * again. The router's weights are read back at every stop.
 */
export async function walkPingPong(t: Parameters<typeof testNamespace>[0], provider: Provider, weightsOf: PingPongWeights): Promise<void> {
  const steps = [{ setWeight: 50 }, { pause: {} }];
  const walk = await CanaryWalk.start(t, provider, steps);
  const c = walk.ro.client;
  const stableIs = (want: 'ping' | 'pong', what: string) => walk.ro.waitFor(APP, what, (r) => r.status?.canary?.stablePingPong === want);
  const weightsAre = (want: Record<string, number>, what: string) =>
    eventually(what, async () => {
      assert.deepEqual(await weightsOf(c, walk.ns), want);
      return true;
    }, 30_000);

  const v1 = (await walk.healthy('v1 Healthy')).status!.currentPodHash!;
  await stableIs('ping', 'v1 deployed: ping is stable');
  await weightsAre({ [PONG]: 0, [PING]: 100 }, 'v1: everything to ping');

  const v2 = await walk.setImage('v2');
  await walk.atStep(1, 'v2 paused after setWeight 50', v2);
  await walk.checkAt(50, { canary: v2, stable: v1 }, 'v2 at setWeight 50');
  assert.equal(await serviceHash(c, walk.ns, PONG), v2, 'pong selects v2');

  await walk.promote();
  await walk.healthy('v2 promoted', v2);
  await stableIs('pong', 'v2 promoted: pong is stable');
  await weightsAre({ [PING]: 0, [PONG]: 100 }, 'v2 promoted: everything to pong');
  assert.equal(await serviceHash(c, walk.ns, PONG), v2, 'pong keeps v2');

  const v3 = await walk.setImage('v3');
  await walk.atStep(1, 'v3 paused after setWeight 50', v3);
  await walk.checkAt(50, { canary: v3, stable: v2 }, 'v3 at setWeight 50');
  assert.equal(await serviceHash(c, walk.ns, PING), v3, 'ping selects v3');
  assert.equal(await serviceHash(c, walk.ns, PONG), v2, 'pong keeps the stable v2');

  await walk.promote();
  await walk.healthy('v3 promoted', v3);
  await stableIs('ping', 'v3 promoted: ping is stable again');
  await weightsAre({ [PONG]: 0, [PING]: 100 }, 'v3 promoted: everything to ping');
  assert.equal(walk.controller.process.exitCode, null, 'the controller is still running');
}
