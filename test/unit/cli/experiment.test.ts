import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { FakeKube } from '../../support/fake-kube.ts';
import { run } from './cli-env.ts';

/**
 * The experiment verbs over an in-memory cluster: a canary Rollout at its experiment step, the
 * Experiment it started (two templates, one analysis) and a stand-alone finished one.
 */

const NS = 'demo';
const created = '2025-01-10T11:58:00Z';
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NS, uid: `uid-${name}`, creationTimestamp: created, ...extra });
const owner = (kind: string, name: string) => [{ apiVersion: kind === 'ReplicaSet' ? 'apps/v1' : 'argoproj.io/v1alpha1', kind, name, uid: `uid-${name}`, controller: true }];

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: meta('shop', { annotations: { 'rollout.argoproj.io/revision': '2' } }),
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'shop' } },
    template: { metadata: { labels: { app: 'shop' } }, spec: { containers: [{ name: 'shop', image: 'shop:v2' }] } },
    strategy: { canary: { steps: [{ setWeight: 50 }, { experiment: { duration: '10m', templates: [{ name: 'baseline', specRef: 'stable' }, { name: 'canary', specRef: 'canary' }] } }] } },
  },
  status: { phase: 'Progressing', currentPodHash: 'h2', stableRS: 'h1', currentStepIndex: 1, canary: { currentExperiment: 'shop-h2-2-1' }, replicas: 2, availableReplicas: 2 },
};

const rolloutRS = (hash: string, revision: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: meta(`shop-${hash}`, { labels: { app: 'shop', 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/revision': revision }, ownerReferences: owner('Rollout', 'shop') }),
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'shop', image }] } } },
  status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
});

const templateRS = (experiment: string, template: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: meta(`${experiment}-${template}`, {
    labels: { app: 'shop', 'rollouts-pod-template-hash': `t-${template}` },
    annotations: { 'experiment.argoproj.io/name': experiment, 'experiment.argoproj.io/template-name': template },
    ownerReferences: owner('Experiment', experiment),
  }),
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'shop', image }] } } },
  status: { replicas: 1, readyReplicas: 1, availableReplicas: 1 },
});

const pod = (rs: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: meta(`${rs}-abcde`, { labels: { app: 'shop' }, ownerReferences: owner('ReplicaSet', rs) }),
  spec: { containers: [{ name: 'shop' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'shop', ready: true, restartCount: 0, state: { running: {} } }] },
});

const stepExperiment = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Experiment',
  metadata: meta('shop-h2-2-1', { annotations: { 'rollout.argoproj.io/revision': '2' }, labels: { 'rollouts-pod-template-hash': 'h2' }, ownerReferences: owner('Rollout', 'shop') }),
  spec: { duration: '10m', templates: [], analyses: [{ name: 'compare', templateName: 'compare' }] },
  status: { phase: 'Running', availableAt: '2025-01-10T11:59:00Z' },
};

const run1 = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: meta('shop-h2-2-1-compare', { ownerReferences: owner('Experiment', 'shop-h2-2-1') }),
  spec: { metrics: [{ name: 'compare', provider: { web: { url: 'http://x' } } }] },
  status: { phase: 'Running', metricResults: [{ name: 'compare', phase: 'Running', count: 2, successful: 2 }] },
};

const standalone = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Experiment',
  metadata: meta('standalone'),
  spec: { templates: [] },
  status: { phase: 'Failed', message: 'Metric "x" assessed Failed' },
};

const world = () =>
  new FakeKube([
    rollout,
    rolloutRS('h1', '1', 'shop:v1'),
    rolloutRS('h2', '2', 'shop:v2'),
    templateRS('shop-h2-2-1', 'baseline', 'shop:v1'),
    templateRS('shop-h2-2-1', 'canary', 'shop:v2'),
    pod('shop-h2-2-1-canary'),
    stepExperiment,
    run1,
    standalone,
  ] as unknown as KubeObject[]);

