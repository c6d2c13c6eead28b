import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { lintText, renderLint } from '../../../controller/cli/lint/lint.ts';
import { locate, parseFieldPath } from '../../../controller/cli/lint/locate.ts';
import { planRollout } from '../../../controller/cli/plan/plan.ts';
import { renderPlan } from '../../../controller/cli/render/plan.ts';
import { run } from './cli-env.ts';
import { fixtureText, loadFixture } from '../../support/rollout-fixtures.ts';

describe('lint line mapping', () => {
  it('splits field paths into keys and indexes, keeping dotted keys in brackets', () => {
    assert.deepEqual(parseFieldPath('spec.strategy.canary.steps[2].setWeight'), ['spec', 'strategy', 'canary', 'steps', 2, 'setWeight']);
    assert.deepEqual(parseFieldPath('spec.selector.matchLabels[app.kubernetes.io/name]'), ['spec', 'selector', 'matchLabels', 'app.kubernetes.io/name']);
  });

  it('points at the key of a field, at a sequence item, and at the parent of a missing field', () => {
    const src = ['a:', '  b:', '    - x: 1', '    - y: 2', '  c: 3', ''].join('\n');
    const lines = new LineCounter();
    const doc = parseDocument(src, { lineCounter: lines });
    assert.deepEqual(locate(doc, ['a', 'b', 1, 'y'], lines), { line: 4, col: 7 });
    assert.deepEqual(locate(doc, ['a', 'b', 1], lines), { line: 4, col: 7 });
    assert.deepEqual(locate(doc, ['a', 'c'], lines), { line: 5, col: 3 });
    assert.deepEqual(locate(doc, ['a', 'missing', 'deeper'], lines), { line: 1, col: 1 });
  });

  it('reports semantic and reference problems with their lines in a multi-document file', () => {
    const result = lintText(fixtureText('lint-invalid.yaml'));
    assert.equal(
      renderLint('lint-invalid.yaml', result),
      [
        'lint-invalid.yaml:31:7: spec.strategy.canary.stableService: Invalid value: "web-stable": Service "web-stable" has unmatch label "tier" in rollout',
        'lint-invalid.yaml:36:9: spec.strategy.canary.steps[2].setWeight: Invalid value: 150: SetWeight needs to be between 0 and 100',
        '',
      ].join('\n'),
    );
  });

  it('checks an ALB Ingress of the same file: a rule to the root Service', () => {
    const dir = new URL('../../../examples/canary-alb/', import.meta.url);
    const text = ['services.yaml', 'ingress.yaml', 'rollout.yaml'].map((f) => readFileSync(new URL(f, dir), 'utf8')).join('\n---\n');
    assert.deepEqual(lintText(text).issues, []);
    const result = lintText(text.replace('name: canary-alb-demo-root', 'name: elsewhere'));
    assert.deepEqual(result.issues.map((i) => [i.field, i.message]), [
      ['spec.strategy.canary.trafficRouting.alb.ingress', 'Invalid value: "canary-alb-demo": ingress `canary-alb-demo` has no rules using service canary-alb-demo-root backend'],
    ]);
  });

  it('points an unknown field at its own line', () => {
    const [issue] = lintText(fixtureText('lint-unknown-field.yaml')).issues;
    assert.deepEqual([issue?.line, issue?.col, issue?.field], [23, 7, 'spec.strategy.blueGreen.scaleDownDelay']);
    assert.match(issue?.message ?? '', /^Unsupported value: "scaleDownDelay": supported values: "activeService", /);
  });

  it('reports YAML syntax errors with a position', () => {
    const [issue] = lintText('apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: x\n').issues;
    assert.equal(issue?.field, '');
    assert.match(issue?.message ?? '', /^YAML: /);
    assert.ok((issue?.line ?? 0) >= 3);
  });

  it('accepts a valid file and says what it checked', () => {
    assert.equal(renderLint('bg.yaml', lintText(fixtureText('bluegreen-paused.yaml').split('\n---\n')[0]!)), 'bg.yaml: no problems found in 1 object (Rollout/bluegreen-demo)\n');
  });

  it('exits 1 from the command when there are problems', async () => {
    const result = await run(['lint', '-f', 'f.yaml'], { files: { 'f.yaml': fixtureText('lint-invalid.yaml') } });
    assert.equal(result.code, 1);
    assert.equal(result.err, 'error: f.yaml: 2 problems found\n');
  });
});

