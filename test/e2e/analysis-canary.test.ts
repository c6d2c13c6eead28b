import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, type KubeObject } from '../../controller/kube/resources.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { canaryRollout as rolloutWith, RolloutHelper, service, successRateTemplate, type RolloutLike } from '../support/rollouts.ts';

/**
 * Canary analysis on the real control plane: an analysis step and a background analysis over a
 * real Prometheus scraping a loopback fixture whose values the tests change mid-run.
 */

let fixture: HttpFixture;
let prometheus: RunningPrometheus;
const ratios = new Map<string, number>([
  ['good', 0.99],
  ['bad', 0.42],
]);

function publish(): void {
  const lines = ['# TYPE app_success_ratio gauge', ...[...ratios].map(([svc, v]) => `app_success_ratio{service="${svc}"} ${v}`), ''];
  fixture.setMetrics(lines.join('\n'));
}

before(async () => {
  fixture = await startHttpFixture();
  publish();
  prometheus = await startPrometheus({ target: fixture.hostPort });
});

after(async () => {
  await prometheus?.stop();
  await fixture?.close();
});

type Run = AnalysisRun & KubeObject;

function canaryRollout(name: string, canary: Record<string, unknown>, replicas = 4): KubeObject {
  return rolloutWith(name, { canaryService: `${name}-canary`, stableService: `${name}-stable`, ...canary }, { replicas });
}

const healthy = (ro: RolloutLike): boolean => ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

async function setUp(t: Parameters<typeof testNamespace>[0], canary: Record<string, unknown>, metric: Record<string, unknown>) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  const controller = await startController({ namespace: ns, name: `${ns}-canary-analysis` });
  t.after(() => controller.kill());
  const template = successRateTemplate('success-rate', prometheus.url, metric);
  await ro.client.create(ANALYSIS_TEMPLATES, { ...template, metadata: { ...template.metadata, namespace: ns } });
  await ro.create(service('app-stable', 'app'));
  await ro.create(service('app-canary', 'app'));
  await ro.create(canaryRollout('app', canary));
  const v1 = (await ro.waitFor('app', 'v1 Healthy', healthy)).status!.currentPodHash!;
  const run = (name: string) => ro.client.get<Run>(ANALYSIS_RUNS, ns, name);
  const runs = async () => (await ro.client.list<Run>(ANALYSIS_RUNS, { namespace: ns })).items;
  return { ns, ro, run, runs, v1 };
}

const analysisStep = (serviceName: string) => ({ analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: serviceName }] } });

/** The canary was rolled back: v2 has no pods asked for, v1 all of them, and the canary Service selects v1. */
async function rolledBack(ro: RolloutHelper, v1: string, v2: string): Promise<void> {
  await eventually('v2 scaled down and v1 back to full size', async () => {
    const [canaryRS, stableRS] = [await ro.replicaSet(v2), await ro.replicaSet(v1)];
    return canaryRS?.spec?.replicas === 0 && stableRS?.spec?.replicas === 4 ? true : undefined;
  }, 30_000);
  assert.equal(await ro.selector('app-canary'), v1);
  assert.equal(await ro.selector('app-stable'), v1);
}

