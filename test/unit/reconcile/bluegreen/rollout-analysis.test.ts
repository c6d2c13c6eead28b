import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisTemplate, ClusterAnalysisTemplate } from '../../../../controller/api/index.ts';
import { HASH, PlanWorld, type RunPhase as Phase } from '../support/world.ts';

/**
 * A small world for plan(): the Rollout, its ReplicaSets, Services, AnalysisRuns and templates,
 * changed only by the plan's effects and by what the other controllers would do.
 */
class World extends PlanWorld {
  declare templates: Map<string, AnalysisTemplate>;
  declare clusterTemplates: Map<string, ClusterAnalysisTemplate>;

  constructor(spec: Record<string, unknown>) {
    super(spec, { services: ['app-active', 'app-preview'], templates: [template('success-rate')], clusterTemplates: [] });
  }
}

function template(name: string): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: 'ns' },
    spec: {
      args: [{ name: 'service-name' }, { name: 'hash' }],
      metrics: [
        {
          name: 'success-rate',
          successCondition: 'result[0] >= 0.95',
          provider: { prometheus: { address: 'http://prometheus:9090', query: 'rate{service="{{args.service-name}}",hash="{{args.hash}}"}' } },
        },
      ],
    },
  };
}

const analysisRef = (over: Record<string, unknown> = {}) => ({
  templates: [{ templateName: 'success-rate' }],
  args: [
    { name: 'service-name', value: 'app-preview' },
    { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
  ],
  ...over,
});

const spec = (blueGreen: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 2,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview', scaleDownDelaySeconds: 30, ...blueGreen } },
  ...extra,
});

/** v1 deployed and stable, v2 set and scaled up behind the preview: the point where analysis starts. */
function v2Ready(blueGreen: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const world = new World(spec(blueGreen, extra));
  world.settle();
  const v1 = world.rollout.status!.currentPodHash!;
  world.setImage('app:v2');
  world.settle(3);
  const v2 = world.rollout.status!.currentPodHash!;
  return { world, v1, v2 };
}

