import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMeasurements, planMeasurements, type TakenMeasurement } from '../../../controller/analysis/run/index.ts';
import type { AnalysisPhase, AnalysisRun, Measurement, Metric } from '../../../controller/analysis/types.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');
const at = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString().replace('.000Z', 'Z');

function metric(overrides: Partial<Metric> = {}): Metric {
  return {
    name: 'success-rate',
    successCondition: 'result[0] >= 0.95',
    provider: { prometheus: { address: 'http://prom:9090', query: 'up' } },
    ...overrides,
  };
}

function newRun(metrics: Metric[], spec: Partial<AnalysisRun['spec']> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'run', namespace: 'ns', uid: 'uid-1' },
    spec: { metrics, ...spec },
  };
}

function finished(phase: AnalysisPhase, seconds: number, extra: Partial<Measurement> = {}): Measurement {
  return { phase, startedAt: iso(seconds), finishedAt: iso(seconds), ...extra };
}

function take(name: string, measurement: Measurement, replacesLast = false): TakenMeasurement {
  return { metricName: name, measurement, replacesLast };
}

// Plays the reconcile loop: plan at `seconds`, measure every due task with
// the phase the test chooses, fold the results in.
function step(run: AnalysisRun, seconds: number, phaseFor: (m: Metric) => AnalysisPhase | Measurement) {
  const plan = planMeasurements(run, at(seconds));
  assert.equal(plan.kind, 'measure');
  const tasks = plan.kind === 'measure' ? plan.tasks : [];
  const taken = tasks.map((t) => {
    const chosen = phaseFor(t.metric);
    const m = typeof chosen === 'string' ? finished(chosen, seconds) : chosen;
    return take(t.metric.name, m, t.action !== 'run');
  });
  const result = applyMeasurements(run, at(seconds), taken);
  return { run: { ...run, status: result.status }, result, tasks };
}

