import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisRun, Experiment, Rollout } from '../../controller/api/index.ts';
import type { ReplicaSetLike } from '../../client/info/types.ts';
import { newRolloutInfo } from '../../client/info/rollout-info.ts';
import { experimentDetail, experimentSummary } from '../../dashboard/server/model/experiment.ts';
import { stepTrack } from '../../dashboard/server/model/steps.ts';
import { attentionReasons, rolloutSummary } from '../../dashboard/server/model/summary.ts';
import type { RolloutSummary } from '../../dashboard/shared/api.ts';
import { DEFAULT_QUERY, formatQuery, matchesSearch, matchesStatus, parseHash, parseQuery, routeHref, statusCounts } from '../../dashboard/web/src/routes.ts';
import { loadFixture } from '../support/rollout-fixtures.ts';

/**
 * The list's "needs attention" reasons, the experiment step's link, the experiment page's model,
 * and the web app's address and filters (pure, no DOM).
 */

function withStatus(objects: ReturnType<typeof loadFixture>, status: Record<string, unknown>, spec: Record<string, unknown> = {}): ReturnType<typeof loadFixture> {
  const rollout = structuredClone(objects.rollout);
  return { ...objects, rollout: { ...rollout, spec: { ...rollout.spec, ...spec }, status: { ...rollout.status, ...status } } as Rollout };
}

describe('needs attention', () => {
  const base = loadFixture('canary-mid-step.yaml');

  test('a timed pause step ends by itself and needs nobody', () => {
    const info = newRolloutInfo(base);
    assert.equal(info.status, 'Paused');
    assert.deepEqual(attentionReasons(info), []);
  });

  test('a pause step without a duration waits for a person', () => {
    const steps = [{ setWeight: 20 }, { pause: {} }];
    const objects = withStatus(base, { currentStepIndex: 1 }, { strategy: { canary: { steps } } });
    assert.deepEqual(attentionReasons(newRolloutInfo(objects)), ['WaitingForPromotion']);
  });

  test('a rollout paused by hand waits for a person', () => {
    const objects = withStatus(base, {}, { paused: true });
    assert.ok(attentionReasons(newRolloutInfo(objects)).includes('WaitingForPromotion'));
  });

  test('an aborted rollout is Degraded', () => {
    const objects = withStatus(base, { abort: true, pauseConditions: null, controllerPause: false, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2' });
    const info = newRolloutInfo(objects);
    assert.equal(info.status, 'Degraded');
    assert.deepEqual(attentionReasons(info), ['Degraded']);
  });

  test('a failed analysis of the newest revision is failing; an older revision\'s is not', () => {
    const run = (name: string, revision: number, phase: string, failed = 0): AnalysisRun =>
      ({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AnalysisRun',
        metadata: { name, namespace: 'demo', annotations: { 'rollout.argoproj.io/revision': String(revision) }, ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'canary-demo', uid: base.rollout.metadata.uid, controller: true }] },
        spec: { metrics: [] },
        status: { phase, metricResults: [{ name: 'm', phase, failed }] },
      }) as unknown as AnalysisRun;
    const old = { ...base, analysisRuns: [run('old', 1, 'Failed'), run('new', 2, 'Successful')] };
    assert.ok(!attentionReasons(newRolloutInfo(old)).includes('AnalysisFailing'));
    const failing = { ...base, analysisRuns: [run('new', 2, 'Running', 1)] };
    assert.ok(attentionReasons(newRolloutInfo(failing)).includes('AnalysisFailing'));
    const failed = { ...base, analysisRuns: [run('new', 2, 'Failed')] };
    assert.deepEqual(rolloutSummary(newRolloutInfo(failed), failed.rollout).attention, ['AnalysisFailing']);
  });
});

