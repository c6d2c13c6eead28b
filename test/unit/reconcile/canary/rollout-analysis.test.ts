import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisTemplate } from '../../../../controller/api/index.ts';
import { SUPPORT, unsupportedMessage } from '../../../../controller/api/support.ts';
import { ABORT_PATCH, PAUSE_PATCH, RESUME_PATCH, RETRY_PATCH } from '../../../../client/actions/patches.ts';
import { HASH, NS, RolloutWorld, type RunPhase as Phase } from '../support/world.ts';

/** The canary's world, with the success-rate template and no ClusterAnalysisTemplates. */
class World extends RolloutWorld {
  constructor(spec: Record<string, unknown>) {
    super(spec, { templates: [template('success-rate')], clusterTemplates: [] });
  }
}

function template(name: string): AnalysisTemplate {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: NS },
    spec: {
      args: [{ name: 'service-name' }, { name: 'hash' }],
      metrics: [{ name: 'success-rate', successCondition: 'result[0] >= 0.95', provider: { prometheus: { address: 'http://prometheus:9090', query: 'rate{service="{{args.service-name}}",hash="{{args.hash}}"}' } } }],
    },
  };
}

const analysisRef = (over: Record<string, unknown> = {}) => ({
  templates: [{ templateName: 'success-rate' }],
  args: [
    { name: 'service-name', value: 'app-canary' },
    { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
  ],
  ...over,
});

const STEPS = [{ setWeight: 50 }, { analysis: analysisRef() }, { setWeight: 100 }];

const spec = (canary: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 4,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { canary: { canaryService: 'app-canary', stableService: 'app-stable', steps: STEPS, ...canary } },
  ...extra,
});

/** v1 deployed and stable, then v2 set and walked up to the step at `index` (the analysis step by default). */
async function v2At(canary: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, index = 1) {
  const world = new World(spec(canary, extra));
  await world.settle(3);
  const v1 = world.status.stableRS!;
  assert.equal(world.status.phase, 'Healthy', world.status.message);
  world.setImage('app:v2');
  await world.settle(4);
  assert.equal(world.status.currentStepIndex, index, 'at the expected step');
  world.events = [];
  return { world, v1, v2: world.status.currentPodHash! };
}