describe('plan', () => {
  it('walks a traffic-routed canary step by step', () => {
    assert.equal(
      renderPlan(planRollout(loadFixture('canary-mid-step.yaml').rollout)),
      [
        'Plan for rollout "canary-demo": canary, 5 replicas, traffic routing: nginx',
        '',
        'STEP   ACTION                                          NEW PODS  OLD PODS  TRAFFIC NEW/OLD  SVC canary-demo-stable  SVC canary-demo-canary  NOTE',
        'start  new ReplicaSet created                          0         5         0/100            old                     new',
        '1      setWeight: 20                                   1         5         20/80            old                     new',
        '2      pause until promoted                            1         5         20/80            old                     new',
        '3      setWeight: 50                                   3         5         50/50            old                     new                     background analysis starts (error-rate)',
        '4      pause 30s                                       3         5         50/50            old                     new',
        '5      analysis (success-rate); must succeed to go on  3         5         50/50            old                     new',
        'done   promoted: new ReplicaSet becomes stable         5         0         100/0            new                     new                     old ReplicaSet scaled down after 30s',
        '',
      ].join('\n'),
    );
  });

  it('scales a basic canary by Argo rounding, traffic following pods', () => {
    // 3 replicas at setWeight 33 settle at 1 canary + 2 stable (Argo's approximateWeightedCanaryStableReplicaCounts).
    const rows = planRollout(loadFixture('canary-aborted.yaml').rollout).rows.map((r) => [r.step, r.newPods, r.oldPods, r.newTraffic]);
    assert.deepEqual(rows, [
      ['start', 0, 3, 0],
      ['1', 1, 2, 33],
      ['2', 1, 2, 33],
      ['3', 2, 1, 67],
      ['4', 2, 1, 67],
      ['done', 3, 0, 100],
    ]);
  });

  it('uses the controller’s arithmetic: maxSurge 0 keeps the total at spec.replicas, minPodsPerReplicaSet lifts a small canary', () => {
    const base = loadFixture('canary-aborted.yaml').rollout;
    const noSurge = { ...base, spec: { ...base.spec, replicas: 4, strategy: { canary: { maxSurge: 0, maxUnavailable: 1, steps: [{ setWeight: 10 }, { pause: {} }] } } } };
    assert.deepEqual(planRollout(noSurge).rows[1], { ...planRollout(noSurge).rows[1], newPods: 1, oldPods: 3 });
    const routedMin = {
      ...base,
      spec: {
        ...base.spec,
        replicas: 10,
        strategy: { canary: { canaryService: 'c', stableService: 's', minPodsPerReplicaSet: 2, trafficRouting: { nginx: { stableIngress: 'i' } }, steps: [{ setWeight: 5 }, { pause: {} }] } },
      },
    };
    const row = planRollout(routedMin).rows[1]!;
    assert.deepEqual([row.newPods, row.oldPods, row.newTraffic], [2, 10, 5]);
  });

  it('walks blue-green through preview, manual promotion and scale-down', () => {
    const plan = planRollout(loadFixture('bluegreen-paused.yaml').rollout);
    assert.deepEqual(
      plan.rows.map((r) => [r.action, r.newPods, r.oldPods, r.selectors['bluegreen-demo'], r.selectors['bluegreen-demo-preview']]),
      [
        ['preview ReplicaSet scaled up', 3, 3, 'old', 'new'],
        ['pause until promoted', 3, 3, 'old', 'new'],
        ['promoted: active service switches to the new ReplicaSet', 3, 3, 'new', 'new'],
        ['old ReplicaSet scaled down after 30s', 3, 0, 'new', 'new'],
      ],
    );
  });

  it('uses setCanaryScale replicas with traffic routing', () => {
    const ro = structuredClone(loadFixture('analysis-failed.yaml').rollout);
    ro.spec.strategy.canary!.steps = [{ setCanaryScale: { replicas: 2 } }, { setWeight: 10 }, { setCanaryScale: { matchTrafficWeight: true } }];
    assert.deepEqual(planRollout(ro).rows.map((r) => [r.newPods, r.newTraffic]), [
      [0, 0],
      [2, 0],
      [2, 10],
      [1, 10],
      [4, 100],
    ]);
  });

  it('the command refuses an invalid rollout and points at lint', async () => {
    const result = await run(['plan', 'f.yaml'], { files: { 'f.yaml': fixtureText('lint-invalid.yaml') } });
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      'error: f.yaml: the Rollout is invalid: spec.strategy.canary.steps[2].setWeight: Invalid value: 150: SetWeight needs to be between 0 and 100; see every problem with: kubectl ramp lint f.yaml\n',
    );
  });
});
