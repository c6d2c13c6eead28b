import { describe, test } from 'node:test';
import { actionWeights, albPingPongProvider, albProvider } from './support/alb.ts';
import { walkCanary } from './support/canary.ts';
import { walkHeaderRoute } from './support/header-route.ts';
import { walkPingPong } from './support/ping-pong.ts';

/**
 * A canary with the ALB router on the real control plane (Ingress is core: no CRDs, and no AWS):
 * the full walk with the forward action annotation read back at each step, and the header-route
 * walk with the action, conditions and `use-annotation` path read back, and Argo's ping-pong Services.
 */

describe('canary with the ALB router on the real control plane', () => {
  test('Ingress action annotation: the weights follow each step through promote, abort, retry, promote --full and a restart', (t) => walkCanary(t, albProvider));
  test('header route: the action, conditions and path are added by the step and removed by the next, on abort and on promotion', (t) =>
    walkHeaderRoute(t, albProvider));
  test('pingPong: the Service that is not stable takes the new pods and the canary weight, and ping and pong swap at each promotion', (t) =>
    walkPingPong(t, albPingPongProvider, async (c, ns) => Object.fromEntries(await actionWeights(c, ns))));
});