describe('blue-green pre-promotion analysis', () => {
  test('the first deploy runs no analysis', () => {
    const world = new World(spec({ prePromotionAnalysis: analysisRef(), postPromotionAnalysis: analysisRef() }));
    world.settle(5);
    assert.equal(world.runs.size, 0);
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });

  test('once v2 is ready behind the preview, a PrePromotion run is created with Argo’s name, labels, owner and arguments', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    assert.equal(world.created.length, 1);
    const run = world.created[0]!;
    assert.equal(run.metadata.name, `app-${v2}-2-pre`);
    assert.deepEqual(run.metadata.labels, { [HASH]: v2, 'rollout-type': 'PrePromotion', app: 'app' });
    assert.deepEqual(run.metadata.annotations, { 'rollout.argoproj.io/revision': '2' });
    assert.deepEqual(run.metadata.ownerReferences, [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'app', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(run.spec.args, [{ name: 'service-name', value: 'app-preview' }, { name: 'hash', value: v2 }]);
    assert.equal(run.spec.metrics[0]!.name, 'success-rate');
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `app-${v2}-2-pre`, status: 'Pending' });
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.selector('app-preview'), v2);
  });

  test('a running analysis blocks promotion; success promotes', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const name = `app-${v2}-2-pre`;
    world.runPhase(name, 'Running');
    const running = world.pass();
    assert.deepEqual(running.events.find((e) => e.reason === 'AnalysisRunRunning'), {
      type: 'Normal',
      reason: 'AnalysisRunRunning',
      message: `PrePromotion Analysis Run '${name}' Status New: 'Running' Previous: 'Pending'`,
    });
    world.settle(3);
    assert.equal(world.selector('app-active'), v1, 'no promotion while the analysis runs');
    assert.equal(world.rollout.status?.stableRS, v1);
    assert.equal(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus?.status, 'Running');
    assert.equal(world.runs.size, 1, 'no second run');

    world.runPhase(name, 'Successful');
    world.settle(3);
    assert.equal(world.selector('app-active'), v2);
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(world.rollout.status?.phase, 'Healthy');
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name, status: 'Successful' });
  });

  test('with autoPromotionEnabled false, a successful analysis leads to the BlueGreenPause', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef(), autoPromotionEnabled: false });
    world.runPhase(`app-${v2}-2-pre`, 'Successful');
    world.settle(2);
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.equal(world.selector('app-active'), v1);
  });

  test('a failed analysis aborts: Degraded, v1 stays active, the message says why', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const name = `app-${v2}-2-pre`;
    const why = 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)';
    world.runPhase(name, 'Failed', why);
    const aborted = world.pass();
    const status = world.rollout.status!;
    assert.equal(status.abort, true);
    assert.equal(status.phase, 'Degraded');
    assert.equal(status.message, `RolloutAborted: Rollout aborted update to revision 2: ${why}`);
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.selector('app-preview'), v1);
    assert.deepEqual(status.blueGreen?.prePromotionAnalysisRunStatus, { name, status: 'Failed', message: why });
    assert.ok(aborted.events.some((e) => e.type === 'Warning' && e.reason === 'AnalysisRunFailed'));
    world.settle(3);
    assert.equal(world.rollout.status?.phase, 'Degraded');
    assert.equal(world.rollout.status?.message, `RolloutAborted: Rollout aborted update to revision 2: ${why}`);
  });

  test('a failed run without a message names the run, as Argo’s AnalysisRunFailed message does', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    world.runPhase(`app-${v2}-2-pre`, 'Error');
    world.pass();
    assert.equal(world.rollout.status?.message, `RolloutAborted: Rollout aborted update to revision 2: AnalysisRun 'app-${v2}-2-pre' owned by the Rollout '"app"' failed.`);
  });

  test('an inconclusive analysis pauses with InconclusiveAnalysisRun and stays paused', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    world.runPhase(`app-${v2}-2-pre`, 'Inconclusive');
    world.settle(3);
    const status = world.rollout.status!;
    assert.deepEqual(status.pauseConditions?.map((p) => p.reason), ['InconclusiveAnalysisRun']);
    assert.equal(status.controllerPause, true);
    assert.equal(status.phase, 'Paused');
    assert.equal(status.message, 'InconclusiveAnalysisRun');
    assert.equal(world.selector('app-active'), v1);
  });

  test('promote after an inconclusive analysis runs it again under the next name; success then promotes', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const first = `app-${v2}-2-pre`;
    world.runPhase(first, 'Inconclusive');
    world.settle(2);
    assert.equal(world.rollout.status?.controllerPause, true);
    world.promote();
    assert.equal(world.rollout.status?.pauseConditions, undefined, 'promote cleared the pause');
    assert.equal(world.rollout.status?.controllerPause, true, 'and left controllerPause, as Argo');
    world.pass();
    assert.equal(world.selector('app-active'), v1, 'not promoted past the inconclusive run');
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `${first}.1`, status: 'Pending' });
    assert.equal(world.rollout.status?.controllerPause, undefined);
    assert.equal(world.rollout.status?.pauseConditions, undefined);
    world.settle(3);
    assert.deepEqual(world.runsOfType('PrePromotion').map((r) => r.metadata.name).sort(), [first, `${first}.1`], 'one new run, not one per pass');
    assert.equal(world.selector('app-active'), v1, 'the new run gates the switch');
    world.runPhase(`${first}.1`, 'Successful');
    world.settle(3);
    assert.equal(world.selector('app-active'), v2);
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });

  test('a second inconclusive run pauses again, and another promote runs a third', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const first = `app-${v2}-2-pre`;
    world.runPhase(first, 'Inconclusive');
    world.settle(2);
    world.promote();
    world.settle(2);
    world.runPhase(`${first}.1`, 'Inconclusive');
    world.settle(3);
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['InconclusiveAnalysisRun']);
    assert.equal(world.runs.size, 2);
    world.promote();
    world.settle(2);
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `${first}.2`, status: 'Pending' });
    assert.equal(world.selector('app-active'), v1);
  });

  test('with autoPromotionEnabled false, a successful rerun leads to the BlueGreenPause; promote then switches', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef(), autoPromotionEnabled: false });
    const first = `app-${v2}-2-pre`;
    world.runPhase(first, 'Inconclusive');
    world.settle(2);
    world.promote();
    world.settle(2);
    world.runPhase(`${first}.1`, 'Successful');
    world.settle(2);
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(world.selector('app-active'), v1);
    world.promote();
    world.settle(3);
    assert.equal(world.selector('app-active'), v2);
    assert.equal(world.rollout.status?.stableRS, v2);
  });

  test('autoPromotionSeconds does not end the inconclusive pause', () => {
    const { world, v1, v2 } = v2Ready({ prePromotionAnalysis: analysisRef(), autoPromotionEnabled: false, autoPromotionSeconds: 30 });
    world.runPhase(`app-${v2}-2-pre`, 'Inconclusive');
    world.settle(2);
    world.now += 120_000;
    world.settle(3);
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['InconclusiveAnalysisRun']);
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.runs.size, 1);
  });

  test('an abort while the analysis runs terminates the run', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const name = `app-${v2}-2-pre`;
    world.runPhase(name, 'Running');
    world.pass();
    world.rollout.status!.abort = true;
    const aborted = world.pass();
    assert.ok(aborted.effects.some((e) => e.kind === 'terminateAnalysisRun' && e.name === name));
    assert.equal(world.runs.get(name)?.spec.terminate, true);
    world.pass();
    assert.ok(!world.pass().effects.some((e) => e.kind === 'terminateAnalysisRun'), 'terminated once');
  });

  test('a new revision terminates the running analysis of the old one and analyses the new one', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const old = `app-${v2}-2-pre`;
    world.runPhase(old, 'Running');
    world.pass();
    world.setImage('app:v3');
    world.pass();
    assert.equal(world.runs.get(old)?.spec.terminate, true);
    assert.equal(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, undefined, 'the old run no longer gates');
    world.settle(3);
    const v3 = world.rollout.status!.currentPodHash!;
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `app-${v3}-3-pre`, status: 'Pending' });
  });

  test('retry after a failed analysis runs the analysis again under a new name', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef(), abortScaleDownDelaySeconds: 0 });
    const first = `app-${v2}-2-pre`;
    world.runPhase(first, 'Failed', 'bad');
    world.settle(2);
    assert.equal(world.rollout.status?.phase, 'Degraded');
    world.rollout.status!.abort = false; // kubectl argo rollouts retry
    world.settle(4);
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `${first}.1`, status: 'Pending' });
    assert.equal(world.rollout.status?.abort, undefined);
    world.runPhase(`${first}.1`, 'Successful');
    world.settle(3);
    assert.equal(world.selector('app-active'), v2);
  });

  test('a run created by a pass whose status write was lost is adopted, not duplicated', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    const status = world.rollout.status!;
    world.rollout.status = { ...status, blueGreen: { ...status.blueGreen, prePromotionAnalysisRunStatus: undefined } };
    world.runPhase(`app-${v2}-2-pre`, 'Running');
    world.settle(2);
    assert.equal(world.runs.size, 1);
    assert.equal(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus?.name, `app-${v2}-2-pre`);
  });

  test('a run recorded in the status but not yet in the cache is waited for, not created again', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() });
    world.runs.clear();
    world.settle(2);
    assert.equal(world.runs.size, 0);
    assert.deepEqual(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus, { name: `app-${v2}-2-pre`, status: 'Pending' });
  });

  test('an argument the template leaves open and the Rollout does not give is InvalidSpec as in Argo, before any ReplicaSet', () => {
    const world = new World(spec({ prePromotionAnalysis: analysisRef({ args: [{ name: 'service-name', value: 'app-preview' }] }) }));
    const first = world.pass();
    assert.equal(
      world.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message,
      'The Rollout "app" is invalid: spec.strategy.blueGreen.prePromotionAnalysis.templates: Invalid value: "templateNames: [success-rate]": args.hash was not resolved',
    );
    assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet'), []);
    assert.equal(world.runs.size, 0);
  });

  test('a ClusterAnalysisTemplate works like an AnalysisTemplate; a missing one is an InvalidSpec', () => {
    const world = new World(spec({ prePromotionAnalysis: analysisRef({ templates: [{ templateName: 'cluster-rate', clusterScope: true }] }) }));
    world.pass();
    assert.equal(world.rollout.status?.phase, 'Degraded');
    assert.match(
      world.rollout.status?.message ?? '',
      /spec\.strategy\.blueGreen\.prePromotionAnalysis\.templates: Invalid value: "cluster-rate": clusteranalysistemplate\.argoproj\.io "cluster-rate" not found/,
    );
    const { kind: _, ...rest } = template('cluster-rate');
    world.clusterTemplates.set('cluster-rate', { ...rest, kind: 'ClusterAnalysisTemplate', metadata: { name: 'cluster-rate' } });
    world.settle();
    world.setImage('app:v2');
    world.settle(3);
    assert.equal(world.created[0]?.spec.metrics[0]?.name, 'success-rate');
  });
});

