import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Ingress } from '@kubernetes/client-node';
import type { AnalysisTemplate, Rollout } from '../../../../controller/api/index.ts';
import { ABORT_PATCH, PAUSE_PATCH, promotePatches, RESUME_PATCH, RETRY_PATCH } from '../../../../client/actions/patches.ts';
import type { TrafficRoutingAccess } from '../../../../controller/reconcile/canary/traffic-apply.ts';
import { readIstioReferences } from '../../../../controller/reconcile/edge/istio-references.ts';
import { ISTIO_RECHECK_MS } from '../../../../controller/reconcile/plan.ts';
import type { Observed } from '../../../../controller/reconcile/types.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';
import { MemoryKube } from '../../traffic/support/memory-kube.ts';
import { HASH, NS, RolloutWorld } from '../support/world.ts';

const VS_API = 'networking.istio.io/v1beta1';
const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const INGRESS_API = 'networking.k8s.io/v1';
const STEPS = [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: { duration: '5s' } }, { setWeight: 100 }];

const stableIngress = (): StoredObject => ({
  apiVersion: INGRESS_API,
  kind: 'Ingress',
  metadata: { name: 'app', namespace: NS, annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
  spec: { rules: [{ host: 'app.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app-stable', port: { number: 80 } } } }] } }] },
});

const virtualService = (): StoredObject => ({
  apiVersion: VS_API,
  kind: 'VirtualService',
  metadata: { name: 'app-vs', namespace: NS },
  spec: {
    hosts: ['app'],
    http: [{ name: 'primary', route: [{ destination: { host: 'app-stable' }, weight: 100 }, { destination: { host: 'app-canary' }, weight: 0 }] }],
  },
});

const SUCCESS_RATE: AnalysisTemplate = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'success-rate', namespace: NS },
  spec: { metrics: [{ name: 'success-rate', successCondition: 'result[0] >= 0.95', provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } } }] },
};

const ROUTING = {
  trafficRouting: {
    nginx: { stableIngress: 'app' },
    istio: { virtualService: { name: 'app-vs', routes: ['primary'] } },
    managedRoutes: [{ name: 'beta' }],
  },
};

/** The canary's world, with the success-rate template and, for trafficRouting, the routing objects. */
class World extends RolloutWorld {
  readonly kube: MemoryKube | undefined;
  /** Read the Istio objects from `kube` before each pass, as the reconciler does. */
  readsIstio = false;
  /** The Istio objects come from running informers, as when their CRDs are served. */
  istioWatched = false;

  constructor(spec: Record<string, unknown>, traffic = false) {
    super(spec, { templates: [SUCCESS_RATE] });
    this.kube = traffic ? new MemoryKube([stableIngress(), virtualService()]) : undefined;
  }

  protected override async observeForPass(): Promise<Observed> {
    const observed = this.observed();
    // What the DestinationRule informer would hold: those marked as managed by this Rollout.
    const dr = this.kube?.read(VS_API, 'DestinationRule', NS, 'app-dr');
    if (this.readsIstio && dr?.metadata.annotations?.[MANAGED_BY] === 'app') observed.managedDestinationRules = [structuredClone(dr)];
    if (this.readsIstio && this.kube) {
      const istio = await readIstioReferences(this.kube, VS_API, NS, observed.rollout.spec);
      if (istio) observed.istio = this.istioWatched ? { ...istio, watched: true } : istio;
    }
    return observed;
  }

  trafficRouting(): TrafficRoutingAccess {
    assert.ok(this.kube, 'only a Rollout with trafficRouting reaches routing objects');
    return { kube: this.kube };
  }

  /** [stable, canary] weights in the VirtualService route. */
  vsWeights(): number[] {
    const http = (this.kube!.read(VS_API, 'VirtualService', NS, 'app-vs')!.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http;
    return http.find(() => true)!.route.map((d) => d.weight);
  }

  /** The canary-weight annotation of the NGINX canary Ingress. */
  ingressWeight(): string | undefined {
    return this.kube!.read(INGRESS_API, 'Ingress', NS, 'app-app-canary')?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
  }
}

const spec = (canary: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 3,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { canary: { canaryService: 'app-canary', stableService: 'app-stable', steps: STEPS, ...canary } },
});

async function deployedV1(canary: Record<string, unknown> = {}, traffic = false): Promise<{ world: World; v1: string }> {
  const world = new World(spec(traffic ? { ...ROUTING, ...canary } : canary), traffic);
  await world.settle(3);
  assert.equal(world.status.phase, 'Healthy', world.status.message);
  world.events = [];
  return { world, v1: world.status.stableRS! };
}

/** Deploys v1, updates to v2 and lets it reach the first pause. */
async function atFirstPause(canary: Record<string, unknown> = {}, traffic = false): Promise<{ world: World; v1: string; v2: string }> {
  const { world, v1 } = await deployedV1(canary, traffic);
  world.setImage('app:v2');
  await world.settle(5);
  assert.equal(world.status.currentStepIndex, 1, 'at the first pause');
  return { world, v1, v2: world.status.currentPodHash! };
}

