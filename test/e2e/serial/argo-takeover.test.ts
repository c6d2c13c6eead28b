import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, INGRESSES, JOBS, PODS, ROLLOUTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { argoCli, reconcileCount, startArgoController } from '../support/argo-controller.ts';
import { APP, canaryRollout, createAll, PROVIDERS } from '../support/canary.ts';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { startController, type RunningController } from '../../support/controller.ts';
import { healthyAt, noStackTraces } from '../support/end-state.ts';
import { blueGreenRollout, canaryRollout as basicCanary, HASH_LABEL, RolloutHelper, service, type RolloutLike } from '../../support/rollouts.ts';

/**
 * Moving a rollout that is mid-update from Argo Rollouts' own controller to Ramp, and back: the
 * controller that takes over adopts the ReplicaSets, pods, Services and canary Ingress as they
 * are, stays at the same step, and carries on from there when promoted with Argo's CLI.
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }];
const CANARY_INGRESS = `${APP}-web-canary`;
const NGINX = PROVIDERS.nginx;
/** A label change wakes a controller for one more pass over the Rollout, touching nothing it reads. */
const NUDGE_LABEL = 'ramp.test/nudge';

interface PodLike extends KubeObject {
  metadata?: KubeObject['metadata'] & { deletionTimestamp?: string };
}

/** Everything a takeover must leave as it was: the workload, its traffic and where the rollout stands. */
interface Snapshot {
  replicaSets: Record<string, { uid?: string; replicas?: number; hash?: string }>;
  pods: string[];
  /** The whole status: the controller taking over finds nothing in it to correct. */
  status: RolloutLike['status'];
  services: Record<string, string | undefined>;
  canaryIngress?: { uid?: string; weight?: string };
}

