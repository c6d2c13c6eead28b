import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { canaryRollout, RolloutHelper } from '../support/rollouts.ts';
import { manifestDir, ramp, rampOk } from './support/cli.ts';

/**
 * `-o json|yaml` of every kubectl-ramp command that prints a table, tree or text, run as its own
 * process against a canary paused at its pause step on the real control plane, each output parsed
 * and compared with the Rollout the apiserver holds (field names: docs/cli.md).
 */

describe('kubectl-ramp -o json|yaml on the real control plane', () => {
  test('get, list, status, explain, plan and lint print parseable documents with the documented fields', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const cli = { namespace: ns };
    const manifest = canaryRollout('app', { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 });
    const rolloutFile = file('rollout.yaml', manifest);
    await rampOk(['create', '-f', rolloutFile], cli);
    const controller = await startController({ namespace: ns, name: `${ns}-cli-output` });
    t.after(() => controller.kill());
    await ro.waitFor('app', 'Healthy on v1', (r) => r.status?.phase === 'Healthy', 90_000);
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'paused at step 2', (r) => r.status?.phase === 'Paused' && r.status?.currentStepIndex === 1, 90_000);

    const info = JSON.parse(await rampOk(['get', 'rollout', 'app', '-o', 'json'], cli)) as {
      name: string; namespace: string; status: string; strategy: string; step: string; setWeight: string; currentHash: string; stableHash: string;
      replicaSets: Array<{ podTemplateHash?: string; revision: number; pods: Array<{ name: string; ready: string }> }>;
    };
    assert.equal(info.name, 'app');
    assert.equal(info.namespace, ns);
    assert.equal(info.status, 'Paused');
    assert.equal(info.strategy, 'Canary');
    assert.equal(info.step, '1/2');
    assert.equal(info.currentHash, paused.status?.currentPodHash);
    assert.equal(info.stableHash, paused.status?.stableRS);
    assert.deepEqual(info.replicaSets.map((rs) => rs.podTemplateHash).sort(), [paused.status?.currentPodHash, paused.status?.stableRS].sort());
    assert.deepEqual(parse(await rampOk(['get', 'rollout', 'app', '-o', 'yaml'], cli)), info, 'YAML holds the same document');

    const list = JSON.parse(await rampOk(['list', 'rollouts', '-o', 'json'], cli)) as Array<{ name: string; status: string; step: string }>;
    assert.deepEqual(list.map((r) => [r.name, r.status, r.step]), [['app', 'Paused', '1/2']]);

    const status = JSON.parse(await rampOk(['status', 'app', '--no-watch', '-o', 'json'], cli)) as Record<string, string>;
    assert.deepEqual(status, { name: 'app', namespace: ns, status: 'Paused', message: 'CanaryPauseStep' });
    const streamed = await ramp(['status', 'app', '--timeout', '2s', '-o', 'yaml'], cli);
    assert.equal(streamed.code, 2, 'still paused when the timeout passes');
    assert.deepEqual(parseAllDocuments(streamed.stdout).map((d) => d.toJS() as Record<string, string>), [status]);

    const explained = parse(await rampOk(['explain', 'app', '-o', 'yaml'], cli)) as { status: string; summary: string; details: string[] };
    assert.equal(explained.status, 'Paused');
    assert.match(explained.summary, /^Rollout "app" in namespace ".+" is Paused \(canary, revision 2\)\.$/);
    assert.ok(explained.details.some((d) => d.includes('kubectl ramp promote app')), 'the command that moves it on');

    const plan = JSON.parse(await rampOk(['plan', rolloutFile, '-o', 'json'], cli)) as { name: string; strategy: string; rows: Array<{ step: string; newTraffic: number }> };
    assert.equal(plan.name, 'app');
    assert.equal(plan.strategy, 'Canary');
    assert.ok(plan.rows.some((r) => r.newTraffic === 50));

    const broken = file('broken.yaml', { ...manifest, spec: { ...(manifest as { spec: object }).spec, replicas: 'two' } });
    const lint = await ramp(['lint', broken, '-o', 'json'], cli);
    assert.equal(lint.code, 1);
    const issues = (JSON.parse(lint.stdout) as { issues: Array<{ field: string; line: number }> }).issues;
    assert.ok(issues.some((i) => i.field === 'spec.replicas' && i.line > 0), lint.stdout);
  });
});
