import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import type { AnalysisRun, AnalysisTemplate } from '../../../controller/api/index.ts';
import {
  analysisSamples,
  jobsOfAnalysisRuns,
  providerType,
  registerAnalysisMetrics,
  runEvents,
  statusPatch,
  ttlDecision,
} from '../../../controller/analysis/run-controller/index.ts';
import type { KubeObject, ResourceType } from '../../../controller/kube/resources.ts';
import type { Informer } from '../../../controller/kube/informer.ts';
import type { Caches } from '../../../controller/runtime/types.ts';

function run(over: Partial<AnalysisRun> = {}): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'app-abc-2-pre', namespace: 'ns', uid: 'run-uid' },
    spec: {
      metrics: [
        { name: 'success-rate', provider: { prometheus: { address: 'http://prom', query: 'up' } } },
        { name: 'smoke', provider: { job: { spec: { template: { spec: { containers: [], restartPolicy: 'Never' } } } } } },
      ],
    },
    ...over,
  };
}

describe('AnalysisRun pass decisions', () => {
  test('the status write is a minimal merge patch, and none when nothing changed', () => {
    const r = run({ status: { phase: 'Running', startedAt: '2026-01-01T00:00:00Z', metricResults: [{ name: 'success-rate', phase: 'Running' }] } });
    assert.equal(statusPatch(r, structuredClone(r.status!)), null);
    const patch = statusPatch(r, { ...r.status!, phase: 'Successful', completedAt: '2026-01-01T00:01:00Z' });
    assert.deepEqual(patch, { phase: 'Successful', completedAt: '2026-01-01T00:01:00Z' });
  });

  test('completing metrics and runs record Argo’s events, Warning for Failed and Error', () => {
    const before = { phase: 'Running' as const, metricResults: [{ name: 'success-rate', phase: 'Running' as const }, { name: 'smoke', phase: 'Successful' as const }] };
    const after = { phase: 'Failed' as const, metricResults: [{ name: 'success-rate', phase: 'Failed' as const }, { name: 'smoke', phase: 'Successful' as const }] };
    assert.deepEqual(runEvents(before, after), [
      { type: 'Warning', reason: 'MetricFailed', message: "Metric 'success-rate' Completed. Result: Failed" },
      { type: 'Warning', reason: 'AnalysisRunFailed', message: 'Analysis Completed. Result: Failed' },
    ]);
    assert.deepEqual(runEvents(after, after), [], 'nothing new, nothing recorded');
    assert.deepEqual(runEvents(undefined, { phase: 'Successful', metricResults: [] }), [
      { type: 'Normal', reason: 'AnalysisRunSuccessful', message: 'Analysis Completed. Result: Successful' },
    ]);
  });

  test('ttlStrategy deletes a finished run once more whole seconds than its TTL have passed', () => {
    const completedAt = Date.parse('2026-01-01T00:00:00Z');
    const finished = (phase: 'Successful' | 'Failed' | 'Error', ttlStrategy: NonNullable<AnalysisRun['spec']['ttlStrategy']>) =>
      run({ spec: { ...run().spec, ttlStrategy }, status: { phase, completedAt: '2026-01-01T00:00:00Z' } });
    assert.deepEqual(ttlDecision(finished('Successful', { secondsAfterSuccess: 10 }), completedAt + 5_000), { kind: 'wait', ms: 6_000 });
    assert.deepEqual(ttlDecision(finished('Successful', { secondsAfterSuccess: 10 }), completedAt + 10_500), { kind: 'wait', ms: 500 });
    assert.deepEqual(ttlDecision(finished('Successful', { secondsAfterSuccess: 10 }), completedAt + 11_000), { kind: 'delete' });
    assert.deepEqual(ttlDecision(finished('Failed', { secondsAfterSuccess: 10, secondsAfterFailure: 60 }), completedAt + 11_000), { kind: 'wait', ms: 50_000 });
    assert.deepEqual(ttlDecision(finished('Error', { secondsAfterFailure: 1, secondsAfterCompletion: 100 }), completedAt + 5_000), { kind: 'wait', ms: 96_000 }, 'an Error run is not a Failed one');
    assert.deepEqual(ttlDecision(finished('Error', { secondsAfterFailure: 1 }), completedAt + 5_000), { kind: 'keep' });
    assert.deepEqual(ttlDecision(run({ status: { phase: 'Running' } }), completedAt), { kind: 'keep' });
  });
});

