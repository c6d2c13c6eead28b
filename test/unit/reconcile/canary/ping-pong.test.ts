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

/**
 * The same with the Istio router, host-level (no DestinationRule): with stableService and
 * canaryService unset, the VirtualService routes between the ping and pong hosts, the stable one
 * (status.canary.stablePingPong) taking 100 - weight, as Argo since 1.7.
 */
const ISTIO_API = 'networking.istio.io/v1alpha3';

const virtualService = ([stable, canary]: [string, string]): StoredObject => ({
  apiVersion: ISTIO_API,
  kind: 'VirtualService',
  metadata: { name: 'app', namespace: NS },
  spec: { hosts: ['app'], http: [{ name: 'primary', route: [{ destination: { host: stable }, weight: 100 }, { destination: { host: canary }, weight: 0 }] }] },
});

class IstioWorld extends RolloutWorld {
  readonly kube: MemoryKube;

  constructor(services: { stableService?: string; canaryService?: string } = {}) {
    super(
      {
        replicas: 2,
        selector: { matchLabels: { app: 'app' } },
        template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
        strategy: {
          canary: {
            ...services,
            pingPong: { pingService: 'app-ping', pongService: 'app-pong' },
            trafficRouting: { istio: { virtualService: { name: 'app', routes: ['primary'] } } },
            steps: [{ setWeight: 30 }, { pause: {} }],
          },
        },
      },
      { services: ['app-ping', 'app-pong', ...Object.values(services)] },
    );
    this.kube = new MemoryKube([virtualService(services.stableService && services.canaryService ? [services.stableService, services.canaryService] : ['app-ping', 'app-pong'])]);
  }

  trafficRouting(): TrafficRoutingAccess {
    return { kube: this.kube };
  }

  /** The primary route's destinations as [host, weight]. */
  weights(): Array<[string, number]> {
    const vs = this.kube.read(ISTIO_API, 'VirtualService', NS, 'app') as unknown as { spec: { http: Array<{ route: Array<{ destination: { host: string }; weight?: number }> }> } };
    return vs.spec.http[0]!.route.map((r) => [r.destination.host, r.weight ?? 0]);
  }
}

describe('ping-pong Services with the Istio router', () => {
  test('the VirtualService routes between ping and pong, which swap roles at each promotion', async () => {
    const world = new IstioWorld();
    await world.settle(3);
    assert.equal(world.status.phase, 'Healthy', world.status.message);
    const v1 = world.status.stableRS!;
    assert.equal(world.status.canary?.stablePingPong, 'ping');
    assert.deepEqual(world.weights(), [['app-ping', 100], ['app-pong', 0]]);

    world.setImage('app:v2');
    await world.settle(5);
    const v2 = world.status.currentPodHash!;
    assert.equal(world.status.currentStepIndex, 1, 'at the pause');
    assert.equal(world.selector('app-pong'), v2, 'the canary (pong) selects the new ReplicaSet');
    assert.equal(world.selector('app-ping'), v1, 'ping keeps the stable pods');
    assert.deepEqual(world.weights(), [['app-ping', 70], ['app-pong', 30]]);
    assert.deepEqual(
      [world.status.canary?.weights?.stable.serviceName, world.status.canary?.weights?.canary.serviceName],
      [undefined, undefined],
      "as Argo's, status.canary.weights names spec.stableService and canaryService, unset here",
    );

    world.promote();
    await world.settle(5);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.canary?.stablePingPong, 'pong', 'pong is stable now');
    assert.deepEqual(world.weights(), [['app-ping', 0], ['app-pong', 100]], 'all traffic on pong');

    world.setImage('app:v3');
    await world.settle(5);
    assert.equal(world.selector('app-ping'), world.status.currentPodHash, 'ping selects the next canary');
    assert.deepEqual(world.weights(), [['app-ping', 30], ['app-pong', 70]]);
  });

  test('with stableService and canaryService set, Istio routes between those (Argo does not prefer ping-pong there)', async () => {
    const world = new IstioWorld({ stableService: 'app-stable', canaryService: 'app-canary' });
    await world.settle(3);
    world.setImage('app:v2');
    await world.settle(5);
    assert.deepEqual(world.weights(), [['app-stable', 70], ['app-canary', 30]]);
    assert.equal(world.selector('app-pong'), world.status.currentPodHash, 'the ping-pong canary Service still selects the new ReplicaSet');
  });
});
