import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, JOBS, type KubeObject } from '../../controller/kube/resources.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, RolloutHelper, service, successRateTemplate, type RolloutLike } from '../support/rollouts.ts';

/**
 * Analysis on the real control plane: the controller process runs both reconcilers, a real
 * Prometheus scrapes a loopback fixture, and kwok completes the pods of job metrics.
 */

let fixture: HttpFixture;
let prometheus: RunningPrometheus;

before(async () => {
  fixture = await startHttpFixture();
  fixture.setMetrics(['# TYPE app_success_ratio gauge', 'app_success_ratio{service="good"} 0.99', 'app_success_ratio{service="bad"} 0.42', ''].join('\n'));
  prometheus = await startPrometheus({ target: fixture.hostPort });
});

after(async () => {
  await prometheus?.stop();
  await fixture?.close();
});

/** A metric name that makes `<uid>.<metric>.1` longer than a Job name may be. */
const LONG_METRIC = 'a-smoke-test-whose-name-is-long';

const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.blueGreen?.activeSelector === ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

async function setUp(t: Parameters<typeof testNamespace>[0]) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  const controller = await startController({ namespace: ns, name: `${ns}-analysis` });
  t.after(() => controller.kill());
  const create = (type: typeof ANALYSIS_TEMPLATES, obj: KubeObject) => ro.client.create(type, { ...obj, metadata: { ...obj.metadata, namespace: ns } });
  const run = (name: string) => ro.client.get<KubeObject>(ANALYSIS_RUNS, ns, name) as Promise<AnalysisRun & KubeObject>;
  return { ns, ro, controller, create, run };
}

/** v1 Healthy behind app-active, its pre- or post-promotion analysis over the `success-rate` template of `metric`. */
async function blueGreenWithAnalysis(
  t: Parameters<typeof testNamespace>[0],
  analysis: 'prePromotionAnalysis' | 'postPromotionAnalysis',
  serviceName: string,
  metric: Record<string, unknown>,
  blueGreen: Record<string, unknown> = {},
) {
  const env = await setUp(t);
  const { ro, create } = env;
  await create(ANALYSIS_TEMPLATES, successRateTemplate('success-rate', prometheus.url, metric));
  await ro.create(service('app-active', 'app'));
  await ro.create(service('app-preview', 'app'));
  await ro.create(
    blueGreenRollout('app', {
      activeService: 'app-active',
      previewService: 'app-preview',
      ...blueGreen,
      [analysis]: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: serviceName }] },
    }),
  );
  const v1 = (await ro.waitFor('app', 'v1 Healthy', healthy)).status!.currentPodHash!;
  return { ...env, v1 };
}

/** The `flaky` series: 0.7 is neither >= 0.95 (success) nor < 0.5 (failure), so a measurement of it is Inconclusive. */
const INCONCLUSIVE_BETWEEN = { failureCondition: 'result[0] < 0.5' };
const withFlaky = (value: string): string =>
  ['# TYPE app_success_ratio gauge', 'app_success_ratio{service="good"} 0.99', 'app_success_ratio{service="bad"} 0.42', `app_success_ratio{service="flaky"} ${value}`, ''].join('\n');

