import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ABORT_PATCH, RETRY_PATCH } from '../../../../client/actions/patches.ts';
import type { TrafficRoutingAccess } from '../../../../controller/reconcile/canary/traffic-apply.ts';
import { MemoryKube } from '../../traffic/support/memory-kube.ts';
import { HASH, NS, RolloutWorld } from '../support/world.ts';

const experimentStep = (over: Record<string, unknown> = {}) => ({
  duration: '10m',
  templates: [
    { name: 'baseline', specRef: 'stable', replicas: 1 },
    { name: 'canary', specRef: 'canary', metadata: { labels: { role: 'exp' }, annotations: { note: 'x' } }, service: { name: 'exp-canary' } },
  ],
  analyses: [
    {
      name: 'compare',
      templateName: 'compare',
      requiredForCompletion: true,
      args: [
        { name: 'stable', valueFrom: { podTemplateHashValue: 'Stable' } },
        { name: 'latest', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'plain', value: 'v' },
      ],
    },
  ],
  ...over,
});

const STEPS = [{ setWeight: 25 }, { experiment: experimentStep() }, { setWeight: 100 }];

const spec = (canary: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 4,
  progressDeadlineSeconds: 300,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { canary: { canaryService: 'app-canary', stableService: 'app-stable', steps: STEPS, ...canary } },
  ...extra,
});

/** A canary routed through an SMI TrafficSplit, whose experiment step weighs its canary template at 10%. */
class SmiWorld extends RolloutWorld {
  readonly kube = new MemoryKube([]);

  constructor() {
    const weighted = experimentStep({
      analyses: [],
      templates: [
        { name: 'canary', specRef: 'canary', weight: 10, service: { name: 'exp-canary' } },
        { name: 'baseline', specRef: 'stable' },
      ],
    });
    super(spec({ trafficRouting: { smi: { trafficSplitName: 'app' } }, steps: [{ setWeight: 25 }, { experiment: weighted }, { setWeight: 100 }] }));
  }

  trafficRouting(): TrafficRoutingAccess {
    return { kube: this.kube, options: { smi: { apiVersion: 'v1alpha2' } } };
  }

  /** The TrafficSplit's backends as [Service, weight]. */
  backends(): Array<[string, number]> {
    const split = this.kube.read('split.smi-spec.io/v1alpha2', 'TrafficSplit', NS, 'app') as { spec: { backends: Array<{ service: string; weight: number }> } } | undefined;
    return (split?.spec.backends ?? []).map((b) => [b.service, b.weight]);
  }
}

/** v1 deployed and stable, then v2 set and walked up to the experiment step. */
async function v2AtExperiment(canary: Record<string, unknown> = {}) {
  const world = new RolloutWorld(spec(canary));
  world.rollout.metadata.labels = { team: 'a' };
  await world.settle(3);
  const v1 = world.status.stableRS!;
  assert.equal(world.status.phase, 'Healthy', world.status.message);
  world.setImage('app:v2');
  await world.settle(4);
  assert.equal(world.status.currentStepIndex, 1, 'at the experiment step');
  const v2 = world.status.currentPodHash!;
  const name = `app-${v2}-2-1`;
  return { world, v1, v2, name };
}

