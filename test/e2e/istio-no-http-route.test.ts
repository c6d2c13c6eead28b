import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ISTIO_VIRTUAL_SERVICES, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { ensureIstioCrds } from '../support/crds.ts';
import { canaryRollout, RolloutHelper, service } from '../support/rollouts.ts';

before(ensureIstioCrds);

interface TcpVirtualService extends KubeObject {
  spec?: { http?: unknown[]; tcp?: Array<{ route?: Array<{ destination: { host: string }; weight?: number }> }> };
}

describe('Istio with routes omitted, on the real control plane', () => {
  test('a VirtualService with no HTTP route is accepted as Argo accepts it, and its one TCP route carries the weights', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('db-stable', 'db'));
    await ro.create(service('db-canary', 'db'));
    await ro.client.create(ISTIO_VIRTUAL_SERVICES, {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'db-vs', namespace: ns },
      spec: { hosts: ['db'], http: [], tcp: [{ route: [{ destination: { host: 'db-stable' }, weight: 100 }, { destination: { host: 'db-canary' }, weight: 0 }] }] },
    } as KubeObject);
    await ro.create(canaryRollout('db', {
      stableService: 'db-stable',
      canaryService: 'db-canary',
      trafficRouting: { istio: { virtualService: { name: 'db-vs' } } },
      steps: [{ setWeight: 30 }, { pause: {} }],
    }, { replicas: 2 }));
    const controller = await startController({ namespace: ns, name: `${ns}-istio-nohttp` });
    t.after(() => controller.kill());

    const tcpWeights = async (): Promise<number[]> => {
      const vs = await ro.client.get<TcpVirtualService>(ISTIO_VIRTUAL_SERVICES, ns, 'db-vs');
      return (vs.spec?.tcp?.[0]?.route ?? []).map((d) => d.weight ?? 0);
    };
    const healthy = await ro.waitFor('db', 'the first revision is Healthy, not InvalidSpec', (r) => r.status?.phase === 'Healthy' || r.status?.phase === 'Degraded');
    assert.equal(healthy.status?.phase, 'Healthy', healthy.status?.message);

    await ro.setImage('db', 'registry.local/app:v2');
    await ro.waitFor('db', 'paused at setWeight 30', (r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1);
    assert.deepEqual(await eventually('the TCP route at 70/30', async () => {
      const w = await tcpWeights();
      return w[1] === 30 ? w : undefined;
    }), [70, 30]);
    const vs = await ro.client.get<TcpVirtualService>(ISTIO_VIRTUAL_SERVICES, ns, 'db-vs');
    assert.deepEqual(vs.spec?.http, [], 'the empty spec.http is left as it is');

    await ro.promote('db');
    await ro.waitFor('db', 'promoted to Healthy', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);
    assert.deepEqual(await eventually('the TCP route back at 100/0', async () => {
      const w = await tcpWeights();
      return w[1] === 0 ? w : undefined;
    }), [100, 0]);
  });
});