describe('experiment steps', () => {
  const base = loadFixture('canary-mid-step.yaml');
  const steps = [{ setWeight: 20 }, { experiment: { templates: [{ name: 'baseline', specRef: 'stable' }] } }, { setWeight: 50 }];

  test('the running experiment step names its Experiment, in the step track and the list row', () => {
    const objects = withStatus(base, { currentStepIndex: 1, canary: { currentExperiment: 'canary-demo-6cf78c66c5-2-1' } }, { strategy: { canary: { steps } } });
    const track = stepTrack(objects.rollout);
    assert.deepEqual(track.map((s) => [s.kind, s.state, s.experiment]), [
      ['setWeight', 'done', undefined],
      ['experiment', 'current', 'canary-demo-6cf78c66c5-2-1'],
      ['setWeight', 'pending', undefined],
    ]);
    assert.equal(rolloutSummary(newRolloutInfo(objects), objects.rollout).experiment, 'canary-demo-6cf78c66c5-2-1');
  });

  test('no link once the experiment step is done', () => {
    const objects = withStatus(base, { currentStepIndex: 2, canary: {} }, { strategy: { canary: { steps } } });
    assert.ok(stepTrack(objects.rollout).every((s) => s.experiment === undefined));
  });
});

describe('experiment page', () => {
  const experiment = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: {
      name: 'checkout-exp',
      namespace: 'shop',
      uid: 'exp-uid',
      creationTimestamp: '2026-01-01T10:00:00Z',
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'checkout', uid: 'ro-uid', controller: true }],
    },
    spec: {
      duration: '5m',
      templates: [
        { name: 'baseline', replicas: 1, selector: { matchLabels: { app: 'c' } }, template: { metadata: { labels: { app: 'c' } }, spec: { containers: [{ name: 'c', image: 'shop/checkout:1' }] } } },
        { name: 'canary', replicas: 2, selector: { matchLabels: { app: 'c' } }, template: { metadata: { labels: { app: 'c' } }, spec: { containers: [{ name: 'c', image: 'shop/checkout:2' }] } } },
      ],
      analyses: [{ name: 'compare', templateName: 'success-rate', requiredForCompletion: true }],
    },
    status: {
      phase: 'Running',
      availableAt: '2026-01-01T10:01:00Z',
      templateStatuses: [
        { name: 'baseline', replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, status: 'Running', podTemplateHash: 'aaa' },
        { name: 'canary', replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, status: 'Progressing', message: 'waiting for pods' },
      ],
      analysisRuns: [{ name: 'compare', analysisRun: 'checkout-exp-compare', phase: 'Running' }],
    },
  } as unknown as Experiment;
  const ownedByExperiment = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', name: 'checkout-exp', uid: 'exp-uid', controller: true }];
  const replicaSets = [
    {
      metadata: { name: 'checkout-exp-canary', ownerReferences: ownedByExperiment, creationTimestamp: '2026-01-01T10:00:01Z', annotations: { 'experiment.argoproj.io/template-name': 'canary' }, labels: { 'rollouts-pod-template-hash': 'bbb' } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', image: 'shop/checkout:2' }] } } },
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 },
    },
  ] as ReplicaSetLike[];
  const analysisRuns = [
    { metadata: { name: 'checkout-exp-compare', ownerReferences: ownedByExperiment }, spec: { metrics: [] }, status: { phase: 'Failed', message: 'metric "rate" assessed Failed', metricResults: [{ name: 'rate', phase: 'Failed', successful: 2, failed: 3 }] } },
  ] as unknown as AnalysisRun[];

  test('the summary: phase, owning rollout, duration, template and analysis names', () => {
    assert.deepEqual(experimentSummary(experiment), {
      name: 'checkout-exp',
      namespace: 'shop',
      creationTimestamp: '2026-01-01T10:00:00Z',
      phase: 'Running',
      message: '',
      rollout: 'checkout',
      duration: '5m',
      availableAt: '2026-01-01T10:01:00Z',
      templateNames: ['baseline', 'canary'],
      analysisNames: ['compare'],
    });
  });

  test('templates read their ReplicaSet when the cache has it and the status otherwise; analyses their run', () => {
    const detail = experimentDetail({ experiment, replicaSets, analysisRuns }, Date.parse('2026-01-01T10:02:00Z'));
    assert.deepEqual(
      detail.templates.map((t) => [t.name, t.status, t.replicaSet, t.podTemplateHash, `${t.available}/${t.desired}`, t.images.join()]),
      [
        ['baseline', 'Running', undefined, 'aaa', '1/1', 'shop/checkout:1'],
        ['canary', 'Progressing', 'checkout-exp-canary', 'bbb', '2/2', 'shop/checkout:2'],
      ],
    );
    assert.equal(detail.templates[1]?.message, 'waiting for pods');
    assert.deepEqual(detail.analyses, [
      {
        name: 'compare',
        templateName: 'success-rate',
        clusterScope: false,
        requiredForCompletion: true,
        analysisRun: 'checkout-exp-compare',
        phase: 'Failed',
        message: 'metric "rate" assessed Failed',
        successful: 2,
        failed: 3,
        inconclusive: 0,
        error: 0,
      },
    ]);
    assert.equal(detail.serverTime, '2026-01-01T10:02:00.000Z');
    assert.deepEqual([detail.info.name, detail.info.replicaSets.map((rs) => rs.template), detail.info.analysisRuns.map((r) => r.name)], ['checkout-exp', ['canary'], ['checkout-exp-compare']], 'the CLI view model rides along');
  });
});