describe('canary without traffic routing', () => {
  test('the first deploy is stable at once, scales to full size and points both Services at it', async () => {
    const world = new World(spec());
    const first = await world.pass();
    assert.deepEqual(first.effects.slice(0, 1).map((e) => e.kind), ['createReplicaSet']);
    const v1 = world.status.currentPodHash!;
    assert.equal(world.status.stableRS, v1, 'Argo: "Initial deploy"');
    assert.equal(world.status.currentStepIndex, 5);
    assert.equal(world.status.currentStepHash, '847b966966');
    assert.equal(world.replicas(v1), 3);
    assert.equal(world.selector('app-stable'), undefined, 'no Service takes over pods that are not available');
    world.podsCatchUp();
    await world.pass();
    assert.equal(world.selector('app-stable'), v1);
    assert.equal(world.selector('app-canary'), v1);
    assert.equal(world.services.get('app-stable')?.metadata?.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], 'app');
    assert.equal(world.status.phase, 'Healthy');
    assert.ok(world.reasons().includes('RolloutCompleted'));
  });

  test('every step in turn: 33% of the pods, pause, promote, 66%, a timed pause, 100%, then v2 is stable', async () => {
    const { world, v1 } = await deployedV1();
    world.setImage('app:v2');
    const reset = await world.pass();
    const v2 = world.status.currentPodHash!;
    assert.notEqual(v2, v1);
    assert.equal(world.status.currentStepIndex, 0);
    assert.equal(world.status.stableRS, v1, 'the stable stays v1');
    assert.equal(reset.state, 'progressing.setWeight');
    // maxSurge 25% of 3 rounds up to 1: the canary pod comes first, then a stable pod goes.
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [1, 3]);
    world.podsCatchUp();
    await world.pass();
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [1, 2]);
    world.podsCatchUp();
    const paused = await world.pass();
    assert.equal(paused.state, 'progressing.pause');
    assert.equal(world.status.currentStepIndex, 1);
    assert.deepEqual(world.status.pauseConditions?.map((p) => [p.reason, p.startTime]), [['CanaryPauseStep', '2026-01-01T00:00:00Z']]);
    assert.equal(world.status.controllerPause, true);
    assert.equal(world.status.phase, 'Paused');
    assert.equal(world.status.message, 'CanaryPauseStep');
    assert.deepEqual([world.selector('app-stable'), world.selector('app-canary')], [v1, v2]);
    const completed = world.events.find((e) => e.reason === 'RolloutStepCompleted');
    assert.equal(completed?.message, 'Rollout step 1/5 completed (setWeight: 33)');

    // An indefinite pause stays however long it is.
    world.now += 3_600_000;
    assert.equal((await world.pass()).state, 'progressing.pause');

    world.promote();
    assert.equal(world.status.pauseConditions, undefined, 'kubectl promote clears the pause conditions');
    await world.pass();
    assert.equal(world.status.currentStepIndex, 2);
    assert.equal(world.status.controllerPause, undefined);
    await world.settle(3);
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [2, 1]);
    assert.equal(world.status.currentStepIndex, 3);
    const timed = await world.pass();
    assert.equal(timed.requeueAfterMs, 5_000, 'come back when the timed pause ends');
    world.now += 4_000;
    assert.equal((await world.pass()).state, 'progressing.pause');
    world.now += 1_000;
    await world.pass();
    assert.equal(world.status.currentStepIndex, 4, 'the timed pause ended by itself');
    assert.equal(world.status.pauseConditions, undefined);

    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.currentStepIndex, 5);
    assert.equal(world.replicas(v2), 3);
    assert.equal(world.replicas(v1), 0, 'without traffic routing the old pods go as soon as they may');
    assert.deepEqual([world.selector('app-stable'), world.selector('app-canary')], [v2, v2]);
    world.podsCatchUp();
    await world.pass();
    assert.equal(world.status.phase, 'Healthy');
    const done = world.events.find((e) => e.reason === 'RolloutCompleted');
    assert.match(done?.message ?? '', /^Rollout completed update to revision 2 \(.+\): Completed all 5 canary steps$/);
  });

  test('abort mid-way scales the canary down and points the canary Service back at the stable pods', async () => {
    const { world, v1, v2 } = await atFirstPause();
    world.patch(ABORT_PATCH);
    await world.settle(3);
    assert.equal(world.status.abort, true);
    assert.ok(world.status.abortedAt);
    assert.equal(world.status.currentStepIndex, 0);
    assert.equal(world.status.pauseConditions, undefined);
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [0, 3]);
    assert.equal(world.selector('app-canary'), v1);
    assert.equal(world.status.phase, 'Degraded');
    assert.match(world.status.message ?? '', /^RolloutAborted: Rollout aborted update to revision 2/);
    assert.ok(world.reasons().includes('RolloutAborted'));
  });

  test('retry after abort starts the steps again and pauses at the first pause', async () => {
    const { world, v2 } = await atFirstPause();
    world.patch(ABORT_PATCH);
    await world.settle(3);
    world.patch(RETRY_PATCH);
    await world.settle(4);
    assert.equal(world.status.abort, undefined);
    assert.equal(world.status.currentStepIndex, 1);
    assert.equal(world.status.phase, 'Paused');
    assert.equal(world.replicas(v2), 1);
    assert.equal(world.selector('app-canary'), v2);
  });

  test('promote --full skips the remaining steps: v2 runs everywhere and becomes stable', async () => {
    const { world, v1, v2 } = await atFirstPause();
    world.promote(true);
    assert.equal(world.status.promoteFull, true);
    await world.pass();
    assert.equal(world.status.currentStepIndex, 5);
    assert.equal(world.status.pauseConditions, undefined);
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.equal(world.status.promoteFull, undefined);
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [3, 0]);
    assert.match(world.events.find((e) => e.reason === 'RolloutCompleted')?.message ?? '', /: Full promotion requested$/);
  });

  test('a new revision mid-canary restarts at step 0 against the same stable; the intermediate one scales away', async () => {
    const { world, v1, v2 } = await atFirstPause();
    world.setImage('app:v3');
    await world.pass();
    const v3 = world.status.currentPodHash!;
    assert.notEqual(v3, v2);
    assert.equal(world.status.currentStepIndex, 0);
    assert.equal(world.status.stableRS, v1);
    assert.equal(world.status.pauseConditions, undefined);
    await world.settle(5);
    assert.equal(world.status.currentStepIndex, 1);
    assert.equal(world.replicas(v2), 0);
    assert.equal(world.replicas(v3), 1);
    assert.equal(world.status.stableRS, v1);
  });

  test('rolling back to the stable template mid-canary skips the steps at once', async () => {
    const { world, v1, v2 } = await atFirstPause();
    world.setImage('app:v1');
    await world.settle(3);
    assert.equal(world.status.currentPodHash, v1);
    assert.equal(world.status.stableRS, v1);
    assert.equal(world.status.currentStepIndex, 5);
    assert.equal(world.replicas(v2), 0);
    assert.ok(world.events.some((e) => e.reason === 'SkipSteps' && e.message === 'Rollback to stable ReplicaSets'));
    assert.equal(world.status.phase, 'Healthy');
  });

  test('spec.paused freezes the rollout and resume continues it', async () => {
    const { world, v1 } = await deployedV1();
    world.setImage('app:v2');
    await world.pass();
    world.patch(PAUSE_PATCH);
    world.podsCatchUp();
    const frozen = await world.pass();
    assert.equal(frozen.state, 'progressing.userPaused');
    assert.equal(world.status.phase, 'Paused');
    assert.equal(world.status.message, 'manually paused');
    assert.equal(world.replicas(v1), 3, 'the stable is not scaled down to make room while paused');
    assert.equal(world.status.currentStepIndex, 0);
    world.patch(RESUME_PATCH);
    await world.settle(3);
    assert.equal(world.status.currentStepIndex, 1);
  });

  test('promoting a user-paused pause step moves on even when a pass runs between the status and the spec patch', async () => {
    const { world } = await atFirstPause();
    world.patch(PAUSE_PATCH);
    await world.pass();
    // kubectl argo rollouts promote writes the status (pause conditions cleared) and then the spec
    // (paused: false); a pass can see the first without the second.
    const patches = promotePatches(world.rollout as unknown as Rollout);
    world.patch(patches.status!);
    const between = await world.pass();
    assert.equal(between.state, 'progressing.userPaused');
    assert.equal(world.status.pauseConditions, undefined, 'no pause is added while the user pause holds');
    assert.equal(world.status.controllerPause, true, 'the promotion stays pending');
    world.patch(patches.spec!);
    await world.settle(4);
    assert.equal(world.status.currentStepIndex, 3, 'past the promoted pause, at the next one');
    assert.equal(world.status.message, 'CanaryPauseStep');
  });

  test('changing the steps restarts the update at step 0', async () => {
    const { world } = await atFirstPause();
    ((world.spec.strategy as { canary: { steps: unknown[] } }).canary.steps as unknown[]).unshift({ setWeight: 10 });
    await world.pass();
    assert.equal(world.status.currentStepIndex, 0);
    assert.notEqual(world.status.currentStepHash, '847b966966');
    assert.equal(world.status.pauseConditions, undefined);
  });

  test('a repeated pass with no changes writes nothing', async () => {
    const { world } = await atFirstPause();
    world.writes = [];
    world.events = [];
    const again = await world.pass();
    assert.deepEqual(world.writes, []);
    assert.deepEqual(world.events, []);
    assert.deepEqual(again.effects, []);
  });
});

