import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, JOBS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { canaryRollout, RolloutHelper } from '../support/rollouts.ts';

type Run = AnalysisRun & KubeObject;

describe('a background Job analysis stopped by promotion, on the real control plane', () => {
  test('is Running when the canary reports Paused, and ends Inconclusive ("Metric Terminated") once the promotion terminates it, as in Argo', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    // A suspended Job never runs a pod, so the measurement stays in flight until the run is terminated.
    await ro.client.create(ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'held-job', namespace: ns },
      spec: { metrics: [{ name: 'smoke', provider: { job: { spec: { suspend: true, backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'registry.local/smoke:1' }] } } } } } }] },
    } as KubeObject);
    await ro.create(canaryRollout('app', { steps: [{ setWeight: 50 }, { pause: {} }], analysis: { templates: [{ templateName: 'held-job' }] } }, { replicas: 2 }));
    const controller = await startController({ namespace: ns, name: `${ns}-termination` });
    t.after(() => controller.kill());
    await ro.waitFor('app', 'v1 Healthy', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);

    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'paused at the pause step', (r) => r.status?.phase === 'Paused');
    const entry = paused.status?.canary?.currentBackgroundAnalysisRunStatus;
    assert.ok(entry, 'the background run is recorded by the time the rollout is Paused');
    const atPause = await ro.client.get<Run>(ANALYSIS_RUNS, ns, entry.name);
    assert.equal(atPause.status?.phase, 'Running', 'the background run is Running by the time the rollout is Paused');
    assert.equal(entry.status, 'Running');

    await ro.promote('app');
    await ro.waitFor('app', 'v2 promoted', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);
    const done = await eventually('the background run ends', async () => {
      const run = await ro.client.get<Run>(ANALYSIS_RUNS, ns, entry.name);
      return run.status?.phase && run.status.phase !== 'Running' && run.status.phase !== 'Pending' ? run : undefined;
    });
    assert.equal(done.spec.terminate, true);
    assert.equal(done.status?.phase, 'Inconclusive', JSON.stringify(done.status));
    assert.equal(done.status?.metricResults?.[0]?.phase, 'Inconclusive');
    assert.equal(done.status?.metricResults?.[0]?.measurements?.at(-1)?.message, 'Metric Terminated');
    const jobs = await ro.client.list<KubeObject>(JOBS, { namespace: ns, labelSelector: `analysisrun.argoproj.io/uid=${done.metadata.uid}` });
    assert.deepEqual(jobs.items.filter((j) => !(j.metadata as { deletionTimestamp?: string }).deletionTimestamp), [], 'the Job is deleted');
  });
});
