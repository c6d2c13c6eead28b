import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { validateExperiment, validateRollout, type Rollout } from '../../../controller/api/index.ts';
import { planRollout } from '../../../controller/cli/plan/plan.ts';
import { stepFacts } from '../../../controller/reconcile/canary/steps.ts';

/** The manifests a new user applies (examples/<name>/, through its kustomization) stay valid. */

const EXAMPLES = new URL('../../../examples/', import.meta.url);

interface KubeDoc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: Record<string, unknown>;
}

function kustomized(dir: string): KubeDoc[] {
  const kustomization = parseAllDocuments(readFileSync(new URL(`${dir}/kustomization.yaml`, EXAMPLES), 'utf8'))[0]?.toJS() as { resources?: string[] };
  return (kustomization.resources ?? []).flatMap((file) =>
    parseAllDocuments(readFileSync(new URL(`${dir}/${file}`, EXAMPLES), 'utf8'))
      .map((doc) => doc.toJS() as KubeDoc | null)
      .filter((doc): doc is KubeDoc => doc !== null),
  );
}

function rolloutOf(dir: string): Rollout {
  const result = validateRollout(kustomized(dir).find((doc) => doc.kind === 'Rollout'));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.rollout;
}

describe('examples/', () => {
  const dirs = readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

  for (const dir of dirs.filter((d) => kustomized(d).some((doc) => doc.kind === 'Rollout'))) {
    test(`${dir}: the Rollout validates and every Service it names is in the kustomization`, () => {
      const docs = kustomized(dir);
      const rollout = rolloutOf(dir);
      const services = new Set(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata?.name));
      const { blueGreen, canary } = rollout.spec.strategy;
      const named = [blueGreen?.activeService, blueGreen?.previewService, canary?.stableService, canary?.canaryService].filter((s) => s !== undefined);
      for (const name of named) assert.ok(services.has(name), `Service ${name} is in examples/${dir}`);
    });
  }

  test('experiment: the Experiment validates and names the AnalysisTemplate beside it', () => {
    const docs = kustomized('experiment');
    const result = validateExperiment(docs.find((d) => d.kind === 'Experiment'));
    assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
    const templates = new Set(docs.filter((d) => d.kind === 'AnalysisTemplate').map((d) => d.metadata?.name));
    for (const analysis of result.experiment.spec.analyses ?? []) assert.ok(templates.has(analysis.templateName), analysis.templateName);
  });

  test('canary: the steps the demo narrates, pod counts following the weights without a traffic router', () => {
    const rollout = rolloutOf('canary');
    assert.deepEqual(
      stepFacts(rollout.spec.strategy.canary?.steps ?? []).map((f) => f.kind === 'pause' ? `pause ${f.pauseSeconds ?? 'until promoted'}` : f.kind),
      ['setWeight', 'pause until promoted', 'setWeight', 'pause 10', 'setWeight', 'pause until promoted', 'setWeight'],
    );
    const rows = planRollout(rollout).rows.filter((r) => r.action.startsWith('setWeight'));
    assert.deepEqual(rows.map((r) => [r.action, r.newPods, r.oldPods, r.newTraffic]), [
      ['setWeight: 20', 1, 4, 20],
      ['setWeight: 40', 2, 3, 40],
      ['setWeight: 60', 3, 2, 60],
      ['setWeight: 80', 4, 1, 80],
    ]);
  });
});
