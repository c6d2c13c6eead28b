import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Ingress } from '@kubernetes/client-node';
import type { TrafficRoutingAccess } from '../../../../controller/reconcile/canary/traffic-apply.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';
import { MemoryKube } from '../../traffic/support/memory-kube.ts';
import { NS, RolloutWorld } from '../support/world.ts';

/**
 * Argo's ping-pong Services with the ALB router: the Service that is not stable
 * (status.canary.stablePingPong) selects the new ReplicaSet during an update and carries the
 * canary weight in the Ingress's forward action; the two swap roles at each promotion.
 */

const ACTION = 'alb.ingress.kubernetes.io/actions.app-root';

const albIngress = (): StoredObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'app', namespace: NS },
  spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app-root', port: { name: 'use-annotation' } } } }] } }] },
});

class World extends RolloutWorld {
  readonly kube = new MemoryKube([albIngress()]);

  constructor() {
    super(
      {
        replicas: 2,
        selector: { matchLabels: { app: 'app' } },
        template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
        strategy: {
          canary: {
            pingPong: { pingService: 'app-ping', pongService: 'app-pong' },
            trafficRouting: { alb: { ingress: 'app', rootService: 'app-root', servicePort: 80 } },
            steps: [{ setWeight: 50 }, { pause: {} }],
          },
        },
      },
      { services: ['app-ping', 'app-pong'] },
    );
    this.ingresses = new Map([['app', albIngress() as unknown as V1Ingress]]);
  }

  trafficRouting(): TrafficRoutingAccess {
    return { kube: this.kube };
  }

  /** The forward action's target groups as [Service, weight]. */
  weights(): Array<[string, number]> {
    const raw = this.kube.read('networking.k8s.io/v1', 'Ingress', NS, 'app')?.metadata.annotations?.[ACTION];
    const action = JSON.parse(raw ?? 'null') as { ForwardConfig: { TargetGroups: Array<{ ServiceName: string; Weight: number }> } };
    return action.ForwardConfig.TargetGroups.map((g) => [g.ServiceName, g.Weight]);
  }
}

describe('ping-pong Services with the ALB router', () => {
  test('ping is stable after the first deploy, pong takes the canary, and they swap at promotion', async () => {
    const world = new World();
    await world.settle(3);
    assert.equal(world.status.phase, 'Healthy', world.status.message);
    const v1 = world.status.stableRS!;
    assert.equal(world.status.canary?.stablePingPong, 'ping', "Argo's first stable switch sets ping");
    assert.deepEqual(world.weights(), [['app-pong', 0], ['app-ping', 100]]);
    assert.equal(world.selector('app-ping'), v1, 'as Argo, ping is pinned to the first ReplicaSet while it deploys');

    world.setImage('app:v2');
    await world.settle(5);
    const v2 = world.status.currentPodHash!;
    assert.notEqual(v2, v1);
    assert.equal(world.status.currentStepIndex, 1, 'at the pause');
    assert.equal(world.selector('app-pong'), v2, 'the canary (pong) selects the new ReplicaSet');
    assert.deepEqual(world.weights(), [['app-pong', 50], ['app-ping', 50]]);
    assert.equal(world.status.canary?.weights?.verified, true, 'the weight was read back from the Ingress');

    world.promote();
    await world.settle(5);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.canary?.stablePingPong, 'pong', 'pong is stable now');
    assert.deepEqual(world.weights(), [['app-ping', 0], ['app-pong', 100]], 'all traffic on pong, ping is the next canary');

    world.setImage('app:v3');
    await world.settle(5);
    const v3 = world.status.currentPodHash!;
    assert.equal(world.selector('app-ping'), v3, 'ping selects the next canary');
    assert.equal(world.selector('app-pong'), v2, 'pong keeps the stable pods');
    assert.deepEqual(world.weights(), [['app-ping', 50], ['app-pong', 50]]);
  });
});
