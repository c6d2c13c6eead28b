import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ISTIO_DESTINATION_RULES, ISTIO_VIRTUAL_SERVICES, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION } from '../../controller/api/labels.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { ensureIstioCrds } from '../support/crds.ts';
import { blueGreenRollout, canaryRollout, HASH_LABEL, RolloutHelper, service } from '../support/rollouts.ts';

before(ensureIstioCrds);

interface DestinationRuleLike extends KubeObject {
  spec?: { subsets?: Array<{ name: string; labels?: Record<string, string> }> };
}

describe('a deleted Rollout, on the real control plane', () => {
  test('its Services lose the hash selector and managed-by annotation, its DestinationRule the annotation and subset hash labels', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('bg-active', 'bg'));
    await ro.create(service('bg-preview', 'bg'));
    await ro.create(blueGreenRollout('bg', { activeService: 'bg-active', previewService: 'bg-preview' }, 1));
    await ro.create(service('mesh', 'mesh'));
    await ro.client.create(ISTIO_VIRTUAL_SERVICES, {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: { name: 'mesh-vs', namespace: ns },
      spec: { hosts: ['mesh'], http: [{ name: 'primary', route: [{ destination: { host: 'mesh', subset: 'stable' }, weight: 100 }, { destination: { host: 'mesh', subset: 'canary' }, weight: 0 }] }] },
    } as KubeObject);
    await ro.client.create(ISTIO_DESTINATION_RULES, {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'DestinationRule',
      metadata: { name: 'mesh-dr', namespace: ns },
      spec: { host: 'mesh', subsets: [{ name: 'stable', labels: { app: 'mesh' } }, { name: 'canary', labels: { app: 'mesh' } }] },
    } as KubeObject);
    await ro.create(canaryRollout('mesh', {
      steps: [{ setWeight: 50 }, { pause: {} }],
      trafficRouting: { istio: { virtualService: { name: 'mesh-vs', routes: ['primary'] }, destinationRule: { name: 'mesh-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' } } },
    }, { replicas: 1 }));
    const controller = await startController({ namespace: ns, name: `${ns}-deleted` });
    t.after(() => controller.kill());

    for (const name of ['bg', 'mesh']) await ro.waitFor(name, `${name} is Healthy`, (r) => r.status?.phase === 'Healthy');
    for (const name of ['bg-active', 'bg-preview']) {
      const svc = await ro.service(name);
      assert.ok(svc.spec?.selector?.[HASH_LABEL], `${name} selects a hash while the Rollout lives`);
      assert.equal(svc.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION], 'bg');
    }
    const managed = await eventually('the DestinationRule is marked as the Rollout\'s', async () => {
      const dr = await ro.client.get<DestinationRuleLike>(ISTIO_DESTINATION_RULES, ns, 'mesh-dr');
      return dr.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === 'mesh' && dr.spec?.subsets?.every((s) => s.labels?.[HASH_LABEL]) ? dr : undefined;
    });
    assert.ok(managed);

    await ro.client.delete(ROLLOUTS, ns, 'bg');
    await ro.client.delete(ROLLOUTS, ns, 'mesh');
    for (const name of ['bg-active', 'bg-preview']) {
      const released = await eventually(`${name} released`, async () => {
        const svc = await ro.service(name);
        return svc.spec?.selector?.[HASH_LABEL] === undefined && svc.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === undefined ? svc : undefined;
      });
      assert.deepEqual(released.spec?.selector, { app: 'bg' }, 'the user\'s selector is kept');
    }
    const dr = await eventually('the DestinationRule released', async () => {
      const current = await ro.client.get<DestinationRuleLike>(ISTIO_DESTINATION_RULES, ns, 'mesh-dr');
      return current.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === undefined ? current : undefined;
    });
    assert.deepEqual(dr.spec?.subsets, [{ name: 'stable', labels: { app: 'mesh' } }, { name: 'canary', labels: { app: 'mesh' } }]);
  });
});