describe('the list\'s address', () => {
  test('defaults are left out, so plain links stay plain', () => {
    assert.equal(routeHref({ page: 'list' }), '#/');
    assert.equal(formatQuery(DEFAULT_QUERY), '');
    assert.deepEqual(parseHash(''), { page: { page: 'list' }, query: DEFAULT_QUERY });
    assert.deepEqual(parseHash('#/'), { page: { page: 'list' }, query: DEFAULT_QUERY });
  });

  test('every page and the whole list state round-trip through the hash', () => {
    const query = { namespace: 'shop', status: 'attention' as const, search: 'check out', view: 'grid' as const, selected: 'shop/checkout' };
    const pages = [
      { page: 'list' as const },
      { page: 'experiments' as const },
      { page: 'rollout' as const, namespace: 'shop', name: 'checkout' },
      { page: 'experiment' as const, namespace: 'shop', name: 'checkout-7c9b-2-1' },
    ];
    for (const page of pages) assert.deepEqual(parseHash(routeHref(page, query)), { page, query });
    assert.equal(routeHref(pages[2]!, query), '#/rollouts/shop/checkout?namespace=shop&status=attention&q=check+out&view=grid&selected=shop%2Fcheckout');
  });

  test('unknown values fall back to the defaults instead of an empty list', () => {
    assert.deepEqual(parseQuery('status=Sideways&view=cards'), DEFAULT_QUERY);
    assert.deepEqual(parseHash('#/nowhere/at/all').page, { page: 'list' });
  });
});

describe('the list\'s filters', () => {
  const summary = (name: string, status: string, attention: RolloutSummary['attention'] = [], image = `shop/${name}:1`): RolloutSummary => ({
    name,
    namespace: 'shop',
    strategy: 'Canary',
    status,
    message: '',
    step: '',
    setWeight: '',
    actualWeight: '',
    images: [{ image, tags: [] }],
    desired: 1,
    current: 1,
    updated: 1,
    ready: 1,
    available: 1,
    aborted: false,
    manuallyPaused: false,
    pauseConditions: [],
    attention,
  });
  const items = [summary('checkout', 'Paused', ['WaitingForPromotion']), summary('cart', 'Degraded', ['Degraded']), summary('payments', 'Healthy'), summary('search', 'Progressing', ['AnalysisFailing'])];

  test('chips count every status and the rollouts needing attention', () => {
    assert.deepEqual(statusCounts(items), { all: 4, attention: 3, Healthy: 1, Progressing: 1, Paused: 1, Degraded: 1 });
    assert.deepEqual(items.filter((ro) => matchesStatus(ro, 'attention')).map((ro) => ro.name), ['checkout', 'cart', 'search']);
  });

  test('search needs every word somewhere in the name, namespace, strategy, status or an image', () => {
    assert.deepEqual(items.filter((ro) => matchesSearch(ro, 'CHECK')).map((ro) => ro.name), ['checkout']);
    assert.deepEqual(items.filter((ro) => matchesSearch(ro, 'shop degraded')).map((ro) => ro.name), ['cart']);
    assert.deepEqual(items.filter((ro) => matchesSearch(ro, 'payments:1')).map((ro) => ro.name), ['payments']);
    assert.equal(items.filter((ro) => matchesSearch(ro, '  ')).length, 4);
  });
});
