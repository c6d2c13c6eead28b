import { before, describe, test } from 'node:test';
import { ensureIstioCrds } from '../support/crds.ts';
import { PROVIDERS, walkCanary } from './support/canary.ts';
import { walkHeaderRoute } from './support/header-route.ts';
import { istioPingPongProvider, istioPingPongWeights, walkPingPong } from './support/ping-pong.ts';

/**
 * Canary with traffic routing on the real control plane: one full walk per provider (every step,
 * promote, the timed pause, abort, retry, promote --full, a controller SIGKILL and restart), the
 * NGINX canary Ingress and the Istio VirtualService / DestinationRule read back at each step;
 * Argo's ping-pong Services with Istio.
 */

before(ensureIstioCrds);

describe('canary traffic routing on the real control plane', () => {
  test('NGINX: the canary Ingress carries each step\'s weight through promote, abort, retry, promote --full and a restart', (t) => walkCanary(t, PROVIDERS.nginx));
  test('Istio host-level: the VirtualService route weights follow each step', (t) => walkCanary(t, PROVIDERS.istioHost));
  test('Istio subset-level: the DestinationRule subsets follow the pod-template hashes and the weights each step', (t) => walkCanary(t, PROVIDERS.istioSubset));
  test('Istio host-level: a setHeaderRoute step adds the header route to the canary Service, a later step, abort and promote --full remove it', (t) =>
    walkHeaderRoute(t, PROVIDERS.istioHost));
  test('Istio subset-level: the header route goes to the canary subset', (t) => walkHeaderRoute(t, PROVIDERS.istioSubset));
  test('Istio ping-pong: the VirtualService splits between the ping and pong hosts, which swap roles at each promotion', (t) =>
    walkPingPong(t, istioPingPongProvider, istioPingPongWeights));
});