describe('measurement bookkeeping follows Argo', () => {
  it('a single measurement without interval completes the run', () => {
    const { run, result, tasks } = step(newRun([metric()]), 0, () => 'Successful');
    assert.deepEqual(tasks.map((t) => t.action), ['run']);
    assert.deepEqual(run.status, {
      phase: 'Successful',
      metricResults: [
        {
          name: 'success-rate',
          phase: 'Successful',
          measurements: [{ phase: 'Successful', startedAt: iso(0), finishedAt: iso(0) }],
          count: 1,
          successful: 1,
          consecutiveSuccess: 1,
        },
      ],
      startedAt: iso(0),
      completedAt: iso(0),
      runSummary: { count: 1, successful: 1 },
      dryRunSummary: {},
    });
    assert.equal(result.requeueAfterMs, undefined);
    assert.deepEqual(planMeasurements(run, at(100)), { kind: 'completed' });
  });

  it('an interval metric is due only after the interval has passed', () => {
    let { run, result } = step(newRun([metric({ interval: '30s', count: 3 })]), 0, () => 'Successful');
    assert.equal(run.status?.phase, 'Running');
    assert.equal(result.requeueAfterMs, 30_000);
    assert.deepEqual(planMeasurements(run, at(30)), { kind: 'measure', tasks: [] });
    ({ run, result } = step(run, 31, () => 'Successful'));
    assert.equal(run.status?.metricResults?.[0]?.count, 2);
    ({ run, result } = step(run, 62, () => 'Successful'));
    assert.equal(run.status?.phase, 'Successful');
    assert.equal(run.status?.metricResults?.[0]?.measurements?.length, 3);
  });

  it('initialDelay holds the first measurement and sets the requeue', () => {
    const start = applyMeasurements(newRun([metric({ initialDelay: '1m' })]), at(0), []);
    assert.equal(start.status.phase, 'Running');
    assert.equal(start.status.startedAt, iso(0));
    assert.equal(start.requeueAfterMs, 60_000);
    const run = { ...newRun([metric({ initialDelay: '1m' })]), status: start.status };
    assert.deepEqual(planMeasurements(run, at(59)), { kind: 'measure', tasks: [] });
    const plan = planMeasurements(run, at(60));
    assert.equal(plan.kind === 'measure' && plan.tasks.length, 1);
  });

  it('failures beyond failureLimit fail the metric and the run with Argo message', () => {
    let run = newRun([metric({ interval: '10s', count: 5, failureLimit: 1 })]);
    ({ run } = step(run, 0, () => 'Failed'));
    assert.equal(run.status?.phase, 'Running');
    ({ run } = step(run, 11, () => 'Failed'));
    assert.equal(run.status?.phase, 'Failed');
    assert.equal(run.status?.message, 'Metric "success-rate" assessed Failed due to failed (2) > failureLimit (1)');
    assert.deepEqual(run.status?.runSummary, { count: 1, failed: 1 });
    const r = run.status?.metricResults?.[0];
    assert.deepEqual([r?.phase, r?.count, r?.failed], ['Failed', 2, 2]);
  });

  it('consecutiveSuccessLimit ends the metric Successful once the streak is reached, before count', () => {
    let run = newRun([metric({ interval: '10s', count: 10, failureLimit: 3, consecutiveSuccessLimit: 2 })]);
    const phases: AnalysisPhase[] = ['Successful', 'Failed', 'Successful', 'Successful'];
    for (const [i, phase] of phases.entries()) {
      ({ run } = step(run, i * 11, () => phase));
      const r = run.status?.metricResults?.[0];
      if (i < phases.length - 1) assert.equal(run.status?.phase, 'Running', `after measurement ${i + 1}`);
      if (i === 1) assert.equal(r?.consecutiveSuccess, undefined, 'a failure breaks the streak');
    }
    assert.equal(run.status?.phase, 'Successful');
    const r = run.status?.metricResults?.[0];
    assert.deepEqual([r?.count, r?.failed, r?.consecutiveSuccess], [4, 1, 2]);
  });

  it('with consecutiveSuccessLimit, reaching count without the streak or too many failures is Inconclusive', () => {
    let run = newRun([metric({ interval: '10s', count: 3, failureLimit: 3, consecutiveSuccessLimit: 3 })]);
    for (const [i, phase] of (['Successful', 'Failed', 'Successful'] as AnalysisPhase[]).entries()) ({ run } = step(run, i * 11, () => phase));
    assert.equal(run.status?.phase, 'Inconclusive');
    assert.equal(run.status?.metricResults?.[0]?.phase, 'Inconclusive');
  });

  it('consecutiveSuccessLimit does not override failureLimit', () => {
    let run = newRun([metric({ interval: '10s', count: 5, failureLimit: 0, consecutiveSuccessLimit: 2 })]);
    ({ run } = step(run, 0, () => 'Failed'));
    assert.equal(run.status?.phase, 'Failed');
  });

  it('one inconclusive measurement makes the run Inconclusive by default', () => {
    const { run } = step(newRun([metric()]), 0, () => 'Inconclusive');
    assert.equal(run.status?.phase, 'Inconclusive');
    assert.equal(run.status?.message, 'Metric "success-rate" assessed Inconclusive due to inconclusive (1) > inconclusiveLimit (0)');
  });

  it('errors retry every 10s and end the metric after consecutiveErrorLimit (default 4)', () => {
    let run = newRun([metric()]);
    let result;
    for (let i = 0; i < 4; i++) {
      ({ run, result } = step(run, i * 11, () => finished('Error', i * 11, { message: 'connection refused' })));
      assert.equal(run.status?.phase, 'Running', `after ${i + 1} errors`);
      assert.equal(result.requeueAfterMs, 10_000);
    }
    ({ run } = step(run, 44, () => finished('Error', 44, { message: 'connection refused' })));
    assert.equal(run.status?.phase, 'Error');
    assert.equal(
      run.status?.message,
      'Metric "success-rate" assessed Error due to consecutiveErrors (5) > consecutiveErrorLimit (4): "Error Message: connection refused"',
    );
    const r = run.status?.metricResults?.[0];
    assert.deepEqual([r?.error, r?.consecutiveError, r?.count, r?.message], [5, 5, undefined, 'connection refused']);
  });

  it('a success resets consecutive errors', () => {
    let run = newRun([metric({ interval: '5s', count: 3, consecutiveErrorLimit: 1 })]);
    ({ run } = step(run, 0, () => 'Error'));
    ({ run } = step(run, 11, () => 'Successful'));
    const r = run.status?.metricResults?.[0];
    assert.deepEqual([r?.error, r?.consecutiveError, r?.count], [1, undefined, 1]);
    ({ run } = step(run, 17, () => 'Error'));
    assert.equal(run.status?.phase, 'Running');
  });

  it('a dry-run metric is recorded but does not decide the run', () => {
    const run0 = newRun([metric({ name: 'real' }), metric({ name: 'trial' })], { dryRun: [{ metricName: 'trial' }] });
    const { run } = step(run0, 0, (m) => (m.name === 'trial' ? 'Failed' : 'Successful'));
    assert.equal(run.status?.phase, 'Successful');
    assert.deepEqual(run.status?.runSummary, { count: 1, successful: 1 });
    assert.deepEqual(run.status?.dryRunSummary, { count: 1, failed: 1 });
    const trial = run.status?.metricResults?.find((r) => r.name === 'trial');
    assert.equal(trial?.dryRun, true);
    assert.equal(trial?.phase, 'Failed');
    assert.equal(trial?.message, 'Metric assessed Failed due to failed (1) > failureLimit (0)');
  });

  it('a failed dry-run metric does not stop the others from measuring', () => {
    const run0 = newRun([metric({ name: 'real', interval: '10s', count: 2 }), metric({ name: 'trial' })], {
      dryRun: [{ metricName: 'tri.*' }],
    });
    const { run } = step(run0, 0, (m) => (m.name === 'trial' ? 'Failed' : 'Successful'));
    assert.equal(run.status?.phase, 'Running');
    const plan = planMeasurements(run, at(11));
    assert.deepEqual(plan.kind === 'measure' && plan.tasks.map((t) => t.metric.name), ['real']);
  });

  it('keeps the newest 10 measurements by default and asks providers to clean up', () => {
    let run = newRun([metric({ interval: '1s' })]);
    let result;
    for (let i = 0; i < 12; i++) ({ run, result } = step(run, i * 2, () => 'Successful'));
    const ms = run.status?.metricResults?.[0]?.measurements ?? [];
    assert.equal(ms.length, 10);
    assert.equal(ms[0]?.startedAt, iso(4));
    assert.equal(run.status?.metricResults?.[0]?.count, 12);
    assert.deepEqual(result?.garbageCollect, [{ metricName: 'success-rate', limit: 10 }]);
  });

  it('measurementRetention keeps the configured number', () => {
    let run = newRun([metric({ interval: '1s' })], { measurementRetention: [{ metricName: 'success-rate', limit: 2 }] });
    for (let i = 0; i < 4; i++) ({ run } = step(run, i * 2, () => 'Successful'));
    assert.deepEqual(run.status?.metricResults?.[0]?.measurements?.map((m) => m.startedAt), [iso(4), iso(6)]);
  });

  it('terminate ends an endless metric as Successful with "Run Terminated"', () => {
    let run = newRun([metric({ interval: '1m' })]);
    ({ run } = step(run, 0, () => 'Successful'));
    assert.equal(run.status?.phase, 'Running');
    run = { ...run, spec: { ...run.spec, terminate: true } };
    const plan = planMeasurements(run, at(120));
    assert.deepEqual(plan, { kind: 'measure', tasks: [] });
    const { status, requeueAfterMs } = applyMeasurements(run, at(120), []);
    assert.equal(status.phase, 'Successful');
    assert.equal(status.message, 'Run Terminated');
    assert.equal(status.metricResults?.[0]?.phase, 'Successful');
    assert.equal(requeueAfterMs, undefined);
  });

  it('terminate stops an in-flight measurement through the provider', () => {
    let run = newRun([metric()]);
    const running: Measurement = { phase: 'Running', startedAt: iso(0), metadata: { 'job-name': 'uid-1.success-rate.1' } };
    ({ run } = step(run, 0, () => running));
    assert.equal(run.status?.metricResults?.[0]?.phase, 'Running');
    run = { ...run, spec: { ...run.spec, terminate: true } };
    const plan = planMeasurements(run, at(5));
    assert.equal(plan.kind, 'measure');
    assert.deepEqual(plan.kind === 'measure' && plan.tasks.map((t) => [t.action, t.incomplete?.metadata]), [
      ['terminate', { 'job-name': 'uid-1.success-rate.1' }],
    ]);
  });

  it('an in-flight Job stopped by the run\'s termination ends the run Inconclusive, as in Argo (JobProvider.Terminate), before its resumeAt', () => {
    let run = newRun([metric()]);
    const running: Measurement = { phase: 'Running', startedAt: iso(0), resumeAt: iso(60), metadata: { 'job-name': 'uid-1.success-rate.1' } };
    ({ run } = step(run, 0, () => running));
    run = { ...run, spec: { ...run.spec, terminate: true } };
    // What measure.ts records from the job provider's terminate.
    let tasks: { action: string }[];
    ({ run, tasks } = step(run, 5, () => ({ ...running, phase: 'Inconclusive', finishedAt: iso(5), message: 'Metric Terminated' })));
    assert.deepEqual(tasks.map((t) => t.action), ['terminate'], 'terminated at once, not at resumeAt');
    assert.equal(run.status?.phase, 'Inconclusive');
    assert.equal(run.status?.metricResults?.[0]?.phase, 'Inconclusive');
    assert.equal(run.status?.metricResults?.[0]?.message, 'Metric Terminated');
    assert.deepEqual(run.status?.runSummary, { count: 1, inconclusive: 1 });
  });

  it('an in-flight measurement is resumed, not restarted, and replaced when done', () => {
    let run = newRun([metric()]);
    const running: Measurement = { phase: 'Running', startedAt: iso(0), resumeAt: iso(10) };
    ({ run } = step(run, 0, () => running));
    assert.deepEqual(planMeasurements(run, at(5)), { kind: 'measure', tasks: [] });
    const { run: done, tasks } = step(run, 10, () => finished('Successful', 10, { startedAt: iso(0) }));
    assert.deepEqual(tasks.map((t) => t.action), ['resume']);
    assert.equal(done.status?.phase, 'Successful');
    assert.equal(done.status?.metricResults?.[0]?.measurements?.length, 1);
  });

  it('the worst metric decides: Failed beats Error beats Inconclusive', () => {
    const run0 = newRun([metric({ name: 'a' }), metric({ name: 'b' }), metric({ name: 'c' })]);
    const { run } = step(run0, 0, (m) => ({ a: 'Inconclusive', b: 'Failed', c: 'Successful' })[m.name] as AnalysisPhase);
    assert.equal(run.status?.phase, 'Failed');
    assert.deepEqual(run.status?.runSummary, { count: 3, successful: 1, failed: 1, inconclusive: 1 });
  });

  it('an invalid spec is an Error with Argo message', () => {
    const plan = planMeasurements(newRun([metric({ count: 3 })]), at(0));
    assert.equal(plan.kind, 'invalid');
    assert.equal(
      plan.kind === 'invalid' && plan.status.message,
      'Analysis spec invalid: metrics[0]: interval must be specified when count > 1',
    );
    assert.equal(plan.kind === 'invalid' && plan.status.phase, 'Error');
  });

  it('an argument without a value is an Error naming it', () => {
    const run = newRun([metric({ provider: { prometheus: { query: 'up{svc="{{args.service}}"}' } } })], {
      args: [{ name: 'service' }],
    });
    const plan = planMeasurements(run, at(0));
    assert.equal(plan.kind === 'invalid' && plan.status.message, 'Unable to resolve metric arguments: argument "service" was not supplied');
  });

  it('a secret argument is not needed to plan, and is masked in messages', () => {
    const run0 = newRun([metric({ provider: { web: { url: 'http://x/{{args.token}}' } } })], {
      args: [{ name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    });
    const plan = planMeasurements(run0, at(0));
    assert.equal(plan.kind, 'measure');
    const { status } = applyMeasurements(
      run0,
      at(0),
      [take('success-rate', finished('Error', 0, { message: 'GET http://x/hunter2 failed' }))],
      { secrets: ['hunter2'] },
    );
    assert.equal(status.metricResults?.[0]?.measurements?.[0]?.message, 'GET http://x/*****  failed'.replace('  ', ' '));
  });
});
