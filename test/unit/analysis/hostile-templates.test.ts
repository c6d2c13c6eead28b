import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateAnalysisTemplate, type FieldError } from '../../../controller/api/index.ts';
import type { MetricProvider } from '../../../controller/analysis/providers/provider.ts';
import { reconcileAnalysisRun, type AnalysisDeps } from '../../../controller/analysis/run-controller/measure.ts';
import type { AnalysisRun } from '../../../controller/analysis/types.ts';
import { hostileTemplates } from '../../fixtures/hostile/analysis-templates.ts';

const T = Date.parse('2026-01-01T00:00:00Z');

function matches(text: string, reason: string | RegExp): boolean {
  return typeof reason === 'string' ? text.includes(reason) : reason.test(text);
}

/** Providers that fail the test if asked to measure: a run with a bad spec must not measure. */
function noMeasuring(): { deps: AnalysisDeps; calls: string[] } {
  const calls: string[] = [];
  const provider: MetricProvider = {
    type: 'Web',
    async run(ctx) {
      calls.push(ctx.metric.name);
      return { phase: 'Successful', startedAt: new Date(T).toISOString(), finishedAt: new Date(T).toISOString() };
    },
  };
  return { deps: { providers: { web: provider, prometheus: provider }, secrets: { get: async () => undefined }, now: () => T }, calls };
}

describe('hostile AnalysisTemplates: validation names the field and the reason', () => {
  it('the corpus holds distinct cases', () => {
    assert.ok(hostileTemplates.length >= 40, `${hostileTemplates.length} cases`);
    assert.equal(new Set(hostileTemplates.map((c) => c.name)).size, hostileTemplates.length);
  });

  for (const c of hostileTemplates) {
    it(c.name, () => {
      for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate']) {
        const result = validateAnalysisTemplate({ ...c.template, kind });
        assert.equal(result.ok, false, `${kind}: expected it to be invalid`);
        const errors: FieldError[] = result.ok ? [] : result.errors;
        const first = errors[0];
        assert.ok(
          first && (first.field === c.field || first.field.startsWith(`${c.field}.`) || first.field.startsWith(`${c.field}[`)) && matches(first.message, c.reason),
          `${kind}: expected ${c.field}: ${String(c.reason)}\n got:\n${errors.slice(0, 5).map((e) => `  ${e.field}: ${e.message.slice(0, 300)}`).join('\n')}`,
        );
      }
    });
  }
});

describe('hostile AnalysisTemplates: a run built from one ends in Error before measuring', () => {
  for (const c of hostileTemplates.filter((x) => x.runMessage !== undefined)) {
    it(c.name, async () => {
      const run = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'r', namespace: 'ns', uid: 'u' }, spec: c.template.spec } as AnalysisRun;
      const { deps, calls } = noMeasuring();
      const outcome = await reconcileAnalysisRun(run, deps);
      assert.equal(outcome.status.phase, 'Error');
      assert.ok(matches(outcome.status.message ?? '', c.runMessage!), `expected ${String(c.runMessage)}\n got: ${outcome.status.message}`);
      assert.deepEqual(calls, [], 'nothing was measured');
      assert.equal(outcome.requeueAfterMs, undefined, 'an Error run is not polled again');
    });
  }
});
