import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { validateAnalysisTemplate, validateRollout, type AnalysisTemplate } from '../../../controller/api/index.ts';
import { renderAnalysisRun } from '../../../controller/reconcile/shared/analysis-run-render.ts';

function documents(file: string): Record<string, unknown>[] {
  const text = readFileSync(new URL(`../../../examples/analysis/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Record<string, unknown> | null)
    .filter((doc): doc is Record<string, unknown> => doc !== null);
}

describe('examples/analysis', () => {
  const templates = new Map<string, AnalysisTemplate>();
  for (const doc of documents('templates.yaml')) {
    const name = (doc.metadata as { name: string }).name;
    const result = validateAnalysisTemplate(doc);
    if (result.ok && result.template.kind === 'AnalysisTemplate') templates.set(name, result.template);
    test(`AnalysisTemplate ${name} validates`, () => {
      assert.deepEqual(result.ok ? [] : result.errors, []);
    });
  }

  test('the Rollout validates, and its analyses build runs from the templates with every argument resolved', () => {
    const result = validateRollout(documents('rollout.yaml')[0]);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const rollout = { ...result.rollout, metadata: { ...result.rollout.metadata, namespace: 'demo', uid: 'uid-1', annotations: { 'rollout.argoproj.io/revision': '2' } } };
    const bg = rollout.spec.strategy.blueGreen!;
    const pre = renderAnalysisRun(rollout, 'PrePromotion', bg.prePromotionAnalysis!, { newHash: 'abc123' }, { templates }, 'analysis-demo-abc123-2-pre');
    assert.deepEqual(pre.spec.metrics.map((m) => m.name), ['success-rate', 'smoke-test']);
    assert.deepEqual(Object.fromEntries((pre.spec.args ?? []).map((a) => [a.name, a.value])), {
      'pod-hash': 'abc123',
      'prometheus-address': 'http://prometheus.monitoring.svc.cluster.local:9090',
      url: 'http://analysis-demo-preview/',
    });
    const post = renderAnalysisRun(rollout, 'PostPromotion', bg.postPromotionAnalysis!, { newHash: 'abc123' }, { templates }, 'analysis-demo-abc123-2-post');
    assert.deepEqual(post.spec.args, [
      { name: 'service-name', value: 'analysis-demo-active' },
      { name: 'namespace', value: 'demo' },
    ]);
    assert.equal(post.metadata.labels?.['rollout-type'], 'PostPromotion');
  });

  test('the canary Rollout validates; its analysis step and background analysis build runs with every argument resolved', () => {
    const result = validateRollout(documents('canary-rollout.yaml')[0]);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const rollout = { ...result.rollout, metadata: { ...result.rollout.metadata, namespace: 'demo', uid: 'uid-1', annotations: { 'rollout.argoproj.io/revision': '2' } } };
    const canary = rollout.spec.strategy.canary!;
    const index = (canary.steps ?? []).findIndex((s) => s.analysis !== undefined);
    const step = renderAnalysisRun(rollout, 'Step', canary.steps![index]!.analysis!, { newHash: 'abc123' }, { templates }, `analysis-canary-demo-abc123-2-${index}`, { 'step-index': String(index) });
    assert.deepEqual(step.spec.metrics.map((m) => m.name), ['smoke-test']);
    assert.deepEqual(step.spec.args, [{ name: 'url', value: 'http://analysis-canary-demo-canary/' }]);
    assert.deepEqual(step.metadata.labels, { 'rollouts-pod-template-hash': 'abc123', 'rollout-type': 'Step', 'step-index': '3', app: 'analysis-canary-demo' });
    const background = renderAnalysisRun(rollout, 'Background', canary.analysis!, { newHash: 'abc123' }, { templates }, 'analysis-canary-demo-abc123-2');
    assert.deepEqual(Object.fromEntries((background.spec.args ?? []).map((a) => [a.name, a.value])), {
      'pod-hash': 'abc123',
      'prometheus-address': 'http://prometheus.monitoring.svc.cluster.local:9090',
    });
    assert.equal(canary.analysis?.startingStep, 1);
  });

  test('the kustomization lists every manifest in the folder', () => {
    const listed = (documents('kustomization.yaml')[0] as { resources: string[] }).resources.sort();
    const files = readdirSync(new URL('../../../examples/analysis/', import.meta.url)).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();
    assert.deepEqual(listed, files);
  });
});