describe('canary experiment step', () => {
  test('reaching the step creates the Experiment with Argo’s name, labels, owner, templates and resolved arguments', async () => {
    const { world, v1, v2, name } = await v2AtExperiment();
    assert.deepEqual([...world.experiments.keys()], [name]);
    const ex = world.experiments.get(name)!;
    assert.deepEqual(ex.metadata.labels, { team: 'a', [HASH]: v2 });
    assert.deepEqual(ex.metadata.annotations, { 'rollout.argoproj.io/revision': '2' });
    assert.deepEqual(ex.metadata.ownerReferences, [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'app', uid: 'uid-1', controller: true, blockOwnerDeletion: true }]);
    assert.equal(ex.spec.duration, '10m');
    assert.equal(ex.spec.progressDeadlineSeconds, 300);
    const [baseline, canary] = ex.spec.templates;
    assert.equal(baseline!.replicas, 1);
    assert.equal(baseline!.template.metadata?.labels?.[HASH], v1, 'the stable ReplicaSet’s pod template');
    assert.equal((baseline!.template.spec as { containers: Array<{ image: string }> }).containers[0]!.image, 'app:v1');
    assert.equal(baseline!.service, undefined);
    assert.equal(canary!.replicas, undefined, 'the Experiment’s default of one replica applies');
    assert.equal((canary!.template.spec as { containers: Array<{ image: string }> }).containers[0]!.image, 'app:v2');
    assert.equal(canary!.template.metadata?.labels?.role, 'exp');
    assert.equal(canary!.template.metadata?.annotations?.note, 'x');
    assert.deepEqual(canary!.selector.matchLabels, { app: 'app', [HASH]: v2, role: 'exp' });
    assert.deepEqual(canary!.service, { name: 'exp-canary' });
    assert.deepEqual(ex.spec.analyses, [
      {
        name: 'compare',
        templateName: 'compare',
        requiredForCompletion: true,
        args: [
          { name: 'stable', value: v1 },
          { name: 'latest', value: v2 },
          { name: 'ns', value: NS },
          { name: 'plain', value: 'v' },
        ],
      },
    ]);
    assert.equal(world.status.canary?.currentExperiment, name);
    assert.ok(world.events.some((e) => e.reason === 'ExperimentCreated' && e.message === `Created Experiment '${name}'`));
  });

  test('a running experiment holds the step; success moves on and the rollout completes', async () => {
    const { world, v2, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Running');
    await world.settle(3);
    assert.equal(world.status.currentStepIndex, 1, 'no progress while it runs');
    assert.equal(world.experiments.size, 1, 'no second experiment');

    world.experimentPhase(name, 'Successful');
    await world.pass();
    assert.equal(world.status.currentStepIndex, 2);
    assert.equal(world.status.canary?.currentExperiment, undefined, 'Argo records only an experiment still going');
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.phase, 'Healthy');
    assert.ok(world.experiments.has(name), 'kept within the history limit');
    assert.equal(world.experiments.get(name)!.spec.terminate, undefined, 'a finished experiment is not terminated');
  });

  test('a failed experiment aborts the rollout with Argo’s message', async () => {
    const { world, v1, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Failed', 'Metric "compare" assessed Failed due to failed (1) > failureLimit (0)');
    await world.pass();
    assert.equal(world.status.abort, true);
    assert.equal(world.status.canary?.currentExperiment, undefined);
    const progressing = world.status.conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.reason, 'RolloutAborted');
    assert.equal(
      progressing?.message,
      'Rollout aborted update to revision 2: Experiment analysis phase is error/failed: Metric "compare" assessed Failed due to failed (1) > failureLimit (0)',
    );
    await world.settle(3);
    assert.equal(world.selector('app-canary'), v1, 'traffic back to the stable');
  });

  test('an errored experiment aborts too', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Error');
    await world.pass();
    assert.equal(world.status.abort, true);
    assert.match(world.status.message ?? '', /Experiment analysis phase is error\/failed$/);
  });

  test('an abort terminates the running experiment', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Running');
    world.patch(ABORT_PATCH);
    await world.pass();
    assert.equal(world.experiments.get(name)!.spec.terminate, true);
    assert.equal(world.status.canary?.currentExperiment, undefined);
  });

  test('promote --full terminates the running experiment and promotes', async () => {
    const { world, v2, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Running');
    world.promote(true);
    await world.pass();
    assert.equal(world.experiments.get(name)!.spec.terminate, true);
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.canary?.currentExperiment, undefined);
  });

  test('an inconclusive experiment pauses with InconclusiveExperiment', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Inconclusive');
    await world.pass();
    assert.deepEqual(world.status.pauseConditions?.map((p) => p.reason), ['InconclusiveExperiment']);
    assert.equal(world.status.controllerPause, true);
    assert.equal(world.status.currentStepIndex, 1);
    assert.equal(world.status.abort, undefined);
  });

  test('promoting past an inconclusive experiment runs the step again with a new experiment (-1)', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Inconclusive');
    await world.pass();
    await world.pass();
    assert.deepEqual([...world.experiments.keys()], [name], 'nothing new while paused');
    world.promote();
    await world.pass();
    assert.deepEqual([...world.experiments.keys()], [name, `${name}-1`]);
    assert.equal(world.status.canary?.currentExperiment, `${name}-1`);
    assert.equal(world.status.pauseConditions, undefined);
    world.experimentPhase(`${name}-1`, 'Successful');
    await world.pass();
    assert.equal(world.status.currentStepIndex, 2);
  });

  test('a retry after a failed experiment walks the steps again and starts a new one', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Failed');
    await world.settle(3);
    assert.equal(world.status.abort, true);
    world.patch(RETRY_PATCH);
    await world.settle(5);
    assert.equal(world.status.currentStepIndex, 1);
    assert.equal(world.status.canary?.currentExperiment, `${name}-1`, 'the failed one keeps its name');
    assert.equal(world.experiments.get(name)!.status?.phase, 'Failed');
  });

  test('an experiment not in the cache yet is waited for, not created twice', async () => {
    const { world, name } = await v2AtExperiment();
    const created = world.experiments.get(name)!;
    world.experiments.delete(name);
    const pass = await world.pass();
    assert.ok(!pass.effects.some((e) => e.kind === 'createExperiment'));
    assert.equal(world.status.canary?.currentExperiment, name);
    world.experiments.set(name, created);
  });

  test('a running experiment of this revision left unrecorded by a lost status write is adopted', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Running');
    world.rollout.status = { ...world.status, canary: { ...world.status.canary, currentExperiment: undefined } };
    const pass = await world.pass();
    assert.ok(!pass.effects.some((e) => e.kind === 'createExperiment'));
    assert.equal(world.status.canary?.currentExperiment, name);
  });

  test('a new revision terminates the experiment of the old one', async () => {
    const { world, name } = await v2AtExperiment();
    world.experimentPhase(name, 'Running');
    world.setImage('app:v3');
    await world.pass();
    assert.equal(world.experiments.get(name)!.spec.terminate, true);
  });

  test('with SMI, a weighted template of the running experiment gets its share of the TrafficSplit, and stable the rest', async () => {
    const world = new SmiWorld();
    await world.settle(3);
    world.setImage('app:v2');
    await world.settle(4);
    assert.equal(world.status.currentStepIndex, 1, 'at the experiment step');
    const name = world.status.canary!.currentExperiment!;
    assert.deepEqual(world.experiments.get(name)!.spec.templates.map((t) => t.service), [{ name: 'exp-canary' }, undefined], 'a weighted template gets a Service');
    assert.deepEqual(world.backends(), [['app-canary', 25], ['app-stable', 75]], 'no share before the experiment runs');

    const ex = world.experiments.get(name)!;
    ex.status = { phase: 'Running', templateStatuses: [{ name: 'canary', replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, serviceName: 'exp-canary', podTemplateHash: 'exphash' }] };
    await world.pass();
    assert.deepEqual(world.backends(), [['app-canary', 25], ['exp-canary', 10], ['app-stable', 65]]);
    assert.deepEqual(world.status.canary?.weights?.additional, [{ weight: 10, serviceName: 'exp-canary', podTemplateHash: 'exphash' }]);
    assert.equal(world.status.canary?.weights?.stable.weight, 65);
    assert.equal(world.status.canary?.weights?.verified, true);

    world.experimentPhase(name, 'Successful');
    await world.pass();
    assert.equal(world.status.currentStepIndex, 2, 'the step completed');
    assert.ok(!world.backends().some(([svc]) => svc === 'exp-canary'), 'the experiment’s share is gone once it has finished');
    assert.equal(world.status.canary?.weights?.additional, undefined);
    await world.settle(4);
    assert.equal(world.status.phase, 'Healthy', world.status.message);
  });
});
