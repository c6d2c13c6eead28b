import assert from 'node:assert/strict';
import { providerAuth } from '../../controller/analysis/providers/index.ts';
import { after, before, describe, it } from 'node:test';
import { nodeHttp } from '../../controller/http/client.ts';
import { createPrometheusProvider } from '../../controller/analysis/providers/prometheus/index.ts';
import type { ProviderContext } from '../../controller/analysis/providers/provider.ts';
import { applyMeasurements, planMeasurements } from '../../controller/analysis/run/index.ts';
import { resolveMetricArgs } from '../../controller/analysis/template.ts';
import type { AnalysisRun, Measurement, Metric } from '../../controller/analysis/types.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { prometheusSkipReason, startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';

const skip = prometheusSkipReason();

function analysisRun(address: string): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'canary-check', namespace: 'default', uid: 'b1f6c7d2' },
    spec: {
      args: [{ name: 'service', value: 'checkout' }],
      metrics: [
        {
          name: 'success-rate',
          successCondition: 'result[0] >= 0.95',
          provider: {
            prometheus: {
              address,
              timeout: 10,
              query: 'ramp_success_ratio{service="{{args.service}}"}',
            },
          },
        },
      ],
    },
  };
}

describe('prometheus provider against a real Prometheus', { skip }, () => {
  let fixture: HttpFixture;
  let prometheus: RunningPrometheus;

  before(async () => {
    fixture = await startHttpFixture();
    fixture.setMetrics('# TYPE ramp_success_ratio gauge\nramp_success_ratio{service="checkout"} 0.99\n');
    prometheus = await startPrometheus({ target: fixture.hostPort });
  });

  after(async () => {
    await prometheus?.stop();
    await fixture?.close();
  });

  const provider = createPrometheusProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp }) });

  async function measure(run: AnalysisRun): Promise<Measurement> {
    const metric: Metric = resolveMetricArgs(run.spec.metrics[0]!, run.spec.args);
    const ctx: ProviderContext = { run, metric, now: () => Date.now() };
    return provider.run(ctx);
  }

  // Prometheus scrapes every second; wait until the query sees `expected`.
  async function measureUntil(run: AnalysisRun, expected: string): Promise<Measurement> {
    const deadline = Date.now() + 20_000;
    let m = await measure(run);
    while (m.value !== expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      m = await measure(run);
    }
    return m;
  }

  it('a healthy ratio measures Successful and the run completes Successful', async () => {
    const run = analysisRun(prometheus.url);
    const m = await measureUntil(run, '[0.99]');
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[0.99]');
    assert.ok(m.startedAt && m.finishedAt);

    const now = Date.now();
    const plan = planMeasurements(run, now);
    assert.equal(plan.kind === 'measure' && plan.tasks.length, 1);
    const { status } = applyMeasurements(run, now, [
      { metricName: 'success-rate', measurement: m, replacesLast: false, resultMetadata: provider.metadata?.(resolveMetricArgs(run.spec.metrics[0]!, run.spec.args)) },
    ]);
    assert.equal(status.phase, 'Successful');
    assert.deepEqual(status.metricResults?.[0]?.metadata, { ResolvedPrometheusQuery: 'ramp_success_ratio{service="checkout"}' });
  });

  it('after the exposed value drops the same metric measures Failed', async () => {
    fixture.setMetrics('# TYPE ramp_success_ratio gauge\nramp_success_ratio{service="checkout"} 0.5\n');
    const run = analysisRun(prometheus.url);
    const m = await measureUntil(run, '[0.5]');
    assert.equal(m.value, '[0.5]');
    assert.equal(m.phase, 'Failed');
    const { status } = applyMeasurements(run, Date.now(), [{ metricName: 'success-rate', measurement: m, replacesLast: false }]);
    assert.equal(status.phase, 'Failed');
    assert.equal(status.message, 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
  });

  it('a query with no series gives an empty result that guarded conditions handle', async () => {
    const run = analysisRun(prometheus.url);
    const metric: Metric = {
      ...run.spec.metrics[0]!,
      successCondition: 'len(result) == 0 || result[0] < 0.05',
      provider: { prometheus: { address: prometheus.url, query: 'ramp_success_ratio{service="absent"}' } },
    };
    const m = await provider.run({ run, metric, now: () => Date.now() });
    assert.equal(m.value, '[]');
    assert.equal(m.phase, 'Successful');
  });

  it('a scalar query gives a number', async () => {
    const run = analysisRun(prometheus.url);
    const metric: Metric = {
      name: 'scalar',
      successCondition: 'result == 3 && !isNaN(result)',
      provider: { prometheus: { address: prometheus.url, query: 'scalar(vector(3))' } },
    };
    const m = await provider.run({ run, metric, now: () => Date.now() });
    assert.equal(m.value, '3');
    assert.equal(m.phase, 'Successful');
  });

  it('a bad query is an Error carrying Prometheus message', async () => {
    const run = analysisRun(prometheus.url);
    const metric: Metric = {
      name: 'broken',
      successCondition: 'true',
      provider: { prometheus: { address: prometheus.url, query: 'sum(' } },
    };
    const m = await provider.run({ run, metric, now: () => Date.now() });
    assert.equal(m.phase, 'Error');
    assert.match(m.message ?? '', /^bad_data: /);
  });
});