/** Serves the flaky series at `value` and waits until Prometheus answers with it. */
async function setFlaky(value: string): Promise<void> {
  fixture.setMetrics(withFlaky(value));
  await eventually(`Prometheus scraped app_success_ratio{service="flaky"} ${value}`, async () => {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('app_success_ratio{service="flaky"}')}`);
    const body = (await res.json()) as { data?: { result?: Array<{ value?: [number, string] }> } };
    return body.data?.result?.[0]?.value?.[1] === value ? true : undefined;
  }, 30_000);
}

/** Waits for the pause an Inconclusive pre- or post-promotion run puts the rollout in. */
function inconclusivePause(ro: RolloutHelper, field: 'prePromotionAnalysisRunStatus' | 'postPromotionAnalysisRunStatus'): Promise<RolloutLike> {
  return ro.waitFor(
    'app',
    `paused for the inconclusive ${field === 'prePromotionAnalysisRunStatus' ? 'pre' : 'post'}-promotion run`,
    (r) => r.status?.blueGreen?.[field]?.status === 'Inconclusive' && (r.status.pauseConditions ?? []).some((p) => p.reason === 'InconclusiveAnalysisRun'),
    60_000,
  );
}

describe('blue-green analysis on the real control plane', () => {
  test('prePromotionAnalysis holds promotion while its run is Running and promotes when it succeeds', async (t) => {
    const { ro, run, v1 } = await blueGreenWithAnalysis(t, 'prePromotionAnalysis', 'good', { interval: '2s', count: 4 }, { abortScaleDownDelaySeconds: 0 });
    assert.equal((await ro.get('app')).status?.blueGreen?.prePromotionAnalysisRunStatus, undefined, 'no analysis on the first deploy');

    await ro.setImage('app', 'registry.local/app:v2');
    const analysing = await ro.waitFor('app', 'the pre-promotion run Running', (r) => r.status?.blueGreen?.prePromotionAnalysisRunStatus?.status === 'Running');
    const v2 = analysing.status!.currentPodHash!;
    const name = analysing.status!.blueGreen!.prePromotionAnalysisRunStatus!.name;
    assert.equal(name, `app-${v2}-2-pre`);
    assert.equal(await ro.selector('app-active'), v1, 'the active Service stays on v1 while the analysis runs');
    assert.equal(await ro.selector('app-preview'), v2);
    assert.equal(analysing.status?.stableRS, v1);

    const labels = (await run(name)).metadata.labels;
    assert.equal(labels?.['rollouts-pod-template-hash'], v2);
    assert.equal(labels?.['rollout-type'], 'PrePromotion');

    const promoted = await ro.waitFor('app', 'v2 promoted after the analysis succeeded', healthy, 60_000);
    assert.equal(promoted.status?.currentPodHash, v2);
    assert.equal(await ro.selector('app-active'), v2);
    assert.deepEqual(promoted.status?.blueGreen?.prePromotionAnalysisRunStatus, { name, status: 'Successful' });
    const finished = await run(name);
    assert.equal(finished.status?.phase, 'Successful');
    assert.equal(finished.status?.metricResults?.[0]?.count, 4);
    assert.equal(finished.status?.metricResults?.[0]?.measurements?.[0]?.value, '[0.99]');
  });

  test('a bad metric fails the run and the rollout aborts: Degraded, v1 stays active', async (t) => {
    const { ro, run, v1 } = await blueGreenWithAnalysis(t, 'prePromotionAnalysis', 'bad', {}, { abortScaleDownDelaySeconds: 0 });
    await ro.setImage('app', 'registry.local/app:v2');
    const aborted = await ro.waitFor('app', 'aborted after the analysis failed', (r) => r.status?.phase === 'Degraded', 60_000);
    const entry = aborted.status?.blueGreen?.prePromotionAnalysisRunStatus;
    assert.equal(entry?.status, 'Failed');
    assert.equal(entry?.message, 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
    assert.equal(aborted.status?.abort, true);
    assert.equal(aborted.status?.message, `RolloutAborted: Rollout aborted update to revision 2: ${entry?.message}`);
    assert.equal(await ro.selector('app-active'), v1);
    assert.equal((await run(entry!.name)).status?.phase, 'Failed');
    await eventually('v2 scaled down', async () => ((await ro.replicaSet(aborted.status!.currentPodHash!))?.spec?.replicas === 0 ? true : undefined), 20_000);

    // retry runs the analysis again under the next free name; the metric is still bad.
    await ro.retry('app');
    const again = await ro.waitFor(
      'app',
      'a second run failed after retry',
      (r) => r.status?.blueGreen?.prePromotionAnalysisRunStatus?.name === `${entry!.name}.1` && r.status.phase === 'Degraded',
      60_000,
    );
    assert.equal(again.status?.blueGreen?.prePromotionAnalysisRunStatus?.status, 'Failed');
    assert.equal(await ro.selector('app-active'), v1);
    const runs = await ro.client.list<KubeObject>(ANALYSIS_RUNS, { namespace: ro.namespace });
    assert.deepEqual(runs.items.map((r) => r.metadata?.name).sort(), [entry!.name, `${entry!.name}.1`]);
  });

  test('an Inconclusive pre-promotion run pauses; promote runs the analysis again and, the metric good now, promotes', async (t) => {
    await setFlaky('0.7');
    t.after(() => fixture.setMetrics(withFlaky('0.7')));
    const { ro, run, v1 } = await blueGreenWithAnalysis(t, 'prePromotionAnalysis', 'flaky', INCONCLUSIVE_BETWEEN, { abortScaleDownDelaySeconds: 0 });
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await inconclusivePause(ro, 'prePromotionAnalysisRunStatus');
    const v2 = paused.status!.currentPodHash!;
    const first = paused.status!.blueGreen!.prePromotionAnalysisRunStatus!.name;
    assert.equal(first, `app-${v2}-2-pre`);
    assert.equal(paused.status?.controllerPause, true);
    assert.equal(paused.status?.phase, 'Paused');
    assert.equal(await ro.selector('app-active'), v1);
    assert.equal((await run(first)).status?.phase, 'Inconclusive');

    await setFlaky('0.99');
    await ro.promote('app');

    const promoted = await ro.waitFor('app', 'v2 promoted after the second run succeeded', healthy, 60_000);
    assert.equal(promoted.status?.currentPodHash, v2);
    assert.equal(await ro.selector('app-active'), v2);
    assert.deepEqual(promoted.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `${first}.1`, status: 'Successful' });
    assert.equal(promoted.status?.controllerPause, undefined);
    assert.equal(promoted.status?.pauseConditions, undefined);
    const second = await run(`${first}.1`);
    assert.equal(second.metadata.labels?.['rollout-type'], 'PrePromotion');
    assert.equal(second.status?.metricResults?.[0]?.measurements?.[0]?.value, '[0.99]');
    const runs = await ro.client.list<KubeObject>(ANALYSIS_RUNS, { namespace: ro.namespace });
    assert.deepEqual(runs.items.map((r) => r.metadata?.name).sort(), [first, `${first}.1`]);
  });

  test('an Inconclusive post-promotion run pauses with v2 serving; promote runs it again and, the metric good now, v2 becomes stable', async (t) => {
    await setFlaky('0.7');
    t.after(() => fixture.setMetrics(withFlaky('0.7')));
    const { ro, run, v1 } = await blueGreenWithAnalysis(t, 'postPromotionAnalysis', 'flaky', INCONCLUSIVE_BETWEEN);
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await inconclusivePause(ro, 'postPromotionAnalysisRunStatus');
    const v2 = paused.status!.currentPodHash!;
    const first = paused.status!.blueGreen!.postPromotionAnalysisRunStatus!.name;
    assert.equal(first, `app-${v2}-2-post`);
    assert.equal(paused.status?.phase, 'Paused');
    assert.equal(paused.status?.stableRS, v1);
    assert.equal(await ro.selector('app-active'), v2, 'v2 keeps serving while paused');
    assert.equal((await ro.replicaSet(v2))?.spec?.replicas, 3);

    await setFlaky('0.99');
    await ro.promote('app');
    const stable = await ro.waitFor('app', 'v2 stable after the second post-promotion run succeeded', healthy, 60_000);
    assert.deepEqual(stable.status?.blueGreen?.postPromotionAnalysisRunStatus, { name: `${first}.1`, status: 'Successful' });
    assert.equal(stable.status?.pauseConditions, undefined);
    assert.equal((await run(first)).status?.phase, 'Inconclusive');
    assert.equal((await run(`${first}.1`)).metadata.labels?.['rollout-type'], 'PostPromotion');
    const runs = await ro.client.list<KubeObject>(ANALYSIS_RUNS, { namespace: ro.namespace });
    assert.deepEqual(runs.items.map((r) => r.metadata?.name).sort(), [first, `${first}.1`]);
  });

  test('a web-provider AnalysisRun against a loopback endpoint succeeds, and shows in Argo’s metrics', async (t) => {
    const { ns, ro, run, controller } = await setUp(t);
    fixture.setJson('/health', { status: 'ok', checks: { db: 'up' } });
    await ro.client.create(ANALYSIS_RUNS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'health', namespace: ns },
      spec: {
        args: [{ name: 'base', value: fixture.url }],
        metrics: [{ name: 'health', successCondition: 'result == "up"', provider: { web: { url: '{{args.base}}/health', jsonPath: '{$.checks.db}', timeoutSeconds: 5 } } }],
      },
    } as KubeObject);
    const done = await eventually('the web run finished', async () => {
      const r = await run('health');
      return r.status?.phase === 'Successful' || r.status?.phase === 'Failed' || r.status?.phase === 'Error' ? r : undefined;
    });
    assert.equal(done.status?.phase, 'Successful', JSON.stringify(done.status));
    assert.equal(done.status?.metricResults?.[0]?.measurements?.[0]?.value, '"up"');
    assert.ok(fixture.requests.some((r) => r.path === '/health'));
    const metrics = await (await fetch(controller.metricsUrl)).text();
    assert.match(metrics, new RegExp(`analysis_run_info\\{namespace="${ns}",name="health",phase="Successful"\\} 1`));
    assert.match(metrics, new RegExp(`analysis_run_metric_type\\{namespace="${ns}",name="health",metric="health",type="Web"\\} 1`));
    assert.match(metrics, new RegExp(`analysis_run_reconcile_count\\{namespace="${ns}",name="health"\\} [1-9]`));
  });

  test('a job-provider AnalysisRun whose Jobs complete is Successful; a metric name too long for a 63-character Job name is cut short as in Argo', async (t) => {
    const { ns, ro, run } = await setUp(t);
    await ro.client.create(ANALYSIS_RUNS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisRun',
      metadata: { name: 'smoke', namespace: ns },
      spec: {
        metrics: [
          ...['smoke-test', LONG_METRIC].map((name) => ({
            name,
            provider: {
              job: {
                spec: {
                  backoffLimit: 0,
                  template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'registry.local/smoke:1', command: ['true'] }] } },
                },
              },
            },
          })),
        ],
      },
    } as KubeObject);
    const done = await eventually(
      'the job run finished',
      async () => {
        const r = await run('smoke');
        return r.status?.phase === 'Successful' || r.status?.phase === 'Failed' || r.status?.phase === 'Error' ? r : undefined;
      },
      60_000,
    );
    assert.equal(done.status?.phase, 'Successful', JSON.stringify(done.status));
    const uid = done.metadata.uid!;
    const jobs = await ro.client.list<KubeObject>(JOBS, { namespace: ns, labelSelector: `analysisrun.argoproj.io/uid=${uid}` });
    const byMetric = new Map(jobs.items.map((j) => [j.metadata?.annotations?.['analysisrun.argoproj.io/metric-name'], j.metadata?.name]));
    assert.equal(jobs.items.length, 2);
    assert.equal(byMetric.get('smoke-test'), `${uid}.smoke-test.1`);
    // Argo's newJobName: the metric name loses as many characters as the whole is over 63; a cut
    // ending in '-' (which the apiserver refuses) loses its trailing dashes too.
    const full = `${uid}.${LONG_METRIC}.1`;
    assert.ok(full.length > 63);
    assert.equal(byMetric.get(LONG_METRIC), `${uid}.${LONG_METRIC.slice(0, LONG_METRIC.length - (full.length - 63)).replace(/-+$/, '')}.1`);
  });
});