/** The snapshot once every ReplicaSet has its pods, all available, and no pod is on its way out. */
function settled(ro: RolloutHelper, services: string[], canaryIngress: boolean): Promise<Snapshot> {
  return eventually('ReplicaSets with all their pods available', async () => {
    const rss = await ro.replicaSets();
    const want = rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    if (rss.some((rs) => (rs.status?.replicas ?? 0) !== (rs.spec?.replicas ?? 0) || (rs.status?.availableReplicas ?? 0) !== (rs.spec?.replicas ?? 0))) return undefined;
    const pods = (await ro.client.list<PodLike>(PODS, { namespace: ro.namespace })).items;
    if (pods.length !== want || pods.some((p) => p.metadata?.deletionTimestamp)) return undefined;
    const status = (await ro.get(APP)).status;
    const snapshot: Snapshot = {
      replicaSets: Object.fromEntries(rss.map((rs) => [rs.metadata?.name ?? '', { uid: rs.metadata?.uid, replicas: rs.spec?.replicas, hash: rs.metadata?.labels?.[HASH_LABEL] }])),
      pods: pods.map((p) => p.metadata?.uid ?? '').sort(),
      status,
      services: Object.fromEntries(await Promise.all(services.map(async (s) => [s, await ro.selector(s)] as const))),
    };
    if (canaryIngress) {
      const ing = await ro.client.get<KubeObject>(INGRESSES, ro.namespace, CANARY_INGRESS);
      snapshot.canaryIngress = { uid: ing.metadata?.uid, weight: ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight'] };
    }
    return snapshot;
  }, 60_000);
}

/** The snapshot without `status.canary.weights.verified`. */
function withoutVerifiedWeight(snapshot: Snapshot): Snapshot {
  const weights = snapshot.status?.canary?.weights;
  if (!weights) return snapshot;
  const { verified: _verified, ...rest } = weights;
  return { ...snapshot, status: { ...snapshot.status, canary: { ...snapshot.status?.canary, weights: rest } } };
}

/**
 * Waits for the controller behind `metricsUrl` to have made `count` passes over the Rollout,
 * waking it with a label change for each pass after its first.
 */
async function passes(ro: RolloutHelper, metricsUrl: string, count: number): Promise<void> {
  await eventually('the first pass over the Rollout', async () => (await reconcileCount(metricsUrl, ro.namespace, APP)) >= 1, 60_000);
  for (let i = 2; i <= count; i++) {
    const done = await reconcileCount(metricsUrl, ro.namespace, APP);
    await ro.client.mergePatch(ROLLOUTS, ro.namespace, APP, { metadata: { labels: { [NUDGE_LABEL]: String(i) } } });
    await eventually(`pass ${i} over the Rollout`, async () => (await reconcileCount(metricsUrl, ro.namespace, APP)) > done, 30_000);
  }
  const current = await ro.get(APP);
  assert.equal(current.status?.observedGeneration, String((current.metadata as { generation?: number }).generation), 'the status describes the current spec');
}

const pausedAt = (reason: string) => (r: RolloutLike): boolean => (r.status?.pauseConditions ?? []).some((p) => p.reason === reason);

const atStep = (index: number, hash?: string) => (r: RolloutLike): boolean =>
  r.status?.currentStepIndex === index && (hash === undefined || r.status.currentPodHash === hash) && pausedAt('CanaryPauseStep')(r);

async function canaryWeight(ro: RolloutHelper): Promise<string | undefined> {
  const ing = await ro.client.get<KubeObject>(INGRESSES, ro.namespace, CANARY_INGRESS);
  return ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight'];
}

/** v1 Healthy, then v2 at the pause after setWeight 20, under whichever controller runs. */
async function canaryToFirstPause(ro: RolloutHelper): Promise<{ v1: string; v2: string }> {
  const v1 = (await ro.waitFor(APP, 'v1 Healthy', healthyAt(), 90_000)).status!.currentPodHash!;
  await ro.setImage(APP, 'registry.local/app:v2');
  const v2 = (await ro.waitFor(APP, 'v2 paused at step 1', (r) => r.status?.currentPodHash !== v1 && atStep(1)(r), 90_000)).status!.currentPodHash!;
  await eventually('the canary Ingress at weight 20', async () => (await canaryWeight(ro)) === '20', 30_000);
  await NGINX.checkRouting(ro.client, ro.namespace, 20, { canary: v2, stable: v1 });
  return { v1, v2 };
}

/** After promote: step 3 with the canary at 50 % of the traffic and 2 of 3 pods, in the ReplicaSet it had. */
async function atSecondPause(ro: RolloutHelper, hashes: { v1: string; v2: string }, handedOver: Snapshot): Promise<void> {
  const ro3 = await ro.waitFor(APP, 'v2 paused at step 3 after promote', atStep(3, hashes.v2), 60_000);
  assert.equal(ro3.status?.phase, 'Paused');
  await eventually('the canary Ingress at weight 50', async () => (await canaryWeight(ro)) === '50', 30_000);
  await NGINX.checkRouting(ro.client, ro.namespace, 50, { canary: hashes.v2, stable: hashes.v1 });
  const snapshot = await settled(ro, [], true);
  assert.deepEqual(Object.keys(snapshot.replicaSets).sort(), Object.keys(handedOver.replicaSets).sort(), 'still no new ReplicaSet');
  const canary = Object.values(snapshot.replicaSets).find((rs) => rs.hash === hashes.v2);
  assert.equal(canary?.replicas, 2, 'the canary ReplicaSet scaled to 2 of 3');
  assert.equal(snapshot.canaryIngress?.uid, handedOver.canaryIngress?.uid, 'the same canary Ingress');
}

const NAMES = { argo: 'Argo', ramp: 'Ramp' } as const;

/** Starts one controller on the namespace, stopped when the test ends. */
const START: Record<'argo' | 'ramp', (t: TestContext, ns: string) => Promise<RunningController>> = {
  argo: async (t, ns) => {
    const c = await startArgoController({ namespace: ns });
    t.after(() => c.kill());
    return c;
  },
  ramp: async (t, ns) => {
    const c = await startController({ namespace: ns, name: `${ns}-ramp` });
    t.after(() => c.kill());
    return c;
  },
};

/** A step analysis whose one measurement stays in flight until the test lets its Job run (a suspended Job runs no pod). */
const HELD_JOB = 'held-job';
const HELD_JOB_TEMPLATE = (ns: string): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: HELD_JOB, namespace: ns },
  spec: { metrics: [{ name: 'smoke', provider: { job: { spec: { suspend: true, backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'registry.local/smoke:1' }] } } } } } }] },
}) as KubeObject;

interface RunLike extends KubeObject {
  status?: { phase?: string };
}

/** The AnalysisRuns and analysis Jobs of the namespace: who they are and where they stand. */
async function analysisObjects(ro: RolloutHelper): Promise<{ runs: { name: string; uid?: string; phase?: string }[]; jobs: { name: string; uid?: string }[] }> {
  const runs = (await ro.client.list<RunLike>(ANALYSIS_RUNS, { namespace: ro.namespace })).items;
  const jobs = (await ro.client.list<KubeObject>(JOBS, { namespace: ro.namespace })).items;
  return {
    runs: runs.map((r) => ({ name: r.metadata?.name ?? '', uid: r.metadata?.uid, phase: r.status?.phase })),
    jobs: jobs.map((j) => ({ name: j.metadata?.name ?? '', uid: j.metadata?.uid })),
  };
}

