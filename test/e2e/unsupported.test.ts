import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { SUPPORT } from '../../controller/api/support.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { canaryRollout, RolloutHelper } from '../support/rollouts.ts';

/** The detail the InvalidSpec condition gives for the support-table entry of `field`. */
function refusal(field: string): string {
  const entry = SUPPORT.find((e) => e.field === field && !e.supported);
  assert.ok(entry, `${field} is refused in the support table`);
  return `Forbidden: Ramp does not support ${entry.what}; ${entry.note}`;
}

describe('nothing accepted and ignored, on the real control plane', () => {
  test('a router, a step kind or a field Ramp does not carry out gets InvalidSpec naming it, and no ReplicaSet', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const routed = { stableService: 'plugin-stable', canaryService: 'plugin-canary', steps: [{ setWeight: 20 }, { pause: {} }] };
    for (const obj of [
      canaryRollout('contour-plugin', { ...routed, trafficRouting: { plugins: { 'argoproj-labs/contour': { trafficRouting: 'web' } } } }),
      canaryRollout('threshold', { replicaProgressThreshold: { type: 'Percent', value: 50 }, steps: [{ setWeight: 20 }, { pause: {} }] }),
      canaryRollout('step-plugin', { steps: [{ plugin: { name: 'argoproj-labs/sample' } }] }),
      canaryRollout('good', { steps: [{ setWeight: 50 }, { pause: {} }] }),
    ]) {
      await ro.create(obj);
    }
    const controller = await startController({ namespace: ns, name: `${ns}-unsupported` });
    t.after(() => controller.kill());

    const invalid = async (name: string): Promise<string> => {
      const r = await ro.waitFor(name, `InvalidSpec on ${name}`, (x) => x.status?.phase === 'Degraded');
      const condition = r.status?.conditions?.find((c) => c.type === 'InvalidSpec');
      assert.equal(condition?.status, 'True');
      return condition?.message ?? '';
    };
    const expectations: Array<[string, string, string]> = [
      ['contour-plugin', 'spec.strategy.canary.trafficRouting.plugins[argoproj-labs/contour]', 'spec.strategy.canary.trafficRouting.plugins.*'],
      ['threshold', 'spec.strategy.canary.replicaProgressThreshold', 'spec.strategy.canary.replicaProgressThreshold'],
      ['step-plugin', 'spec.strategy.canary.steps[0].plugin', 'spec.strategy.canary.steps[].plugin'],
    ];
    for (const [name, path, field] of expectations) {
      assert.equal(await invalid(name), `The Rollout "${name}" is invalid: ${path}: ${refusal(field)}`);
    }
    const names = (await ro.replicaSets()).map((rs) => rs.metadata?.name ?? '');
    for (const [name] of expectations) {
      assert.deepEqual(names.filter((n) => n.startsWith(`${name}-`)), [], `${name} gets no ReplicaSet`);
    }

    // The valid canary goes on; a later edit that adds a refused step with a new image changes no
    // ReplicaSet: the running revision stays as it was.
    const healthy = await ro.waitFor('good', 'the valid canary deploys', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);
    const before = (await ro.replicaSets()).filter((rs) => rs.metadata?.name?.startsWith('good-')).map((rs) => rs.metadata?.name);
    const good = await ro.get('good');
    const container = (good.spec.template?.spec?.containers ?? [])[0] as Record<string, unknown>;
    await ro.client.mergePatch(ROLLOUTS, ns, 'good', {
      spec: {
        template: { spec: { containers: [{ ...container, image: 'registry.local/app:v2' }] } },
        strategy: { canary: { steps: [{ setWeight: 50 }, { plugin: { name: 'argoproj-labs/sample' } }] } },
      },
    });
    assert.equal(await invalid('good'), `The Rollout "good" is invalid: spec.strategy.canary.steps[1].plugin: ${refusal('spec.strategy.canary.steps[].plugin')}`);
    const after = (await ro.replicaSets()).filter((rs) => rs.metadata?.name?.startsWith('good-')).map((rs) => rs.metadata?.name);
    assert.deepEqual(after, before, 'no ReplicaSet is created for the refused revision');
    assert.equal((await ro.get('good')).status?.stableRS, healthy.status?.stableRS);
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });
});