describe('canary with traffic routing (NGINX and Istio together)', () => {
  test('every step in turn: weights are set, read back, and only then does the step count', async () => {
    const { world, v1 } = await deployedV1({}, true);
    assert.equal(world.ingressWeight(), '0');
    assert.deepEqual(world.vsWeights(), [100, 0]);
    assert.equal(world.status.canary?.weights?.stable.podTemplateHash, v1);

    world.setImage('app:v2');
    await world.pass();
    const v2 = world.status.currentPodHash!;
    // The stable stays at full size; the canary gets ceil(33% of 3) pods; no traffic before they are up.
    assert.deepEqual([world.replicas(v2), world.replicas(v1)], [1, 3]);
    assert.deepEqual(world.vsWeights(), [100, 0]);
    world.podsCatchUp();
    const weighted = await world.pass();
    assert.equal(weighted.state, 'progressing.setWeight', 'the weight is applied before the step counts');
    assert.deepEqual(world.vsWeights(), [67, 33]);
    assert.equal(world.ingressWeight(), '33');
    assert.deepEqual(world.status.canary?.weights, {
      canary: { weight: 33, podTemplateHash: v2, serviceName: 'app-canary' },
      stable: { weight: 67, podTemplateHash: v1, serviceName: 'app-stable' },
      verified: true,
    });
    assert.ok(world.events.some((e) => e.reason === 'TrafficWeightUpdated' && e.message === 'Traffic weight updated from 0 to 33'));
    const paused = await world.pass();
    assert.equal(paused.state, 'progressing.pause');
    assert.equal(world.status.phase, 'Paused');

    world.promote();
    await world.pass();
    assert.equal(world.status.currentStepIndex, 2);
    assert.equal(world.replicas(v2), 2);
    assert.deepEqual(world.vsWeights(), [67, 33], 'the weight waits for the new pods');
    world.podsCatchUp();
    await world.pass();
    assert.deepEqual(world.vsWeights(), [34, 66]);
    await world.pass();
    assert.equal(world.status.currentStepIndex, 3);
    world.now += 5_000;
    await world.pass();
    assert.equal(world.status.currentStepIndex, 4);
    await world.settle(3);
    assert.equal(world.status.stableRS, v2, 'fully promoted');
    assert.deepEqual(world.vsWeights(), [100, 0], 'all traffic to the stable Service, which now selects v2');
    assert.equal(world.ingressWeight(), '0');
    assert.deepEqual([world.selector('app-stable'), world.selector('app-canary')], [v2, v2]);
    assert.deepEqual(world.status.canary?.weights?.canary, { weight: 0, podTemplateHash: v2, serviceName: 'app-canary' });
    assert.deepEqual(world.status.canary?.weights?.stable, { weight: 100, podTemplateHash: v2, serviceName: 'app-stable' });

    // The old stable keeps its pods for scaleDownDelaySeconds (30s by default), then goes; the
    // delay starts once the status and the Services no longer point at it.
    const settled = await world.pass();
    assert.equal(settled.requeueAfterMs, 30_000);
    assert.equal(world.replicas(v1), 3);
    assert.equal(world.rsByHash(v1)?.metadata?.annotations?.['scale-down-deadline'], new Date(world.now + 30_000).toISOString().replace('.000Z', 'Z'));
    world.now += 30_000;
    world.podsCatchUp();
    await world.pass();
    assert.equal(world.replicas(v1), 0);
    world.podsCatchUp();
    await world.pass();
    assert.equal(world.status.phase, 'Healthy');
  });

  test('the old stable waiting out scaleDownDelaySeconds does not trip the progress deadline', async () => {
    const { world, v1, v2 } = await atFirstPause({ scaleDownDelaySeconds: 120 }, true);
    (world.rollout.spec as Record<string, unknown>).progressDeadlineSeconds = 10;
    world.promote(true);
    await world.settle(4);
    assert.equal(world.status.stableRS, v2, 'fully promoted');
    await world.pass();
    assert.ok(world.rsByHash(v1)?.metadata?.annotations?.['scale-down-deadline'], 'the old stable waits out its delay');
    // Well past the deadline, nothing progresses while v1 keeps its pods: still not Degraded.
    world.now += 60_000;
    await world.pass();
    assert.equal(world.replicas(v1), 3);
    assert.notEqual(world.status.phase, 'Degraded', world.status.message);
    assert.notEqual(world.status.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ProgressDeadlineExceeded');
    // The delay over, v1 is scaled to 0 and loses its deadline annotation; its pods take a while
    // to go, and a pass meanwhile still finds nothing stuck.
    world.now += 60_000;
    world.podsCatchUp();
    await world.pass();
    assert.equal(world.replicas(v1), 0);
    await world.pass();
    assert.notEqual(world.status.phase, 'Degraded', world.status.message);
    world.podsCatchUp();
    await world.settle(3);
    assert.equal(world.status.phase, 'Healthy');
  });

  test('the pass after full promotion, before the old stable gets its scale-down delay, does not trip the progress deadline', async () => {
    const { world, v1, v2 } = await atFirstPause({ scaleDownDelaySeconds: 120 }, true);
    (world.rollout.spec as Record<string, unknown>).progressDeadlineSeconds = 3;
    world.promote(true);
    for (let i = 0; i < 4 && world.status.stableRS !== v2; i++) {
      await world.pass();
      world.podsCatchUp();
    }
    assert.equal(world.status.stableRS, v2, 'fully promoted');
    assert.equal(world.rsByHash(v1)?.metadata?.annotations?.['scale-down-deadline'], undefined, 'the delay not started yet');
    // A loaded controller comes back to it after the deadline: the old stable still has all its pods.
    world.now += 10_000;
    await world.pass();
    assert.equal(world.replicas(v1), 3);
    assert.ok(world.rsByHash(v1)?.metadata?.annotations?.['scale-down-deadline'], 'the old stable waits out its delay');
    assert.notEqual(world.status.phase, 'Degraded', world.status.message);
    assert.notEqual(world.status.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ProgressDeadlineExceeded');
  });

  test('a weight that does not read back keeps the step from completing, and the pass comes back', async () => {
    const { world } = await deployedV1({}, true);
    world.setImage('app:v2');
    await world.pass();
    world.podsCatchUp();
    // Someone rewrites the VirtualService right after each of our writes.
    const kube = world.kube!;
    const patch = kube.patch.bind(kube);
    kube.patch = async (...args) => {
      const written = await patch(...args);
      if (args[1] === 'VirtualService') kube.put(virtualService());
      return written;
    };
    const first = await world.pass();
    assert.equal(world.status.canary?.weights?.verified, false);
    assert.equal(first.state, 'progressing.setWeight');
    const second = await world.pass();
    assert.equal(second.state, 'progressing.setWeight', 'not reached while unverified');
    assert.equal(second.requeueAfterMs, 10_000, "Argo's verify retry interval");
    kube.patch = patch;
    await world.pass();
    assert.equal(world.status.canary?.weights?.verified, true);
    assert.equal((await world.pass()).state, 'progressing.pause');
  });

  test('abort sends all traffic back to stable, then scales the canary down after abortScaleDownDelaySeconds', async () => {
    const { world, v1, v2 } = await atFirstPause({ abortScaleDownDelaySeconds: 10 }, true);
    assert.deepEqual(world.vsWeights(), [67, 33]);
    world.patch(ABORT_PATCH);
    const aborted = await world.pass();
    assert.equal(aborted.state, 'aborted');
    assert.deepEqual(world.vsWeights(), [100, 0]);
    assert.equal(world.ingressWeight(), '0');
    assert.equal(world.selector('app-canary'), v1, 'the canary Service is pointed at the stable pods');
    assert.equal(world.status.canary?.weights?.canary.weight, 0);
    assert.equal(world.replicas(v2), 1, 'kept during abortScaleDownDelaySeconds');
    assert.equal(aborted.requeueAfterMs, 10_000);
    world.now += 10_000;
    await world.pass();
    assert.equal(world.replicas(v2), 0);
    assert.equal(world.replicas(v1), 3);
  });

  test('a failed analysis step sends all traffic back to stable, as an abort does', async () => {
    const analysis = { templates: [{ templateName: 'success-rate' }] };
    const { world, v1 } = await deployedV1({ abortScaleDownDelaySeconds: 0, steps: [{ setWeight: 33 }, { analysis }, { setWeight: 100 }] }, true);
    world.setImage('app:v2');
    await world.settle(5);
    const v2 = world.status.currentPodHash!;
    const name = world.status.canary?.currentStepAnalysisRunStatus?.name;
    assert.equal(name, `app-${v2}-2-1`);
    assert.deepEqual(world.vsWeights(), [67, 33], 'the weight of the step before holds during the analysis');
    const run = world.runs.get(name!)!;
    run.status = { phase: 'Failed', message: 'Metric "success-rate" assessed Failed due to failed (1) > failureLimit (0)' };
    const aborted = await world.pass();
    assert.equal(aborted.state, 'aborted');
    assert.deepEqual(world.vsWeights(), [100, 0]);
    assert.equal(world.ingressWeight(), '0');
    assert.equal(world.selector('app-canary'), v1);
    assert.equal(world.status.message, `RolloutAborted: Rollout aborted update to revision 2: ${run.status.message}`);
    await world.settle(2);
    assert.deepEqual([world.replicas(v1), world.replicas(v2)], [3, 0]);
  });

  test('retry after abort walks the steps again with weights', async () => {
    const { world } = await atFirstPause({ abortScaleDownDelaySeconds: 0 }, true);
    world.patch(ABORT_PATCH);
    await world.settle(2);
    world.patch(RETRY_PATCH);
    await world.settle(4);
    assert.equal(world.status.currentStepIndex, 1);
    assert.deepEqual(world.vsWeights(), [67, 33]);
  });

  test('promote --full moves all traffic and makes v2 stable with weight 0 on the canary', async () => {
    const { world, v1, v2 } = await atFirstPause({}, true);
    world.promote(true);
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.deepEqual(world.status.canary?.weights?.canary, { weight: 0, podTemplateHash: v2, serviceName: 'app-canary' });
    assert.deepEqual(world.vsWeights(), [100, 0]);
    assert.deepEqual([world.selector('app-stable'), world.selector('app-canary')], [v2, v2]);
    assert.equal(world.replicas(v1), 3, 'the old stable waits out its scale-down delay');
  });

  test('a setHeaderRoute step adds the managed route; full promotion removes it', async () => {
    const steps = [{ setWeight: 20 }, { setHeaderRoute: { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'yes' } }] } }, { pause: {} }];
    const { world, v2 } = await (async () => {
      const { world } = await deployedV1({ steps }, true);
      world.setImage('app:v2');
      await world.settle(5);
      return { world, v2: world.status.currentPodHash! };
    })();
    assert.equal(world.status.currentStepIndex, 2);
    const routes = () => (world.kube!.read(VS_API, 'VirtualService', NS, 'app-vs')!.spec as { http: Array<{ name: string }> }).http.map((r) => r.name);
    assert.deepEqual(routes(), ['beta', 'primary']);
    assert.equal(world.kube!.read(INGRESS_API, 'Ingress', NS, 'app-app-canary')?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-by-header'], 'x-beta');
    world.promote(true);
    await world.settle(4);
    assert.equal(world.status.stableRS, v2);
    assert.deepEqual(routes(), ['primary']);
  });

  test('a new revision mid-canary takes the traffic off the old canary at once and restarts at step 0', async () => {
    const { world, v1, v2 } = await atFirstPause({}, true);
    world.setImage('app:v3');
    await world.pass();
    const v3 = world.status.currentPodHash!;
    assert.equal(world.status.currentStepIndex, 0);
    assert.deepEqual(world.vsWeights(), [100, 0], 'no traffic to v2 nor to v3 before its pods are up');
    assert.equal(world.status.canary?.weights?.canary.podTemplateHash, v3);
    await world.settle(5);
    assert.equal(world.status.currentStepIndex, 1);
    assert.deepEqual([world.replicas(v3), world.replicas(v2), world.replicas(v1)], [1, 0, 3]);
    assert.equal(world.selector('app-canary'), v3);
    assert.deepEqual(world.vsWeights(), [67, 33]);
  });

  test('setCanaryScale sizes the canary apart from its traffic weight', async () => {
    const steps = [{ setCanaryScale: { replicas: 2 } }, { setWeight: 10 }, { pause: {} }];
    const { world } = await deployedV1({ steps }, true);
    world.setImage('app:v2');
    await world.settle(5);
    const v2 = world.status.currentPodHash!;
    assert.equal(world.status.currentStepIndex, 2);
    assert.equal(world.replicas(v2), 2, 'setCanaryScale stays in force for later setWeight steps');
    assert.deepEqual(world.vsWeights(), [90, 10]);
  });

  test('dynamicStableScale scales the stable down once traffic has left it', async () => {
    const { world, v1 } = await atFirstPause({ dynamicStableScale: true }, true);
    assert.equal(world.replicas(v1), 3, 'ceil(67% of 3) stable pods for 67% of the traffic');
    world.promote();
    await world.pass();
    world.podsCatchUp();
    await world.pass();
    assert.deepEqual(world.vsWeights(), [34, 66]);
    assert.equal(world.replicas(v1), 3, 'the stable scales only after the weight has moved');
    await world.pass();
    assert.equal(world.replicas(v1), 2, 'ceil(34% of 3)');
  });

  test('dynamicStableScale: scaling an aborted Rollout down to 1 replica keeps the canary weight at 0, never below', async () => {
    const { world, v1, v2 } = await atFirstPause({ dynamicStableScale: true }, true);
    world.patch(ABORT_PATCH);
    await world.settle(4);
    assert.deepEqual(world.vsWeights(), [100, 0]);
    (world.rollout.spec as Record<string, unknown>).replicas = 1;
    world.rollout.metadata.generation = (world.rollout.metadata.generation ?? 1) + 1;
    const scaled = await world.pass();
    assert.equal(world.status.canary?.weights?.canary.weight, 0, world.status.message);
    assert.deepEqual(world.vsWeights(), [100, 0]);
    assert.ok(!scaled.events.some((e) => e.type === 'Warning'), JSON.stringify(scaled.events));
    world.podsCatchUp();
    await world.settle(4);
    assert.equal(world.status.canary?.weights?.canary.weight, 0);
    assert.deepEqual([world.replicas(v1), world.replicas(v2)], [1, 0]);
    assert.equal(world.status.abort, true);
  });

  test('removing trafficRouting releases the DestinationRule: its managed-by annotation and hash labels go, as in Argo', async () => {
    const subsetRouting = {
      trafficRouting: {
        istio: {
          virtualService: { name: 'app-vs', routes: ['primary'] },
          destinationRule: { name: 'app-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
        },
      },
    };
    const world = new World(spec(subsetRouting), true);
    world.readsIstio = true;
    const subsetRoute = [{ destination: { host: 'app', subset: 'stable' }, weight: 100 }, { destination: { host: 'app', subset: 'canary' }, weight: 0 }];
    world.kube!.put({ ...virtualService(), spec: { hosts: ['app'], http: [{ name: 'primary', route: subsetRoute }] } });
    world.kube!.put({
      apiVersion: VS_API,
      kind: 'DestinationRule',
      metadata: { name: 'app-dr', namespace: NS, annotations: { team: 'shop' } },
      spec: { host: 'app', subsets: [{ name: 'stable', labels: { app: 'app' } }, { name: 'canary' }] },
    });
    await world.settle(3);
    assert.equal(world.status.phase, 'Healthy', world.status.message);
    const managed = world.kube!.read(VS_API, 'DestinationRule', NS, 'app-dr')!;
    assert.equal(managed.metadata.annotations?.[MANAGED_BY], 'app');
    const v1 = world.status.stableRS!;
    assert.deepEqual((managed.spec as { subsets: unknown[] }).subsets, [{ name: 'stable', labels: { app: 'app', [HASH]: v1 } }, { name: 'canary', labels: { [HASH]: v1 } }]);

    const canary = (world.rollout.spec as { strategy: { canary: Record<string, unknown> } }).strategy.canary;
    delete canary.trafficRouting;
    world.rollout.metadata.generation = 2;
    await world.settle(3);
    const released = world.kube!.read(VS_API, 'DestinationRule', NS, 'app-dr')!;
    assert.deepEqual(released.metadata.annotations, { team: 'shop' });
    assert.deepEqual((released.spec as { subsets: unknown[] }).subsets, [{ name: 'stable', labels: { app: 'app' } }, { name: 'canary' }]);
    assert.equal(world.status.phase, 'Healthy', world.status.message);
    world.kube!.writes.length = 0;
    await world.pass();
    assert.deepEqual(world.kube!.writes, [], 'a released DestinationRule is not written again');
  });

  test('minPodsPerReplicaSet keeps at least that many canary pods', async () => {
    const { world, v2 } = await atFirstPause({ minPodsPerReplicaSet: 2 }, true);
    assert.equal(world.replicas(v2), 2);
  });

  test('a repeated pass with no changes writes nothing, routing objects included', async () => {
    const { world } = await atFirstPause({}, true);
    world.writes = [];
    world.events = [];
    world.kube!.writes.length = 0;
    await world.pass();
    assert.deepEqual(world.writes, []);
    assert.deepEqual(world.kube!.writes, []);
    assert.deepEqual(world.events, []);
  });
});

describe('invalid canary specs', () => {
  const invalidSpec = async (canary: Record<string, unknown>): Promise<string> => {
    const world = new World(spec(canary));
    const p = await world.pass();
    assert.deepEqual(p.effects, []);
    assert.equal(world.status.phase, 'Degraded');
    return world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '';
  };

  test('a weight over 100 names the step field', async () => {
    assert.match(await invalidSpec({ steps: [{ setWeight: 150 }] }), /spec\.strategy\.canary\.steps\[0\]\.setWeight: Invalid value: 150: SetWeight needs to be between 0 and 100/);
  });

  test('an unknown step kind names the step', async () => {
    assert.match(await invalidSpec({ steps: [{ setWeight: 10 }, { wait: {} }] }), /spec\.strategy\.canary\.steps\[1\]\.wait: Unsupported value: "wait"/);
  });

  test('NGINX routing without stableIngress names the nginx field', async () => {
    assert.match(await invalidSpec({ trafficRouting: { nginx: {} } }), /spec\.strategy\.canary\.trafficRouting\.nginx: .*Either StableIngress or StableIngresses must be configured/);
  });

  test('an ALB Ingress that does not exist names alb.ingress before any ReplicaSet is made', async () => {
    const world = new World(spec({ trafficRouting: { alb: { ingress: 'app', servicePort: 80 } } }), true);
    world.ingresses = new Map();
    await world.pass();
    assert.match(
      world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '',
      /spec\.strategy\.canary\.trafficRouting\.alb\.ingress: Invalid value: "app": ingresses\.networking\.k8s\.io "app" not found/,
    );
    assert.equal(world.replicaSets.size, 0, 'no ReplicaSet is made');
    assert.deepEqual(world.kube!.writes, []);
  });

  test('ALB routing without ingress or ingresses names the alb field', async () => {
    assert.match(await invalidSpec({ trafficRouting: { alb: { servicePort: 80 } } }), /spec\.strategy\.canary\.trafficRouting\.alb: .*Either Ingress or Ingresses must be configured. Neither are configured./);
  });

  test('an NGINX stable Ingress that does not exist names stableIngress; one that routes elsewhere names it too', async () => {
    const world = new World(spec({ trafficRouting: { nginx: { stableIngress: 'app' } } }), true);
    world.ingresses = new Map();
    await world.pass();
    assert.equal(world.status.phase, 'Degraded');
    assert.match(
      world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '',
      /spec\.strategy\.canary\.trafficRouting\.nginx\.stableIngress: Invalid value: "app": ingresses\.networking\.k8s\.io "app" not found/,
    );
    assert.deepEqual(world.kube!.writes, [], 'no canary Ingress is made for a missing stable one');

    const elsewhere = stableIngress() as unknown as V1Ingress;
    elsewhere.spec!.rules![0]!.http!.paths[0]!.backend.service!.name = 'other';
    world.ingresses = new Map([['app', elsewhere]]);
    await world.pass();
    assert.match(world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '', /nginx\.stableIngress: .*has no rules using service app-stable backend/);

    world.ingresses = new Map([['app', stableIngress() as unknown as V1Ingress]]);
    await world.settle();
    assert.equal(world.status.conditions?.find((c) => c.type === 'InvalidSpec'), undefined, 'InvalidSpec clears once the Ingress is right');
  });

  test('a missing Istio VirtualService names virtualService.name, a missing route names it too, and the canary deploys once both exist', async () => {
    const world = new World(spec({ trafficRouting: { istio: { virtualService: { name: 'app-vs', routes: ['primary'] } } } }), true);
    world.readsIstio = true;
    await world.kube!.delete(VS_API, 'VirtualService', NS, 'app-vs');
    world.kube!.writes.length = 0;
    const first = await world.pass();
    assert.equal(world.status.phase, 'Degraded');
    assert.equal(first.requeueAfterMs, ISTIO_RECHECK_MS, 'nothing watches VirtualServices, so the Rollout looks again');
    assert.deepEqual(first.effects, []);
    assert.match(
      world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '',
      /^The Rollout "app" is invalid: spec\.strategy\.canary\.trafficRouting\.istio\.virtualService\.name: Invalid value: "app-vs": virtualservices\.networking\.istio\.io "app-vs" not found/,
    );
    assert.deepEqual([...world.replicaSets.keys()], [], 'an invalid Rollout gets no ReplicaSet');
    assert.deepEqual(first.events.map((e) => [e.type, e.reason]), [['Warning', 'InvalidSpec']]);
    const recheck = await world.pass();
    assert.equal(recheck.requeueAfterMs, ISTIO_RECHECK_MS);
    assert.deepEqual(recheck.events, [], 'nothing changed: the warning is not raised again');

    const renamed = virtualService();
    (renamed.spec as { http: Array<{ name: string }> }).http[0]!.name = 'other';
    world.kube!.put(renamed);
    const changed = await world.pass();
    assert.deepEqual(changed.events.map((e) => e.reason), ['InvalidSpec'], 'a new reason is raised');
    assert.match(
      world.status.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '',
      /istio\.virtualService\.name: Invalid value: "app-vs": Istio VirtualService has invalid HTTP routes\. Error: HTTP Route 'primary' is not found in the defined Virtual Service\./,
    );

    world.kube!.put(virtualService());
    await world.settle();
    assert.equal(world.status.conditions?.find((c) => c.type === 'InvalidSpec'), undefined, 'InvalidSpec clears once the VirtualService is right');
    assert.equal(world.status.phase, 'Healthy', world.status.message);
  });

  test('with the Istio informers running, an invalid VirtualService waits for its change, not a timer', async () => {
    const world = new World(spec({ trafficRouting: { istio: { virtualService: { name: 'app-vs', routes: ['primary'] } } } }), true);
    world.readsIstio = true;
    world.istioWatched = true;
    await world.kube!.delete(VS_API, 'VirtualService', NS, 'app-vs');
    const first = await world.pass();
    assert.equal(world.status.phase, 'Degraded');
    assert.equal(first.requeueAfterMs, undefined, 'the VirtualService informer re-runs the Rollout when it appears');
    world.kube!.put(virtualService());
    await world.settle();
    assert.equal(world.status.phase, 'Healthy', world.status.message);
  });

  test('a missing canary Service names canaryService', async () => {
    assert.match(await invalidSpec({ canaryService: 'nope' }), /spec\.strategy\.canary\.canaryService: Invalid value: "nope": service "nope" not found/);
  });
});