describe('takeover between Argo Rollouts and Ramp, mid-update, on the real control plane', () => {

  test('Argo → Ramp: a canary paused at setWeight 20 behind NGINX keeps its ReplicaSets, pods, step and weight, and promotes to setWeight 50', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await createAll(ro.client, ns, [...NGINX.objects, canaryRollout(APP, NGINX.canary, STEPS)]);
    const argo = await startArgoController({ namespace: ns });
    t.after(() => argo.kill());
    const hashes = await canaryToFirstPause(ro);
    await argo.kill();
    const handedOver = await settled(ro, [`${APP}-stable`, `${APP}-canary`], true);
    assert.equal(Object.keys(handedOver.replicaSets).length, 2, 'Argo made one ReplicaSet per revision');

    const ramp = await startController({ namespace: ns, name: `${ns}-ramp` });
    t.after(() => ramp.kill());
    await passes(ro, ramp.metricsUrl, 3);
    const takenOver = await settled(ro, [`${APP}-stable`, `${APP}-canary`], true);
    // Ramp reads the NGINX weight back and records it; Argo's NGINX router verifies nothing and
    // leaves status.canary.weights.verified out. Apart from that field nothing changed.
    assert.equal(handedOver.status?.canary?.weights?.verified, undefined);
    assert.equal(takenOver.status?.canary?.weights?.verified, true, 'Ramp recorded its read-back of the weight');
    assert.deepEqual(withoutVerifiedWeight(takenOver), handedOver, 'Ramp took over without a change');

    argoCli('promote', APP, '-n', ns);
    await atSecondPause(ro, hashes, handedOver);
    argoCli('promote', APP, '-n', ns);
    await ro.waitFor(APP, 'v2 Healthy', healthyAt(hashes.v2), 60_000);
    await eventually('no traffic on the canary Ingress once fully promoted', async () => ((await canaryWeight(ro)) ?? '0') === '0', 30_000);
    assert.equal(ramp.process.exitCode, null, 'Ramp kept running');
    noStackTraces(ramp);
  });

  for (const [from, to] of [['argo', 'ramp'], ['ramp', 'argo']] as const) {
    test(`${NAMES[from]} → ${NAMES[to]}: a blue-green at its BlueGreenPause keeps its ReplicaSets, pods and Service selectors, and promote switches the active Service`, async (t) => {
      const ns = await testNamespace(t);
      const ro = new RolloutHelper(ns);
      await ro.create(service('app-active', APP));
      await ro.create(service('app-preview', APP));
      await ro.create(blueGreenRollout(APP, { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 2 }, 3));
      const first = await START[from](t, ns);
      const v1 = (await ro.waitFor(APP, `v1 Healthy under ${NAMES[from]}`, healthyAt(), 90_000)).status!.currentPodHash!;
      await ro.setImage(APP, 'registry.local/app:v2');
      const paused = await ro.waitFor(APP, 'v2 at the BlueGreenPause', (r) => r.status?.currentPodHash !== v1 && pausedAt('BlueGreenPause')(r), 90_000);
      const v2 = paused.status!.currentPodHash!;
      await eventually('the preview Service on v2', async () => (await ro.selector('app-preview')) === v2, 30_000);
      await first.kill();
      const handedOver = await settled(ro, ['app-active', 'app-preview'], false);
      assert.deepEqual(handedOver.services, { 'app-active': v1, 'app-preview': v2 });
      assert.equal(Object.keys(handedOver.replicaSets).length, 2, `${NAMES[from]} made one ReplicaSet per revision`);

      const second = await START[to](t, ns);
      await passes(ro, second.metricsUrl, 3);
      assert.deepEqual(await settled(ro, ['app-active', 'app-preview'], false), handedOver, `${NAMES[to]} took over without a change`);

      argoCli('promote', APP, '-n', ns);
      await ro.waitFor(APP, 'v2 Healthy', healthyAt(v2), 60_000);
      await eventually('the active Service on v2', async () => (await ro.selector('app-active')) === v2, 30_000);
      const rss = await ro.replicaSets();
      assert.deepEqual(rss.map((rs) => rs.metadata?.uid).sort(), Object.values(handedOver.replicaSets).map((rs) => rs.uid).sort(), 'the same two ReplicaSets');
      if (to === 'ramp') noStackTraces(second);
    });

    test(`${NAMES[from]} → ${NAMES[to]}: a canary mid-analysis keeps its AnalysisRun and the Job measuring, and goes on when the Job completes`, async (t) => {
      const ns = await testNamespace(t);
      const ro = new RolloutHelper(ns);
      await ro.client.create(ANALYSIS_TEMPLATES, HELD_JOB_TEMPLATE(ns));
      await ro.create(basicCanary(APP, { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: HELD_JOB }] } }, { pause: {} }] }, { replicas: 2 }));
      const first = await START[from](t, ns);
      const v1 = (await ro.waitFor(APP, `v1 Healthy under ${NAMES[from]}`, healthyAt(), 90_000)).status!.currentPodHash!;
      await ro.setImage(APP, 'registry.local/app:v2');
      const analysing = await ro.waitFor(APP, 'v2 at its analysis step, the run Running', (r) => r.status?.currentPodHash !== v1 && r.status?.currentStepIndex === 1 && r.status.canary?.currentStepAnalysisRunStatus?.status === 'Running', 90_000);
      const v2 = analysing.status!.currentPodHash!;
      await eventually('the Job measuring', async () => ((await ro.client.list<KubeObject>(JOBS, { namespace: ns })).items.length === 1 ? true : undefined), 30_000);
      await first.kill();
      const handedOver = await settled(ro, [], false);
      const analysisBefore = await analysisObjects(ro);
      assert.equal(analysisBefore.runs.length, 1);
      assert.equal(analysisBefore.runs[0]!.phase, 'Running');

      const second = await START[to](t, ns);
      await passes(ro, second.metricsUrl, 3);
      assert.deepEqual(await settled(ro, [], false), handedOver, `${NAMES[to]} took over without a change`);
      assert.deepEqual(await analysisObjects(ro), analysisBefore, 'the same AnalysisRun, still Running, and the same Job');

      // The Job finishes: the controller that took over reads the measurement Argo's or Ramp's run started.
      await ro.client.mergePatch(JOBS, ns, analysisBefore.jobs[0]!.name, { spec: { suspend: false } });
      const next = await ro.waitFor(APP, 'the analysis step passed: v2 at the pause', (r) => r.status?.currentStepIndex === 2 && pausedAt('CanaryPauseStep')(r), 60_000);
      assert.equal(next.status?.currentPodHash, v2);
      const after = await analysisObjects(ro);
      assert.deepEqual(after.runs.map((r) => [r.uid, r.phase]), [[analysisBefore.runs[0]!.uid, 'Successful']], 'the run taken over succeeded; no other was started');
      argoCli('promote', APP, '-n', ns);
      await ro.waitFor(APP, 'v2 Healthy', healthyAt(v2), 60_000);
      assert.deepEqual(Object.keys(handedOver.replicaSets).sort(), (await ro.replicaSets()).map((rs) => rs.metadata?.name ?? '').sort(), 'no new ReplicaSet');
      if (to === 'ramp') noStackTraces(second);
    });
  }

  test('Ramp → Argo: a canary Ramp paused at setWeight 20 behind NGINX keeps its ReplicaSets, pods, step and weight under Argo, which promotes it to setWeight 50', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await createAll(ro.client, ns, [...NGINX.objects, canaryRollout(APP, NGINX.canary, STEPS)]);
    const ramp = await startController({ namespace: ns, name: `${ns}-ramp` });
    t.after(() => ramp.kill());
    const hashes = await canaryToFirstPause(ro);
    await ramp.kill();
    const handedOver = await settled(ro, [`${APP}-stable`, `${APP}-canary`], true);
    assert.equal(Object.keys(handedOver.replicaSets).length, 2, 'Ramp made one ReplicaSet per revision');

    const argo = await startArgoController({ namespace: ns });
    t.after(() => argo.kill());
    await passes(ro, argo.metricsUrl, 3);
    assert.deepEqual(await settled(ro, [`${APP}-stable`, `${APP}-canary`], true), handedOver, 'Argo took over without a change');

    argoCli('promote', APP, '-n', ns);
    await atSecondPause(ro, hashes, handedOver);
    argoCli('promote', APP, '-n', ns);
    await ro.waitFor(APP, 'v2 Healthy under Argo', healthyAt(hashes.v2), 60_000);
  });
});
