import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { validateAnalysisTemplate, validateRollout } from '../../../controller/api/index.ts';

function documents(file: string): Record<string, unknown>[] {
  const text = readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
  return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>);
}

function ofKind(file: string, kinds: string[]): Record<string, unknown>[] {
  return documents(file).filter((doc) => kinds.includes(String(doc.kind)));
}

describe('manifests shaped like Argo Rollouts examples', () => {
  const rolloutFiles = ['bluegreen.yaml', 'canary.yaml', 'canary-nginx.yaml', 'canary-istio-subset.yaml', 'canary-istio-mirror.yaml', 'canary-analysis.yaml'];
  for (const file of rolloutFiles) {
    it(`${file} parses and validates`, () => {
      const [rollout] = ofKind(file, ['Rollout']);
      const result = validateRollout(rollout);
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.equal(result.ok && result.rollout.metadata.name, (rollout?.metadata as { name: string }).name);
    });
  }

  it('keeps the pod template as written', () => {
    const result = validateRollout(ofKind('canary-nginx.yaml', ['Rollout'])[0]);
    assert.ok(result.ok);
    const container = result.rollout.spec.template?.spec?.containers[0];
    assert.deepEqual(container?.resources, { requests: { memory: '32Mi', cpu: '5m' } });
    assert.equal(result.rollout.spec.strategy.canary?.trafficRouting?.nginx?.additionalIngressAnnotations?.['canary-by-header'], 'X-Canary');
  });

  it('reads pause durations as written: integer seconds and duration strings', () => {
    const result = validateRollout(ofKind('canary.yaml', ['Rollout'])[0]);
    assert.ok(result.ok);
    const durations = (result.rollout.spec.strategy.canary?.steps ?? []).flatMap((s) => (s.pause ? [s.pause.duration] : []));
    assert.deepEqual(durations, [undefined, 40, '20s', '1h30m']);
  });

  const templates = ofKind('analysis-templates.yaml', ['AnalysisTemplate', 'ClusterAnalysisTemplate']);
  for (const template of templates) {
    const name = (template.metadata as { name: string }).name;
    it(`${template.kind} ${name} parses and validates`, () => {
      const result = validateAnalysisTemplate(template);
      assert.deepEqual(result.ok ? [] : result.errors, []);
      assert.equal(result.ok && result.template.kind, template.kind);
    });
  }

  it('reports the obsolete `name` field of old background-analysis examples as unknown', () => {
    const [rollout] = ofKind('canary-analysis.yaml', ['Rollout']);
    const strategy = (rollout as { spec: { strategy: { canary: { analysis: Record<string, unknown> } } } }).spec.strategy.canary;
    strategy.analysis = { name: 'background-analysis', ...strategy.analysis };
    const result = validateRollout(rollout);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.errors[0]?.field, 'spec.strategy.canary.analysis.name');
    assert.match(!result.ok ? (result.errors[0]?.message ?? '') : '', /^Unsupported value: "name": supported values: "templates", /);
  });
});
