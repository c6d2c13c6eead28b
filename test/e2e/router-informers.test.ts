import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureIstioCrds } from '../support/crds.ts';
import { eventually, sleep } from '../support/cluster.ts';
import { CanaryWalk, PROVIDERS, type Provider } from './support/canary.ts';

/**
 * With the routing kinds' CRDs served, the controller watches its routing objects: a canary step
 * reads them from the informer caches, so the apiserver sees patches of them and no GETs. Measured
 * as a user would, from the controller's own controller_clientset_k8s_request_total.
 */

before(ensureIstioCrds);

/** controller_clientset_k8s_request_total for one verb and kind, summed over status codes. */
async function requests(metricsUrl: string, verb: string, kind: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('controller_clientset_k8s_request_total{')) continue;
    if (!line.includes(`verb="${verb}"`) || !line.includes(`kind="${kind}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Promotes from the first pause to the timed one and counts what that step asked of the apiserver. */
/** `informer`: the optional informer to wait for (Ingresses have theirs from the start). */
async function stepRequests(t: Parameters<typeof CanaryWalk.start>[0], provider: Provider, informer: string | undefined, kinds: string[]) {
  const walk = await CanaryWalk.start(t, provider);
  const v1 = (await walk.healthy('v1 Healthy')).status!.currentPodHash!;
  // The CRDs were there before the controller: its first discovery starts the informers.
  if (informer) await eventually(`the ${informer} informer runs`, async () => (walk.controller.output().includes(`${informer} is served: watching it`) ? true : undefined), 30_000);
  const v2 = await walk.setImage('v2');
  await walk.atStep(1, 'v2 paused after setWeight 33', v2);
  await walk.checkAt(33, { canary: v2, stable: v1 }, 'setWeight 33');
  // Let the passes that followed the pause settle before the first reading.
  await sleep(1_000);
  const count = async (verb: string) => Object.fromEntries(await Promise.all(kinds.map(async (k) => [k, await requests(walk.controller.metricsUrl, verb, k)] as const)));
  const gets = await count('Get');
  const patches = await count('Patch');
  await walk.promote();
  await walk.atStep(3, 'v2 in the timed pause after setWeight 66', v2);
  await walk.checkAt(66, { canary: v2, stable: v1 }, 'setWeight 66');
  return { before: { gets, patches }, after: { gets: await count('Get'), patches: await count('Patch') } };
}

describe('routing objects come from informers', () => {
  test('Istio: a canary step patches the VirtualService and GETs no VirtualService or DestinationRule', async (t) => {
    const { before, after } = await stepRequests(t, PROVIDERS.istioSubset, 'virtualservices.networking.istio.io', ['virtualservices', 'destinationrules']);
    assert.deepEqual(after.gets, before.gets, 'no GET of a routing object during the step');
    assert.ok(after.patches.virtualservices! > before.patches.virtualservices!, `the step wrote the weight: ${JSON.stringify({ before, after })}`);
  });

  test('NGINX: a canary step patches the canary Ingress and GETs no Ingress', async (t) => {
    const { before, after } = await stepRequests(t, PROVIDERS.nginx, undefined, ['ingresses']);
    assert.deepEqual(after.gets, before.gets, 'no GET of an Ingress during the step');
    assert.ok(after.patches.ingresses! > before.patches.ingresses!, `the step wrote the weight: ${JSON.stringify({ before, after })}`);
  });
});