describe('canary analysis on the real control plane', () => {
  test('an analysis step over a good metric lets the canary go on to 100% and complete', async (t) => {
    const { ro, run, runs, v1 } = await setUp(t, { steps: [{ setWeight: 50 }, analysisStep('good'), { setWeight: 100 }] }, { interval: '2s', count: 4 });
    assert.deepEqual(await runs(), [], 'no analysis on the first deploy');

    await ro.setImage('app', 'registry.local/app:v2');
    // Four measurements 2 s apart keep the step in progress for at least 6 s: long enough to be seen.
    const analysing = await ro.waitFor('app', 'the step run recorded', (r) => r.status?.currentStepIndex === 1 && !!r.status.canary?.currentStepAnalysisRunStatus);
    const v2 = analysing.status!.currentPodHash!;
    const name = analysing.status!.canary!.currentStepAnalysisRunStatus!.name;
    assert.equal(name, `app-${v2}-2-1`);
    const labels = (await run(name)).metadata.labels;
    assert.equal(labels?.['rollouts-pod-template-hash'], v2);
    assert.equal(labels?.['rollout-type'], 'Step');
    assert.equal(labels?.['step-index'], '1');
    assert.equal(analysing.status?.stableRS, v1);
    assert.equal((await ro.replicaSet(v2))?.spec?.replicas, 2, 'the canary holds at 50% while analysed');

    const done = await ro.waitFor('app', 'v2 promoted after the analysis succeeded', healthy, 90_000);
    assert.equal(done.status?.currentPodHash, v2);
    assert.equal(done.status?.canary?.currentStepAnalysisRunStatus, undefined, 'cleared when the step completed');
    const finished = await run(name);
    assert.equal(finished.status?.phase, 'Successful');
    assert.equal(finished.status?.metricResults?.[0]?.count, 4);
    assert.equal(finished.status?.metricResults?.[0]?.measurements?.[0]?.value, '[0.99]');
    assert.equal((await ro.replicaSet(v2))?.spec?.replicas, 4);
  });

  test('a metric that turns bad mid-run fails the step: the rollout aborts, the canary is scaled down, Degraded', async (t) => {
    ratios.set('flaky', 0.99);
    publish();
    const { ro, run, v1 } = await setUp(t, { steps: [{ setWeight: 50 }, analysisStep('flaky'), { setWeight: 100 }] }, { interval: '2s', count: 30 });
    await ro.setImage('app', 'registry.local/app:v2');
    const analysing = await ro.waitFor('app', 'the step run recorded', (r) => !!r.status?.canary?.currentStepAnalysisRunStatus, 60_000);
    const v2 = analysing.status!.currentPodHash!;
    const name = analysing.status!.canary!.currentStepAnalysisRunStatus!.name;
    await eventually('a good measurement taken', async () => ((await run(name)).status?.metricResults?.[0]?.successful ?? 0) >= 1 || undefined, 60_000);
    assert.equal((await ro.get('app')).status?.phase, 'Progressing');

    ratios.set('flaky', 0.1);
    publish();
    const aborted = await ro.waitFor('app', 'aborted after the metric turned bad', (r) => r.status?.phase === 'Degraded', 60_000);
    const entry = aborted.status?.canary?.currentStepAnalysisRunStatus;
    assert.equal(entry?.name, name);
    assert.equal(entry?.status, 'Failed');
    assert.equal(entry?.message, 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
    assert.equal(aborted.status?.abort, true);
    assert.equal(aborted.status?.currentStepIndex, 0);
    assert.equal(aborted.status?.message, `RolloutAborted: Rollout aborted update to revision 2: ${entry?.message}`);
    assert.equal(aborted.status?.stableRS, v1);
    const failed = await run(name);
    assert.equal(failed.status?.phase, 'Failed');
    assert.equal(failed.status?.metricResults?.[0]?.measurements?.at(-1)?.value, '[0.1]');
    await rolledBack(ro, v1, v2);
  });

  test('a failing background analysis aborts the canary while it waits at a pause', async (t) => {
    const { ro, run, v1 } = await setUp(
      t,
      { steps: [{ setWeight: 50 }, { pause: {} }], analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'bad' }] } },
      { interval: '1s', count: 3 },
    );
    await ro.setImage('app', 'registry.local/app:v2');
    const aborted = await ro.waitFor('app', 'aborted by the background analysis', (r) => r.status?.phase === 'Degraded', 60_000);
    const v2 = aborted.status!.currentPodHash!;
    const entry = aborted.status?.canary?.currentBackgroundAnalysisRunStatus;
    assert.equal(entry?.name, `app-${v2}-2`);
    assert.equal(entry?.status, 'Failed');
    assert.equal(aborted.status?.message, `RolloutAborted: Rollout aborted update to revision 2: ${entry?.message}`);
    const bg = await run(entry!.name);
    assert.equal(bg.metadata.labels?.['rollout-type'], 'Background');
    assert.equal(bg.status?.phase, 'Failed');
    await rolledBack(ro, v1, v2);
  });
});