describe('experiment verbs', () => {
  it('get experiment: Argo’s summary with template-tagged images, then the tree of ReplicaSets, pods and AnalysisRuns', async () => {
    const result = await run(['get', 'experiment', 'shop-h2-2-1'], { kube: world() });
    assert.equal(result.code, 0, result.err);
    assert.equal(
      result.out,
      [
        'Name:            shop-h2-2-1',
        'Namespace:       demo',
        'Status:          ◌ Running',
        'Images:          shop:v1 (Σ:baseline)',
        '                 shop:v2 (Σ:canary)',
        '',
        'NAME                              KIND         STATUS     AGE  INFO',
        'Σ shop-h2-2-1                     Experiment   ◌ Running  2m',
        '├──⧉ shop-h2-2-1-baseline         ReplicaSet   ✔ Healthy  2m   Σ:baseline',
        '├──⧉ shop-h2-2-1-canary           ReplicaSet   ✔ Healthy  2m   Σ:canary',
        '│  └──□ shop-h2-2-1-canary-abcde  Pod          ✔ Running  2m   ready:1/1',
        '└──α shop-h2-2-1-compare          AnalysisRun  ◌ Running  2m   ✔ 2',
        '',
      ].join('\n'),
    );
  });

  it('get experiment -o json prints the view model', async () => {
    const result = await run(['get', 'exp', 'shop-h2-2-1', '-o', 'json'], { kube: world() });
    const info = JSON.parse(result.out) as { name: string; revision: number; replicaSets: Array<{ template: string }>; analysisRuns: Array<{ name: string }> };
    assert.equal(info.revision, 2);
    assert.deepEqual(info.replicaSets.map((rs) => rs.template), ['baseline', 'canary']);
    assert.deepEqual(info.analysisRuns.map((r) => r.name), ['shop-h2-2-1-compare']);
  });

  it('list experiments: name, status, duration, time remaining and age; -A adds the namespace; -o yaml', async () => {
    const result = await run(['list', 'experiments'], { kube: world() });
    assert.equal(result.code, 0, result.err);
    assert.equal(
      result.out,
      ['NAME         STATUS   DURATION  REMAINING  AGE', 'shop-h2-2-1  Running  10m       9m         2m', 'standalone   Failed   -         -          2m', ''].join('\n'),
    );
    const all = await run(['list', 'exp', '-A'], { kube: world() });
    assert.match(all.out.split('\n')[0]!, /^NAMESPACE\s+NAME\s+STATUS/);
    const yaml = await run(['list', 'experiments', '-o', 'yaml'], { kube: world() });
    assert.match(yaml.out, /name: standalone\n/);
    const none = await run(['list', 'experiments'], { kube: new FakeKube([]) });
    assert.deepEqual(none, { code: 0, out: '', err: 'No resources found.\n' });
  });

  it('terminate experiment and retry experiment send Argo’s patches', async () => {
    const kube = world();
    assert.deepEqual(await run(['terminate', 'experiment', 'shop-h2-2-1'], { kube }), { code: 0, out: "experiment 'shop-h2-2-1' terminated\n", err: '' });
    assert.deepEqual(await run(['retry', 'experiment', 'standalone'], { kube }), { code: 0, out: "experiment 'standalone' retried\n", err: '' });
    const patches = kube.calls.filter((c) => c.verb === 'patch').map((c) => [c.name, c.body]);
    assert.deepEqual(patches, [
      ['shop-h2-2-1', { spec: { terminate: true } }],
      ['standalone', { status: null }],
    ]);
    const missing = await run(['terminate', 'experiment', 'nope'], { kube });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: .*nope.*not found/);
  });

  it('get rollout shows the experiment under its revision, and explain describes it', async () => {
    const tree = await run(['get', 'rollout', 'shop'], { kube: world() });
    assert.equal(tree.code, 0, tree.err);
    const lines = tree.out.split('\n');
    const at = lines.findIndex((l) => l.includes('Σ shop-h2-2-1'));
    assert.ok(at > 0, tree.out);
    assert.match(lines[at - 2]!, /# revision:2/);
    assert.match(lines[at]!, /^│  └──Σ shop-h2-2-1\s+Experiment\s+◌ Running/);
    assert.match(lines[at + 1]!, /^│     ├──⧉ shop-h2-2-1-baseline\s+ReplicaSet/);

    const explained = await run(['explain', 'shop'], { kube: world() });
    assert.match(explained.out, /Experiment shop-h2-2-1 \(revision 2\) is Running\./);
    assert.match(explained.out, /template "canary": ReplicaSet shop-h2-2-1-canary, 1 of 1 available\./);
    assert.match(explained.out, /It runs for 10m since every template became available at 2025-01-10T11:59:00Z \(60s ago\)\./);
    assert.match(explained.out, /Analysis run shop-h2-2-1-compare is Running/);
    assert.match(explained.out, /The experiment step goes on once its experiment succeeds; a failed one aborts the update\. To go past it now: kubectl ramp promote shop/);
  });
});
