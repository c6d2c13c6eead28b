import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { EVENTS, ISTIO_DESTINATION_RULES, ISTIO_VIRTUAL_SERVICES, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, sleep, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { ensureIstioCrds } from '../support/crds.ts';
import { reconcileCount } from './support/argo-controller.ts';
import { APP, createAll, PROVIDERS, routeWeights } from './support/canary.ts';
import { canaryRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/** Canary behaviour Argo's users see, each case found where Ramp once differed from Argo v1.10.2. */

before(ensureIstioCrds);

const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const STEPS = [{ setWeight: 50 }, { pause: {} }];

const stable = (r: RolloutLike): boolean => r.status?.phase === 'Healthy' && !!r.status.currentPodHash && r.status.stableRS === r.status.currentPodHash;

/** A namespace with `objects`, the Rollout `rollout` and a controller; resolves once v1 is Healthy. */
async function deploy(t: Parameters<typeof testNamespace>[0], objects: KubeObject[], rollout: KubeObject) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  await createAll(ro.client, ns, [...objects, rollout]);
  const controller = await startController({ namespace: ns, name: `${ns}-parity` });
  t.after(() => controller.kill());
  const v1 = (await ro.waitFor(APP, 'v1 Healthy', stable)).status!.currentPodHash!;
  return { ns, ro, v1, controller };
}

/** An update to v2 paused at the pause step after setWeight 50. */
async function pausedV2(ro: RolloutHelper, v1: string): Promise<string> {
  await ro.setImage(APP, 'registry.local/app:v2');
  return (await ro.waitFor(APP, 'v2 paused at the pause step', (r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1 && r.status.currentPodHash !== v1)).status!.currentPodHash!;
}

describe('canary behaviour as in Argo Rollouts, on the real control plane', () => {
  test('the old stable waiting out scaleDownDelaySeconds after a completed update does not trip the progress deadline', async (t) => {
    const istio = PROVIDERS.istioHost;
    const rollout = canaryRollout(APP, { ...istio.canary, scaleDownDelaySeconds: 12, steps: STEPS });
    (rollout as { spec: Record<string, unknown> }).spec.progressDeadlineSeconds = 3;
    const { ro, v1 } = await deploy(t, istio.objects, rollout);
    const v2 = await pausedV2(ro, v1);
    await ro.promote(APP);
    await ro.waitFor(APP, 'v2 promoted and stable', (r) => stable(r) && r.status?.currentPodHash === v2);
    assert.equal((await ro.replicaSet(v1))?.spec?.replicas, 3, 'v1 waits out its scale-down delay');
    // Every phase seen until the old ReplicaSet is gone, well past the 3-second deadline.
    const phases = new Set<string | undefined>();
    await eventually('v1 scaled to 0 after its delay', async () => {
      phases.add((await ro.get(APP)).status?.phase);
      return (await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined;
    }, 30_000);
    // Its pods go a moment later; the rollout stays Healthy throughout.
    await eventually('Progressing: NewReplicaSetAvailable with the old pods gone', async () => {
      const after = await ro.get(APP);
      phases.add(after.status?.phase);
      return after.status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'NewReplicaSetAvailable' && (await ro.replicaSet(v1))?.status?.replicas === 0 ? true : undefined;
    }, 30_000);
    assert.deepEqual([...phases], ['Healthy'], 'never Degraded while the old ReplicaSet scales down');
  });

  test('a rollback within rollbackWindow skips the steps; outside the window it pauses as any update', async (t) => {
    for (const [revisions, skips] of [[2, true], [0, false]] as const) {
      await t.test(`rollbackWindow.revisions ${revisions}`, async (t) => {
        const rollout = canaryRollout(APP, { steps: STEPS });
        (rollout as { spec: Record<string, unknown> }).spec.rollbackWindow = { revisions };
        const { ro, v1 } = await deploy(t, [], rollout);
        // Creation timestamps have second precision: v1 is older than v2 only if v2 is created a second later.
        await sleep(1_100);
        const v2 = await pausedV2(ro, v1);
        await ro.promote(APP);
        await ro.waitFor(APP, 'v2 stable', (r) => stable(r) && r.status?.currentPodHash === v2);

        await ro.setImage(APP, 'registry.local/app:v1');
        if (skips) {
          const back = await ro.waitFor(APP, 'v1 stable again without a pause', (r) => stable(r) && r.status?.currentPodHash === v1);
          assert.equal(back.status?.pauseConditions, undefined);
          assert.equal(back.status?.currentStepIndex, STEPS.length);
        } else {
          const paused = await ro.waitFor(APP, 'v1 paused at the pause step', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash === v1);
          assert.equal(paused.status?.currentStepIndex, 1);
          assert.equal(paused.status?.stableRS, v2);
        }
      });
    }
  });

  test('removing trafficRouting releases the DestinationRule: its managed-by annotation goes', async (t) => {
    const istio = PROVIDERS.istioSubset;
    const { ns, ro } = await deploy(t, istio.objects, canaryRollout(APP, { ...istio.canary, steps: STEPS }));
    const annotation = async (): Promise<string | undefined> =>
      (await ro.client.get<KubeObject>(ISTIO_DESTINATION_RULES, ns, `${APP}-dr`)).metadata?.annotations?.[MANAGED_BY];
    assert.ok(await eventually('the DestinationRule is annotated', annotation));
    await ro.client.mergePatch(ROLLOUTS, ns, APP, { spec: { strategy: { canary: { trafficRouting: null } } } });
    await eventually('the annotation removed', async () => ((await annotation()) === undefined ? true : undefined));
  });

  test('an abort, then a scale-down to 1 replica with dynamicStableScale keeps the canary weight at 0, and a rollback to v1 finishes', async (t) => {
    const istio = PROVIDERS.istioHost;
    const rollout = canaryRollout(APP, { ...istio.canary, dynamicStableScale: true, steps: [{ setWeight: 75 }, { pause: {} }] }, { replicas: 4 });
    const { ns, ro, v1 } = await deploy(t, istio.objects, rollout);
    await ro.setImage(APP, 'registry.local/app:v2');
    await ro.waitFor(APP, 'v2 paused at setWeight 75', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    await ro.abort(APP);
    await ro.waitFor(APP, 'aborted', (r) => r.status?.phase === 'Degraded' && r.status.abort === true);
    await ro.client.mergePatch(ROLLOUTS, ns, APP, { spec: { replicas: 1 } });
    await eventually('all traffic back on the stable Service', async () => {
      const w = await routeWeights(ro.client, ns, 'host');
      return w[`${APP}-canary`] === 0 && w[`${APP}-stable`] === 100 ? w : undefined;
    });
    await eventually('the stable ReplicaSet at 1', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 1 ? true : undefined));

    await ro.setImage(APP, 'registry.local/app:v1');
    const back = await ro.waitFor(APP, 'rolled back to v1 and Healthy', (r) => stable(r) && r.status?.currentPodHash === v1);
    assert.equal(back.status?.abort, undefined);
  });

  test('an Istio VirtualService with only a TLS route, named by tlsRoutes, is valid: its weights follow the steps, with no warning event', async (t) => {
    const tlsRoute = (canary: number) => ({
      match: [{ port: 443, sniHosts: ['app.example.com'] }],
      route: [{ destination: { host: `${APP}-stable` }, weight: 100 - canary }, { destination: { host: `${APP}-canary` }, weight: canary }],
    });
    const vs = { apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: `${APP}-vs` }, spec: { hosts: ['app.example.com'], tls: [tlsRoute(0)] } } as KubeObject;
    const rollout = canaryRollout(APP, {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      trafficRouting: { istio: { virtualService: { name: `${APP}-vs`, routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['app.example.com'] }] } } },
      steps: STEPS,
    });
    const { ns, ro, v1 } = await deploy(t, [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), vs], rollout);
    const tlsWeights = async (): Promise<number[]> =>
      ((await ro.client.get<KubeObject & { spec?: { tls?: Array<{ route?: Array<{ weight?: number }> }> } }>(ISTIO_VIRTUAL_SERVICES, ns, `${APP}-vs`)).spec?.tls?.[0]?.route ?? []).map((d) => d.weight ?? 0);
    await pausedV2(ro, v1);
    assert.deepEqual(await eventually('the TLS route at 50/50', async () => {
      const w = await tlsWeights();
      return w[1] === 50 ? w : undefined;
    }), [50, 50]);
    await ro.promote(APP);
    await ro.waitFor(APP, 'v2 stable', (r) => stable(r) && r.status?.currentPodHash !== v1);
    assert.deepEqual(await eventually('the TLS route back at 100/0', async () => {
      const w = await tlsWeights();
      return w[1] === 0 ? w : undefined;
    }), [100, 0]);
    // The Rollout's own Warnings: the apiserver may warn about other objects here (a Service's ClusterIP repair).
    const warnings = (await ro.client.list<KubeObject & { type?: string; reason?: string; message?: string; involvedObject?: { kind?: string } }>(EVENTS, { namespace: ns })).items
      .filter((e) => e.type === 'Warning' && e.involvedObject?.kind === 'Rollout');
    assert.deepEqual(warnings.map((e) => `${e.reason}: ${e.message}`), []);
  });
  test('an InvalidSpec Rollout (its VirtualService missing) gets one warning event, not one per pass over the unchanged spec', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await createAll(ro.client, ns, [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), canaryRollout(APP, { ...PROVIDERS.istioHost.canary, steps: STEPS })]);
    const controller = await startController({ namespace: ns, name: `${ns}-warning` });
    t.after(() => controller.kill());
    await ro.waitFor(APP, 'InvalidSpec', (r) => r.status?.phase === 'Degraded');
    const passes = await reconcileCount(controller.metricsUrl, ns, APP);
    // Each annotation is a pass over a spec that has not changed (no new generation).
    for (const n of [1, 2, 3]) {
      await ro.client.mergePatch(ROLLOUTS, ns, APP, { metadata: { annotations: { 'example.com/touch': String(n) } } });
      await eventually(`pass ${n} over the unchanged Rollout`, async () => ((await reconcileCount(controller.metricsUrl, ns, APP)) >= passes + n ? true : undefined));
    }
    const warnings = (await ro.client.list<KubeObject & { type?: string; reason?: string; count?: number; series?: { count?: number } }>(EVENTS, { namespace: ns })).items.filter((e) => e.type === 'Warning');
    assert.deepEqual(warnings.map((e) => [e.reason, e.series?.count ?? e.count ?? 1]), [['InvalidSpec', 1]]);
  });
});