describe('canary analysis step', () => {
  test('the first deploy creates no AnalysisRun', async () => {
    const world = new World(spec({ analysis: analysisRef() }));
    await world.settle(4);
    assert.equal(world.runs.size, 0);
    assert.equal(world.status.phase, 'Healthy');
  });

  test('reaching the step creates a run with Argo’s name, labels, owner and arguments, and records it', async () => {
    const { world, v1, v2 } = await v2At();
    assert.equal(world.created.length, 1);
    const run = world.created[0]!;
    assert.equal(run.metadata.name, `app-${v2}-2-1`);
    assert.deepEqual(run.metadata.labels, { [HASH]: v2, 'rollout-type': 'Step', 'step-index': '1', app: 'app' });
    assert.deepEqual(run.metadata.annotations, { 'rollout.argoproj.io/revision': '2' });
    assert.deepEqual(run.metadata.ownerReferences, [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'app', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(run.spec.args, [{ name: 'service-name', value: 'app-canary' }, { name: 'hash', value: v2 }]);
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `app-${v2}-2-1`, status: 'Pending' });
    assert.equal(world.status.phase, 'Progressing');
    assert.deepEqual([world.replicas(v1), world.replicas(v2)], [2, 2], 'the weight of the step before holds');
  });

  test('a running run holds the step; success moves on and the rollout completes', async () => {
    const { world, v2 } = await v2At();
    const name = `app-${v2}-2-1`;
    world.runPhase(name, 'Running');
    const running = await world.pass();
    assert.deepEqual(running.events.find((e) => e.reason === 'AnalysisRunRunning'), {
      type: 'Normal',
      reason: 'AnalysisRunRunning',
      message: `Step Analysis Run '${name}' Status New: 'Running' Previous: 'Pending'`,
    });
    await world.settle(3);
    assert.equal(world.status.currentStepIndex, 1, 'no progress while the run runs');
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus?.status, 'Running');
    assert.equal(world.runs.size, 1, 'no second run');

    world.runPhase(name, 'Successful');
    const done = await world.pass();
    assert.ok(done.events.some((e) => e.reason === 'RolloutStepCompleted' && e.message === 'Rollout step 2/3 completed (analysis)'));
    assert.equal(world.status.currentStepIndex, 2);
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus, undefined, 'Argo clears it when the step completes');
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.phase, 'Healthy');
    assert.equal(world.runs.get(name)?.status?.phase, 'Successful', 'kept within the history limit');
  });

  const failures: Array<{ name: string; phase: Phase; message?: string; reason: (run: string) => string }> = [
    { name: 'a failed run aborts with its message', phase: 'Failed', message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)', reason: () => 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)' },
    { name: 'an errored run without a message names the run', phase: 'Error', reason: (run) => `AnalysisRun '${run}' owned by the Rollout '"app"' failed.` },
  ];
  for (const c of failures) {
    test(`${c.name}: Degraded, the canary scaled down, the stable back to full size`, async () => {
      const { world, v1, v2 } = await v2At();
      const name = `app-${v2}-2-1`;
      world.runPhase(name, c.phase, c.message);
      const aborted = await world.pass();
      const message = `RolloutAborted: Rollout aborted update to revision 2: ${c.reason(name)}`;
      assert.equal(world.status.abort, true);
      assert.equal(world.status.phase, 'Degraded');
      assert.equal(world.status.message, message);
      assert.equal(world.status.currentStepIndex, 0);
      assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name, status: c.phase, ...(c.message ? { message: c.message } : {}) });
      assert.ok(aborted.events.some((e) => e.type === 'Warning' && e.reason === `AnalysisRun${c.phase}`));
      assert.ok(aborted.events.some((e) => e.type === 'Warning' && e.reason === 'RolloutAborted'));
      await world.settle(4);
      assert.equal(world.status.phase, 'Degraded');
      assert.equal(world.status.message, message, 'the reason stays');
      assert.deepEqual([world.replicas(v1), world.replicas(v2)], [4, 0]);
      assert.equal(world.services.get('app-canary')?.spec?.selector?.[HASH], v1);
      assert.equal(world.runs.size, 1, 'no new run while aborted');
    });
  }

  test('an inconclusive run pauses with InconclusiveAnalysisRun and freezes the ReplicaSets; promote moves past the step', async () => {
    const { world, v1, v2 } = await v2At();
    world.runPhase(`app-${v2}-2-1`, 'Inconclusive');
    await world.settle(3);
    assert.deepEqual(world.status.pauseConditions?.map((p) => p.reason), ['InconclusiveAnalysisRun']);
    assert.equal(world.status.controllerPause, true);
    assert.equal(world.status.phase, 'Paused');
    assert.equal(world.status.message, 'InconclusiveAnalysisRun');
    assert.equal(world.runs.size, 1);
    assert.deepEqual([world.replicas(v1), world.replicas(v2)], [2, 2]);

    world.promote();
    await world.settle(4);
    assert.equal(world.status.pauseConditions, undefined);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.phase, 'Healthy');
  });

  test('clearing the inconclusive pause without moving past the step analyses again under the next name', async () => {
    const { world, v2 } = await v2At();
    const first = `app-${v2}-2-1`;
    world.runPhase(first, 'Inconclusive');
    await world.settle(2);
    assert.equal(world.status.controllerPause, true);
    world.patch({ status: { pauseConditions: null } }); // what Argo's promote did before it skipped the step
    await world.pass();
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `${first}.1`, status: 'Pending' });
    assert.equal(world.status.pauseConditions, undefined);
    assert.equal(world.status.controllerPause, undefined);
    world.runPhase(`${first}.1`, 'Successful');
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
  });

  test('a user pause (spec.paused) at the step leaves the run going; resuming goes on with it', async () => {
    const { world, v2 } = await v2At();
    const name = `app-${v2}-2-1`;
    world.runPhase(name, 'Running');
    world.patch(PAUSE_PATCH);
    await world.settle(2);
    assert.equal(world.status.phase, 'Paused');
    assert.equal(world.terminated(name), false);
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name, status: 'Running' });
    world.runPhase(name, 'Successful');
    world.patch(RESUME_PATCH);
    await world.settle(4);
    assert.equal(world.runs.size, 1);
    assert.equal(world.status.stableRS, v2);
  });

  test('an abort while the run is running terminates it, once', async () => {
    const { world, v2 } = await v2At();
    const name = `app-${v2}-2-1`;
    world.runPhase(name, 'Running');
    await world.pass();
    world.patch(ABORT_PATCH);
    const aborted = await world.pass();
    assert.ok(aborted.effects.some((e) => e.kind === 'terminateAnalysisRun' && e.name === name));
    assert.ok(world.terminated(name));
    assert.equal(world.status.phase, 'Degraded');
    assert.ok(!(await world.pass()).effects.some((e) => e.kind === 'terminateAnalysisRun'), 'terminated once');
  });

  test('promote while the run is running skips the step and terminates the run', async () => {
    const { world, v2 } = await v2At();
    const name = `app-${v2}-2-1`;
    world.runPhase(name, 'Running');
    await world.pass();
    world.promote();
    await world.pass();
    assert.ok(world.terminated(name));
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus, undefined);
    await world.settle(4);
    assert.equal(world.status.phase, 'Healthy');
  });

  test('promote --full terminates the running run and promotes', async () => {
    const { world, v2 } = await v2At();
    const name = `app-${v2}-2-1`;
    world.runPhase(name, 'Running');
    await world.pass();
    world.promote(true);
    await world.settle(4);
    assert.ok(world.terminated(name));
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.phase, 'Healthy');
  });

  test('a new revision terminates the run of the old one and restarts the steps', async () => {
    const { world, v2 } = await v2At();
    const old = `app-${v2}-2-1`;
    world.runPhase(old, 'Running');
    await world.pass();
    world.setImage('app:v3');
    await world.pass();
    assert.ok(world.terminated(old));
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus, undefined);
    await world.settle(4);
    const v3 = world.status.currentPodHash!;
    assert.notEqual(v3, v2);
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `app-${v3}-3-1`, status: 'Pending' });
  });

  test('retry after a failed run walks the steps again and analyses under the next name', async () => {
    const { world, v2 } = await v2At();
    const first = `app-${v2}-2-1`;
    world.runPhase(first, 'Failed', 'bad');
    await world.settle(3);
    world.patch(RETRY_PATCH);
    await world.settle(4);
    assert.equal(world.status.abort, undefined);
    assert.equal(world.status.currentStepIndex, 1);
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `${first}.1`, status: 'Pending' });
    world.runPhase(`${first}.1`, 'Successful');
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
  });

  test('a run created by a pass whose status write was lost is adopted, not duplicated', async () => {
    const { world, v2 } = await v2At();
    world.rollout.status = { ...world.status, canary: { ...world.status.canary, currentStepAnalysisRunStatus: undefined } };
    world.runPhase(`app-${v2}-2-1`, 'Running');
    await world.settle(2);
    assert.equal(world.runs.size, 1);
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus?.name, `app-${v2}-2-1`);
  });

  test('a run recorded in the status but not yet in the cache is waited for, not created again', async () => {
    const { world, v2 } = await v2At();
    world.runs.clear();
    await world.settle(2);
    assert.equal(world.runs.size, 0);
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `app-${v2}-2-1`, status: 'Pending' });
  });

  test('two analysis steps in a row each get their own run', async () => {
    const { world, v2 } = await v2At({ steps: [{ setWeight: 50 }, { analysis: analysisRef() }, { analysis: analysisRef() }] });
    world.runPhase(`app-${v2}-2-1`, 'Successful');
    await world.pass();
    assert.deepEqual(world.status.canary?.currentStepAnalysisRunStatus, { name: `app-${v2}-2-2`, status: 'Pending' });
    assert.equal(world.created.at(-1)?.metadata.labels?.['step-index'], '2');
  });

  test('a step whose template argument is not given is InvalidSpec as in Argo, and a step metric that runs indefinitely too', async () => {
    const open = new World(spec({ steps: [{ setWeight: 50 }, { analysis: analysisRef({ args: [{ name: 'service-name', value: 'x' }] }) }, { setWeight: 100 }] }));
    const first = await open.pass();
    assert.equal(
      open.status.message,
      'InvalidSpec: The Rollout "app" is invalid: spec.strategy.canary.steps[1].analysis.templates: Invalid value: "templateNames: [success-rate]": args.hash was not resolved',
    );
    assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet'), []);

    const forever: AnalysisTemplate = { ...template('forever'), spec: { metrics: [{ name: 'rate', interval: '1m', provider: { prometheus: { address: 'http://p:9090', query: 'up' } } }] } };
    const indefinite = new RolloutWorld(spec({ steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'forever' }] } }] }), { templates: [forever], clusterTemplates: [] });
    await indefinite.pass();
    assert.equal(
      indefinite.status.message,
      'InvalidSpec: The Rollout "app" is invalid: spec.strategy.canary.steps[1].analysis.templates: Invalid value: "forever": AnalysisTemplate forever has metric rate which runs indefinitely. Invalid value for count: <nil>',
    );
    // In the background the same template is fine: a background analysis runs until the rollout completes.
    const background = new RolloutWorld(spec({ analysis: { templates: [{ templateName: 'forever' }] }, steps: [{ setWeight: 50 }] }), { templates: [forever], clusterTemplates: [] });
    await background.pass();
    assert.notEqual(background.status.phase, 'Degraded');
  });

  test('a template whose metric uses a provider Ramp does not run is an InvalidSpec naming the step, the template and the metric; no ReplicaSet is created', async () => {
    const plugin: AnalysisTemplate = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'error-rate', namespace: NS },
      spec: { metrics: [{ name: 'errors', successCondition: 'result < 0.01', provider: { plugin: { 'argoproj-labs/sample': { query: 'sum:errors{*}' } } } }] },
    };
    const world = new RolloutWorld(spec({ steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'error-rate' }] } }] }), { templates: [plugin], clusterTemplates: [] });
    const first = await world.pass();
    assert.equal(world.status.phase, 'Degraded');
    assert.equal(
      world.status.message,
      `InvalidSpec: The Rollout "app" is invalid: spec.strategy.canary.steps[1].analysis.templates: Forbidden: AnalysisTemplate "error-rate" metric "errors" (provider.plugin): ${unsupportedMessage(SUPPORT.find((e) => e.field === 'provider.plugin')!)}`,
    );
    assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet'), []);
  });

  const composed = (name: string, spec: Partial<AnalysisTemplate['spec']>): AnalysisTemplate => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name, namespace: NS }, spec: { metrics: [], ...spec } });
  const latency: AnalysisTemplate = composed('latency', {
    args: [{ name: 'service-name' }],
    dryRun: [{ metricName: 'latency' }],
    metrics: [{ name: 'latency', successCondition: 'result[0] < 0.5', provider: { prometheus: { address: 'http://prometheus:9090', query: 'latency{service="{{args.service-name}}"}' } } }],
  });

  test('a template composed of others (spec.templates) runs their metrics, args and dryRun in one AnalysisRun, nested templates included', async () => {
    const combined = composed('combined', { templates: [{ templateName: 'success-rate' }, { templateName: 'inner' }] });
    const inner = composed('inner', { templates: [{ templateName: 'latency' }, { templateName: 'combined' }] });
    const world = new RolloutWorld(spec({ steps: [{ setWeight: 50 }, { analysis: analysisRef({ templates: [{ templateName: 'combined' }] }) }] }), {
      templates: [template('success-rate'), combined, inner, latency],
      clusterTemplates: [],
    });
    await world.settle(3);
    world.setImage('app:v2');
    await world.settle(4);
    assert.notEqual(world.status.phase, 'Degraded', world.status.message);
    const [run] = [...world.runs.values()];
    assert.ok(run, 'the step created its AnalysisRun');
    assert.deepEqual(run.spec.metrics.map((m) => m.name), ['success-rate', 'latency']);
    assert.deepEqual(run.spec.args?.map((a) => a.name), ['service-name', 'hash']);
    assert.deepEqual(run.spec.dryRun, [{ metricName: 'latency' }]);
  });

  test('composition refuses what Argo refuses: a duplicate metric, conflicting args, a missing nested template; no ReplicaSet is created', async () => {
    const invalid = async (templates: AnalysisTemplate[]) => {
      const world = new RolloutWorld(spec({ steps: [{ setWeight: 50 }, { analysis: analysisRef({ templates: [{ templateName: 'combined' }] }) }] }), { templates, clusterTemplates: [] });
      const first = await world.pass();
      assert.equal(world.status.phase, 'Degraded');
      assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet'), []);
      return world.status.message;
    };
    const prefix = 'InvalidSpec: The Rollout "app" is invalid: spec.strategy.canary.steps[1].analysis.templates: Invalid value: ';
    const twice = composed('twice', { metrics: template('success-rate').spec.metrics });
    assert.equal(
      await invalid([composed('combined', { templates: [{ templateName: 'success-rate' }, { templateName: 'twice' }] }), template('success-rate'), twice]),
      `${prefix}"templateNames: [combined success-rate twice]": two metrics have the same name 'success-rate'`,
    );
    const a = composed('a', { args: [{ name: 'service-name', value: 'one' }], metrics: [{ ...latency.spec.metrics[0]!, name: 'a' }] });
    const b = composed('b', { args: [{ name: 'service-name', value: 'two' }], metrics: [{ ...latency.spec.metrics[0]!, name: 'b' }] });
    assert.equal(
      await invalid([composed('combined', { templates: [{ templateName: 'a' }, { templateName: 'b' }] }), a, b]),
      `${prefix}"templateNames: [combined a b]": Argument \`service-name\` specified multiple times with different values: 'one', 'two'`,
    );
    assert.equal(await invalid([composed('combined', { templates: [{ templateName: 'gone', clusterScope: true }] })]), `${prefix}"gone": clusteranalysistemplate.argoproj.io "gone" not found`);
  });

  test('a missing template is an InvalidSpec naming the step', async () => {
    const world = new World(spec({ steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'nope' }] } }] }));
    await world.pass();
    assert.equal(world.status.phase, 'Degraded');
    assert.match(world.status.message ?? '', /spec\.strategy\.canary\.steps\[1\]\.analysis\.templates: Invalid value: "nope": analysistemplate\.argoproj\.io "nope" not found/);
  });
});

