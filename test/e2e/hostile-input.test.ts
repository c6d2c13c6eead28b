import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KubeApiError } from '../../controller/kube/errors.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { hostileTemplates } from '../fixtures/hostile/analysis-templates.ts';
import { hostileRollouts, invalidSpecMismatch, WORLD, type HostileRollout } from '../fixtures/hostile/rollouts.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * The hostile Rollout corpus against a real apiserver and one controller: what the CRD schema
 * refuses is refused at admission with the field named; everything it lets through gets an
 * InvalidSpec condition naming the field, while a good rollout in the same namespace deploys and
 * promotes, and the controller never exits.
 */

const matches = (text: string, reason: string | RegExp): boolean => (typeof reason === 'string' ? text.includes(reason) : reason.test(text));

function named(c: HostileRollout, name: string): KubeObject {
  return { ...c.rollout, metadata: { ...(c.rollout.metadata as object), name } } as KubeObject;
}

describe('hostile input on the real control plane', () => {
  test('bad Rollouts: the apiserver refuses what its schema forbids, the controller reports every other as InvalidSpec naming the field, and a good rollout deploys beside them', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    for (const name of WORLD.services) await ro.create(service(name, 'app'));
    for (const name of WORLD.analysisTemplates) {
      await ro.client.create(ANALYSIS_TEMPLATES, {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: { name, namespace: ns },
        spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://127.0.0.1:9/never-measured' } } }] },
      } as KubeObject);
    }

    const rejected = hostileRollouts.filter((c) => c.cluster === 'rejected');
    assert.ok(rejected.length >= 5, `${rejected.length} cases refused at admission`);
    for (const [i, c] of rejected.entries()) {
      const err = await ro.client.create(ROLLOUTS, { ...named(c, `rejected-${i}`), metadata: { name: `rejected-${i}`, namespace: ns } } as KubeObject).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof KubeApiError, `${c.name}: expected the apiserver to refuse it, got ${String(err)}`);
      assert.equal(err.statusCode, 422, `${c.name}: ${err.message}`);
      assert.ok(err.message.includes(c.rejectedField!), `${c.name}: the apiserver's error names ${c.rejectedField}: ${err.message}`);
    }

    const accepted = hostileRollouts.filter((c) => c.cluster === 'accepted');
    assert.ok(accepted.length >= 30, `${accepted.length} cases accepted by the apiserver`);
    const names = accepted.map((_, i) => `bad-${i}`);
    for (const [i, c] of accepted.entries()) await ro.create(named(c, names[i]!));
    await ro.create(service('good-active', 'good'));
    await ro.create(service('good-preview', 'good'));
    await ro.create(blueGreenRollout('good', { activeService: 'good-active', previewService: 'good-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 0 }, 2));

    const controller = await startController({ namespace: ns, name: `${ns}-hostile` });
    t.after(() => controller.kill());

    const isHealthy = (r: RolloutLike): boolean => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && r.status.blueGreen?.activeSelector === r.status.currentPodHash;
    const v1 = (await ro.waitFor('good', 'the good rollout Healthy among the bad ones', isHealthy, 90_000)).status!.currentPodHash!;

    for (const [i, c] of accepted.entries()) {
      const name = names[i]!;
      const bad = await ro.waitFor(name, `InvalidSpec on ${name} (${c.name})`, (r) => r.status?.phase === 'Degraded' && r.status.conditions?.some((x) => x.type === 'InvalidSpec') === true, 60_000);
      const condition = bad.status?.conditions?.find((x) => x.type === 'InvalidSpec');
      assert.equal(condition?.status, 'True', c.name);
      const message = condition?.message ?? '';
      const mismatch = invalidSpecMismatch(c, name, message);
      assert.equal(mismatch, undefined, `${c.name}: ${mismatch}`);
      assert.equal(bad.status?.message, `InvalidSpec: ${message}`);
    }
    assert.deepEqual((await ro.replicaSets()).map((rs) => rs.metadata?.name?.replace(/-[a-z0-9]+$/, '')), ['good'], 'no ReplicaSet for any bad rollout');

    // The good rollout keeps progressing: a new revision pauses behind the preview and promotes.
    await ro.setImage('good', 'registry.local/good:v2');
    const v2 = (await ro.waitFor('good', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1, 60_000)).status!.currentPodHash!;
    await ro.promote('good');
    await ro.waitFor('good', 'v2 Healthy', (r) => isHealthy(r) && r.status?.currentPodHash === v2, 60_000);

    // Fixing a bad rollout clears its InvalidSpec: the controller did not give up on it.
    const fixable = accepted.findIndex((c) => c.name === 'activeService equals previewService');
    await ro.client.mergePatch(ROLLOUTS, ns, names[fixable]!, { spec: { strategy: { blueGreen: { previewService: 'app-preview' } } } });
    await ro.waitFor(names[fixable]!, 'the fixed rollout deploys', (r) => r.status?.phase === 'Healthy' && !r.status.conditions?.some((x) => x.type === 'InvalidSpec'), 60_000);

    await eventually('the controller still running', async () => (controller.process.exitCode === null ? true : undefined), 1_000);
    assert.doesNotMatch(controller.output(), /"level":"(error|fatal)"/, 'no error-level log line: bad input is reported on the Rollout, not as a controller failure');
    assert.doesNotMatch(controller.output(), /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });

  test('bad AnalysisRuns: each ends in phase Error with the reason, measuring nothing, and the controller keeps running', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const cases = hostileTemplates.filter((c) => c.runMessage !== undefined);
    assert.ok(cases.length >= 10, `${cases.length} cases`);
    for (const [i, c] of cases.entries()) {
      await ro.client.create(ANALYSIS_RUNS, { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: `bad-run-${i}`, namespace: ns }, spec: (c.template as { spec: unknown }).spec } as KubeObject);
    }
    const controller = await startController({ namespace: ns, name: `${ns}-runs` });
    t.after(() => controller.kill());
    for (const [i, c] of cases.entries()) {
      const run = await eventually(`bad-run-${i} (${c.name}) in Error`, async () => {
        const r = await ro.client.get<KubeObject & { status?: { phase?: string; message?: string; metricResults?: unknown[] } }>(ANALYSIS_RUNS, ns, `bad-run-${i}`);
        return r.status?.phase === 'Error' ? r : undefined;
      }, 60_000);
      const message = run.status?.message ?? '';
      assert.ok(matches(message, c.runMessage!), `${c.name}: expected ${String(c.runMessage)}, got: ${message}`);
      assert.equal((run.status?.metricResults ?? []).length, 0, `${c.name}: nothing was measured`);
    }
    assert.equal(controller.process.exitCode, null, 'the controller kept running');
    assert.doesNotMatch(controller.output(), /"level":"(error|fatal)"/, 'no error-level log line');
  });
});