describe('blue-green post-promotion analysis', () => {
  test('after the switch a PostPromotion run decides: v2 serves but becomes stable only on success', () => {
    const { world, v1, v2 } = v2Ready({ postPromotionAnalysis: analysisRef() });
    assert.equal(world.selector('app-active'), v2, 'promoted without pre-promotion analysis');
    const name = `app-${v2}-2-post`;
    assert.deepEqual(world.rollout.status?.blueGreen?.postPromotionAnalysisRunStatus, { name, status: 'Pending' });
    assert.equal(world.runsOfType('PostPromotion').length, 1);
    assert.equal(world.rollout.status?.stableRS, v1);
    world.runPhase(name, 'Successful');
    world.settle(2);
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });

  test('an inconclusive PostPromotion run pauses once with v2 serving; promote runs it again and success marks v2 stable', () => {
    const { world, v1, v2 } = v2Ready({ postPromotionAnalysis: analysisRef() });
    const first = `app-${v2}-2-post`;
    world.runPhase(first, 'Inconclusive');
    const paused = world.pass();
    assert.ok(paused.events.some((e) => e.reason === 'AnalysisRunInconclusive'));
    const startTime = world.rollout.status?.pauseConditions?.[0]?.startTime;
    world.now += 5_000;
    world.settle(3);
    assert.deepEqual(world.rollout.status?.pauseConditions, [{ reason: 'InconclusiveAnalysisRun', startTime }], 'paused once, not again every pass');
    assert.equal(world.rollout.status?.controllerPause, true);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.equal(world.selector('app-active'), v2, 'traffic stays on v2 while paused');
    assert.equal(world.replicaSets.get(`app-${v2}`)?.spec?.replicas, 2);
    assert.equal(world.rollout.status?.stableRS, v1);

    world.promote();
    world.pass();
    assert.deepEqual(world.rollout.status?.blueGreen?.postPromotionAnalysisRunStatus, { name: `${first}.1`, status: 'Pending' });
    assert.equal(world.rollout.status?.pauseConditions, undefined);
    assert.equal(world.rollout.status?.controllerPause, undefined);
    assert.equal(world.rollout.status?.stableRS, v1, 'not stable before the new run passes');
    world.settle(3);
    assert.equal(world.runsOfType('PostPromotion').length, 2);
    world.runPhase(`${first}.1`, 'Successful');
    world.settle(2);
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });

  test('a failed PostPromotion run aborts and sends the active Service back to v1', () => {
    const { world, v1, v2 } = v2Ready({ postPromotionAnalysis: analysisRef() });
    world.runPhase(`app-${v2}-2-post`, 'Failed', 'too many errors');
    world.pass();
    assert.equal(world.rollout.status?.phase, 'Degraded');
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.rollout.status?.message, 'RolloutAborted: Rollout aborted update to revision 2: too many errors');
  });
});