describe('canary background analysis', () => {
  const background = (over: Record<string, unknown> = {}) => ({ analysis: analysisRef(over), steps: [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] });

  test('is created in the pass that creates the new ReplicaSet, so no step of the revision completes, nor a pause is reported, before it exists', async () => {
    const world = new World(spec(background()));
    await world.settle(3);
    world.setImage('app:v2');
    const first = await world.pass();
    const v2 = world.status.currentPodHash!;
    assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet' || e.kind === 'createAnalysisRun').map((e) => e.kind), ['createReplicaSet', 'createAnalysisRun']);
    assert.deepEqual(world.created.map((r) => r.metadata.name), [`app-${v2}-2`]);
    assert.equal(world.status.currentStepIndex, 0);
    assert.notEqual(world.status.phase, 'Paused');
  });

  test('starts with the update and runs under Argo’s name and labels until the rollout completes, then is terminated', async () => {
    const { world, v2 } = await v2At(background());
    const name = `app-${v2}-2`;
    assert.deepEqual(world.created.map((r) => r.metadata.name), [name]);
    assert.deepEqual(world.created[0]!.metadata.labels, { [HASH]: v2, 'rollout-type': 'Background', app: 'app' });
    assert.deepEqual(world.status.canary?.currentBackgroundAnalysisRunStatus, { name, status: 'Pending' });
    world.runPhase(name, 'Running');
    world.promote();
    await world.settle(4);
    assert.equal(world.status.currentStepIndex, 3);
    assert.deepEqual(world.status.canary?.currentBackgroundAnalysisRunStatus, { name, status: 'Running' });
    assert.equal(world.runs.size, 1, 'one run for the whole update');
    world.promote();
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.phase, 'Healthy');
    assert.ok(world.terminated(name), 'terminated once the rollout completed');
    assert.equal(world.status.canary?.currentBackgroundAnalysisRunStatus, undefined);
  });

  test('waits for startingStep', async () => {
    const { world, v2 } = await v2At(background({ startingStep: 2 }));
    assert.equal(world.runs.size, 0, 'step 1 is before startingStep 2');
    assert.equal(world.status.canary?.currentBackgroundAnalysisRunStatus, undefined);
    world.promote();
    await world.settle(2);
    assert.equal(world.status.currentStepIndex, 3);
    assert.deepEqual(world.status.canary?.currentBackgroundAnalysisRunStatus, { name: `app-${v2}-2`, status: 'Pending' });
  });

  test('a failure at any step aborts the rollout with the run’s message', async () => {
    const { world, v1, v2 } = await v2At(background());
    const name = `app-${v2}-2`;
    world.runPhase(name, 'Failed', 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
    await world.pass();
    assert.equal(world.status.abort, true);
    assert.equal(world.status.phase, 'Degraded');
    assert.equal(world.status.message, 'RolloutAborted: Rollout aborted update to revision 2: Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)');
    assert.deepEqual(world.status.pauseConditions, undefined, 'the pause step no longer holds');
    await world.settle(3);
    assert.deepEqual([world.replicas(v1), world.replicas(v2)], [4, 0]);
    assert.equal(world.status.canary?.currentBackgroundAnalysisRunStatus?.status, 'Failed');
  });

  test('an inconclusive result pauses; promote starts a new background run', async () => {
    const { world, v2 } = await v2At(background());
    const name = `app-${v2}-2`;
    world.promote(); // past the first pause
    await world.settle(3);
    assert.equal(world.status.currentStepIndex, 3);
    world.runPhase(name, 'Inconclusive');
    await world.settle(2);
    assert.deepEqual(world.status.pauseConditions?.map((p) => p.reason).sort(), ['CanaryPauseStep', 'InconclusiveAnalysisRun']);
    assert.equal(world.status.phase, 'Paused');
    world.promote();
    await world.settle(2);
    assert.deepEqual(world.status.canary?.currentBackgroundAnalysisRunStatus, { name: `${name}.1`, status: 'Pending' });
  });

  test('a missing template is an InvalidSpec naming canary.analysis', async () => {
    const world = new World(spec({ analysis: { templates: [{ templateName: 'nope' }] } }));
    await world.pass();
    assert.match(world.status.message ?? '', /spec\.strategy\.canary\.analysis\.templates: Invalid value: "nope"/);
  });
});

describe('canary AnalysisRun history', () => {
  test('finished step runs of older revisions beyond the history limits are deleted, newest kept', async () => {
    const world = new World(spec({}, { analysis: { successfulRunHistoryLimit: 1, unsuccessfulRunHistoryLimit: 1 } }));
    await world.settle(3);
    const names: string[] = [];
    const outcomes: Phase[] = ['Successful', 'Successful', 'Failed'];
    for (const [i, image] of ['app:v2', 'app:v3', 'app:v4', 'app:v5'].entries()) {
      world.setImage(image);
      await world.settle(4);
      world.now += 60_000;
      const name = world.status.canary!.currentStepAnalysisRunStatus!.name;
      names.push(name);
      const outcome = outcomes[i];
      if (outcome) world.runPhase(name, outcome);
      await world.settle(4);
    }
    assert.equal(world.status.canary?.currentStepAnalysisRunStatus?.name, names[3]);
    assert.deepEqual([...world.runs.keys()].sort(), [names[1], names[2], names[3]].sort(), 'the current run, the newest successful and the newest unsuccessful one');
  });
});