describe('AnalysisRun metrics', () => {
  test('provider types are Argo’s display names', () => {
    assert.equal(providerType(run().spec.metrics[0]!), 'Prometheus');
    assert.equal(providerType(run().spec.metrics[1]!), 'Job');
    assert.equal(providerType({ name: 'w', provider: { web: { url: 'http://x' } } }), 'Web');
  });

  test('samples: one info series per run, a 0/1 series per phase, metric types and dry-run flags', () => {
    const r = run({ spec: { ...run().spec, dryRun: [{ metricName: 'smoke' }] }, status: { phase: 'Running', metricResults: [{ name: 'success-rate', phase: 'Successful' }] } });
    const template: AnalysisTemplate = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'rate', namespace: 'ns' }, spec: { metrics: [r.spec.metrics[0]!] } };
    const s = analysisSamples([r], [template], []);
    assert.deepEqual(s.info, [{ labels: { namespace: 'ns', name: 'app-abc-2-pre', phase: 'Running' }, value: 1 }]);
    assert.deepEqual(s.phase.filter((x) => x.value === 1).map((x) => x.labels.phase), ['Running']);
    assert.equal(s.phase.length, 6);
    assert.deepEqual(s.metricType.map((x) => [x.labels.metric, x.labels.type]), [['success-rate', 'Prometheus'], ['smoke', 'Job']]);
    const on = s.metricPhase.filter((x) => x.value === 1).map((x) => `${x.labels.metric}:${x.labels.phase}:${x.labels.dry_run}`);
    assert.deepEqual(on, ['success-rate:Successful:false', 'smoke:Pending:true'], 'a metric without a result counts as Pending');
    assert.deepEqual(s.templateMetricInfo, [{ labels: { namespace: 'ns', name: 'rate', type: 'Prometheus', metric: 'success-rate' }, value: 1 }]);
  });

  test('the gauges read the objects at scrape time', async () => {
    const registry = new Registry();
    let runs: AnalysisRun[] = [run({ status: { phase: 'Running' } })];
    registerAnalysisMetrics(registry, { runs: () => runs, templates: () => [], clusterTemplates: () => [] });
    assert.match(await registry.metrics(), /analysis_run_info\{namespace="ns",name="app-abc-2-pre",phase="Running"\} 1/);
    runs = [run({ status: { phase: 'Successful' } })];
    const text = await registry.metrics();
    assert.match(text, /analysis_run_info\{namespace="ns",name="app-abc-2-pre",phase="Successful"\} 1/);
    assert.doesNotMatch(text, /phase="Running"\} 1/);
    runs = [];
    assert.doesNotMatch(await registry.metrics(), /app-abc-2-pre/, 'a deleted run leaves no series');
  });
});

describe('Jobs of job metrics', () => {
  const cachesWith = (objects: KubeObject[]): Caches => ({
    informer<T extends KubeObject>(_type: ResourceType): Informer<T> {
      return { list: (ns?: string) => objects.filter((o) => !ns || o.metadata?.namespace === ns) } as unknown as Informer<T>;
    },
  });

  test('a Job maps to its run through Argo’s name annotation, or the uid label', () => {
    const job = (annotations?: Record<string, string>): KubeObject => ({
      metadata: { name: 'run-uid.smoke.1', namespace: 'ns', labels: { 'analysisrun.argoproj.io/uid': 'run-uid' }, ...(annotations ? { annotations } : {}) },
    });
    const caches = cachesWith([{ metadata: { name: 'app-abc-2-pre', namespace: 'ns', uid: 'run-uid' } }]);
    assert.deepEqual(jobsOfAnalysisRuns.keysFor(job({ 'analysisrun.argoproj.io/name': 'app-abc-2-pre' }), caches), ['ns/app-abc-2-pre']);
    assert.deepEqual(jobsOfAnalysisRuns.keysFor(job(), caches), ['ns/app-abc-2-pre']);
    assert.deepEqual(jobsOfAnalysisRuns.keysFor({ metadata: { name: 'other', namespace: 'ns' } }, caches), [], 'Jobs of no run are ignored');
  });
});
