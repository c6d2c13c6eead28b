import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricProvider } from '../../../controller/analysis/providers/provider.ts';
import { reconcileAnalysisRun, type AnalysisDeps } from '../../../controller/analysis/run-controller/measure.ts';
import type { AnalysisRun, Metric } from '../../../controller/analysis/types.ts';

const T = Date.parse('2025-03-01T12:00:00Z');

function analysisRun(metrics: Metric[], args: AnalysisRun['spec']['args'] = []): AnalysisRun {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'r', namespace: 'shop', uid: 'u' },
    spec: { metrics, args },
  };
}

// A web provider stand-in that answers with what the test sets and records
// the URLs it was asked for.
function scriptedWeb(answer: (url: string) => { phase: 'Successful' | 'Failed' | 'Error'; message?: string }) {
  const urls: string[] = [];
  const provider: MetricProvider = {
    type: 'Web',
    async run(ctx) {
      const url = ctx.metric.provider.web!.url;
      urls.push(url);
      const a = answer(url);
      return { ...a, startedAt: '2025-03-01T12:00:00Z', finishedAt: '2025-03-01T12:00:00Z' };
    },
  };
  return { provider, urls };
}

function deps(provider: MetricProvider, secretData: Record<string, string> = {}): AnalysisDeps {
  return {
    providers: { web: provider },
    secrets: { get: async (_ns, name) => (name === 'api' ? secretData : undefined) },
    now: () => T,
  };
}

describe('reconcileAnalysisRun takes due measurements and records them', () => {
  it('measures with secret args substituted and masks the secret in messages', async () => {
    const web = scriptedWeb((url) => ({ phase: 'Error', message: `GET ${url}: connection refused` }));
    const run = analysisRun(
      [{ name: 'check', successCondition: 'true', provider: { web: { url: 'http://svc/?token={{args.token}}' } } }],
      [{ name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
    );
    const out = await reconcileAnalysisRun(run, deps(web.provider, { token: 'hunter2' }));
    assert.deepEqual(web.urls, ['http://svc/?token=hunter2']);
    const m = out.status.metricResults?.[0]?.measurements?.[0];
    assert.equal(m?.message, 'GET http://svc/?token=*****: connection refused');
    assert.equal(out.status.phase, 'Running');
    assert.equal(out.requeueAfterMs, 10_000);
  });

  it('a missing secret makes the run Error with Argo prefix', async () => {
    const web = scriptedWeb(() => ({ phase: 'Successful' }));
    const run = analysisRun(
      [{ name: 'check', provider: { web: { url: 'http://svc/{{args.token}}' } } }],
      [{ name: 'token', valueFrom: { secretKeyRef: { name: 'absent', key: 'token' } } }],
    );
    const out = await reconcileAnalysisRun(run, deps(web.provider));
    assert.equal(out.status.phase, 'Error');
    assert.equal(out.status.message, 'Unable to resolve metric arguments: secrets "absent" not found');
  });

  it('a provider Ramp does not run ends the run in Error before any measurement, naming the metric and provider', async () => {
    const web = scriptedWeb(() => ({ phase: 'Successful' }));
    const run = analysisRun([{ name: 'dd', provider: { plugin: { 'argoproj-labs/sample': { query: 'x' } } } }]);
    const out = await reconcileAnalysisRun(run, deps(web.provider));
    assert.equal(out.status.phase, 'Error');
    assert.match(out.status.message ?? '', /metrics\[0\]: Ramp does not support metric provider plugins; use the prometheus, web, job/);
    assert.equal(out.status.metricResults?.[0]?.measurements?.length ?? 0, 0);
    assert.deepEqual(web.urls, []);
  });

  it('a completed run is left alone', async () => {
    const web = scriptedWeb(() => ({ phase: 'Successful' }));
    const run = { ...analysisRun([{ name: 'check', provider: { web: { url: 'http://svc' } } }]), status: { phase: 'Successful' as const } };
    const out = await reconcileAnalysisRun(run, deps(web.provider));
    assert.equal(out.changed, false);
    assert.deepEqual(web.urls, []);
  });
});
