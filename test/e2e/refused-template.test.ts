import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { canaryRollout, RolloutHelper } from '../support/rollouts.ts';

describe('a pod template the apiserver refuses, on the real control plane', () => {
  test('is InvalidSpec naming the field and the apiserver\'s message, and the fixed template clears it and deploys', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const manifest = canaryRollout('bad-memory', { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 1 });
    const spec = (manifest as unknown as { spec: unknown }).spec as { template: { spec: { containers: Array<Record<string, unknown>> } } };
    spec.template.spec.containers[0]!.resources = { requests: { memory: 'invalid' } };
    await ro.create(manifest);
    const controller = await startController({ namespace: ns, name: `${ns}-refused` });
    t.after(() => controller.kill());

    const refused = await ro.waitFor('bad-memory', 'InvalidSpec from the refused ReplicaSet', (r) => r.status?.phase === 'Degraded');
    const condition = refused.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.equal(condition?.status, 'True');
    assert.match(
      condition?.message ?? '',
      /^The Rollout "bad-memory" is invalid: spec\.template\.spec\.containers\[0\]\.resources\.requests\.memory: Invalid value: "invalid": ReplicaSet in version "v1" cannot be handled as a ReplicaSet: quantities must match/,
    );
    assert.deepEqual(await ro.replicaSets(), []);

    await ro.client.mergePatch(ROLLOUTS, ns, 'bad-memory', {
      spec: { template: { spec: { containers: [{ ...spec.template.spec.containers[0], resources: { requests: { memory: '64Mi' } } }] } } },
    });
    const fixed = await ro.waitFor('bad-memory', 'the fixed template deploys', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);
    assert.equal(fixed.status?.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    assert.equal((await ro.replicaSets()).length, 1);
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });
});