describe('AnalysisRun history', () => {
  test('finished runs of older revisions beyond the history limits are deleted, newest kept', () => {
    const world = new World(spec({ prePromotionAnalysis: analysisRef() }, { analysis: { successfulRunHistoryLimit: 1, unsuccessfulRunHistoryLimit: 1 } }));
    world.settle();
    const names: string[] = [];
    const outcomes: Phase[] = ['Successful', 'Successful', 'Failed'];
    for (const [i, image] of ['app:v2', 'app:v3', 'app:v4', 'app:v5'].entries()) {
      world.setImage(image);
      world.settle(3);
      world.now += 60_000;
      const name = world.rollout.status!.blueGreen!.prePromotionAnalysisRunStatus!.name;
      names.push(name);
      const outcome = outcomes[i];
      if (outcome) world.runPhase(name, outcome);
      world.settle(3);
    }
    assert.equal(world.rollout.status?.blueGreen?.prePromotionAnalysisRunStatus?.name, names[3]);
    assert.deepEqual([...world.runs.keys()].sort(), [names[1], names[2], names[3]].sort(), 'the current run, the newest successful and the newest unsuccessful one');
  });

  test('runs whose ReplicaSet is gone are deleted', () => {
    const { world, v2 } = v2Ready({ prePromotionAnalysis: analysisRef() }, { revisionHistoryLimit: 0 });
    world.runPhase(`app-${v2}-2-pre`, 'Successful');
    world.settle(3);
    world.setImage('app:v3');
    world.settle(3);
    const v3 = world.rollout.status!.currentPodHash!;
    world.runPhase(`app-${v3}-3-pre`, 'Successful');
    world.settle(3);
    world.now += 60_000;
    world.settle(3);
    assert.equal(world.replicaSets.size, 1, 'revisionHistoryLimit 0 keeps only the current ReplicaSet');
    assert.deepEqual([...world.runs.keys()], [`app-${v3}-3-pre`]);
  });
});
