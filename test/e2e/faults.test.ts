import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANALYSIS_TEMPLATES, type KubeObject } from '../../controller/kube/resources.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { eventually, sleep, testNamespace } from '../support/cluster.ts';
import { startController, type RunningController } from '../support/controller.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { analysisRuns, assertOneReplicaSetPerTemplate, healthyAt, noStackTraces } from './support/end-state.ts';
import { blueGreenRollout, canaryRollout, RolloutHelper, service } from '../support/rollouts.ts';

/**
 * Fault tolerance on the real control plane: a controller whose apiserver connection drops
 * watches, answers writes with 409/500/503 and goes away; a controller SIGKILLed at every point
 * of a rollout (an apiserver restarted mid-rollout is in serial/apiserver-restart.test.ts). Each ends where an undisturbed rollout ends,
 * with one ReplicaSet per pod template and one AnalysisRun per analysis.
 */

let fixture: HttpFixture;
before(async () => {
  fixture = await startHttpFixture();
  fixture.setJson('/health', { ok: true });
});
after(async () => {
  await fixture?.close();
});

describe('fault tolerance on the real control plane', () => {
  test('through dropped watches, 409/500/503 answers and a refused connection, a blue-green rollout with analysis converges through promote, writing nothing twice', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const proxy = FaultProxy.forTestCluster();
    await proxy.start();
    t.after(() => proxy.stop());
    const kubeconfig = proxy.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'ramp-faults-')), 'kubeconfig'));

    await ro.client.create(ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'health', namespace: ns },
      // Five measurements 3 s apart: the run is still going when the controller, its create's answer
      // lost, next looks, so it must find and keep that run. (A run that had already finished by
      // then would be analysed again under the next name, as Argo's CreateWithCollisionCounter does.)
      spec: { metrics: [{ name: 'health', successCondition: 'result == true', count: 5, interval: '3s', provider: { web: { url: `${fixture.url}/health`, jsonPath: '{$.ok}', timeoutSeconds: 5 } } }] },
    } as KubeObject);
    await ro.create(service('app-active', 'app'));
    await ro.create(service('app-preview', 'app'));
    await ro.create(blueGreenRollout('app', {
      activeService: 'app-active',
      previewService: 'app-preview',
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 2,
      prePromotionAnalysis: { templates: [{ templateName: 'health' }] },
    }));
    const controller = await startController({ namespace: ns, kubeconfig, name: `${ns}-proxied` });
    t.after(() => controller.kill());
    const v1 = (await ro.waitFor('app', 'v1 Healthy through the proxy', healthyAt(), 90_000)).status!.currentPodHash!;

    // While v2 starts: every create is made but its answer lost, so the controller cannot know it
    // succeeded; every other write fails (409, 500 and 503 in turn); watches are cut twice.
    proxy.failWrites(
      { status: 503, every: 1, path: /\/(replicasets|analysisruns)$/, afterForward: true },
      { status: [409, 500, 503], every: 2 },
    );
    await ro.setImage('app', 'registry.local/app:v2');
    await eventually('faults injected', async () => (Object.keys(proxy.stats.injected).length === 3 ? true : undefined), 30_000);
    proxy.dropWatches();
    // The apiserver goes away for a few seconds.
    await proxy.pause();
    await sleep(4000);
    await proxy.resume();
    // Now every write is made but every other answer is lost: a retry must not write twice.
    proxy.failWrites({ status: [503, 500], every: 2, afterForward: true });
    proxy.dropWatches();

    const paused = await ro.waitFor('app', 'v2 paused behind the preview with its analysis Successful', (r) =>
      r.status?.phase === 'Paused' && r.status.currentPodHash !== v1 && r.status.blueGreen?.prePromotionAnalysisRunStatus?.status === 'Successful', 120_000);
    const v2 = paused.status!.currentPodHash!;
    assert.equal(await ro.selector('app-active'), v1, 'the active Service still selects v1');

    await ro.promote('app');
    proxy.dropWatches();
    await ro.waitFor('app', 'v2 promoted and Healthy', healthyAt(v2), 120_000);
    await eventually('v1 scaled down after the delay', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 60_000);
    proxy.failWrites();

    assert.ok([409, 500, 503].every((code) => (proxy.stats.injected[code] ?? 0) > 0), `faults were injected: ${JSON.stringify(proxy.stats.injected)}`);
    assert.ok(proxy.stats.watchesDropped > 0, 'watches were dropped');
    const lostCreates = proxy.stats.lostAnswers.filter((w) => /^POST .*\/(replicasets|analysisruns)$/.test(w));
    assert.ok(lostCreates.length >= 2, `the answers to the v2 ReplicaSet's and the AnalysisRun's creates were lost: ${lostCreates.join('; ')}`);
    await assertOneReplicaSetPerTemplate(ro, 2);
    const runs = await analysisRuns(ro);
    assert.equal(runs.length, 1, `one pre-promotion AnalysisRun for v2: ${runs.map((r) => r.metadata?.name).join(', ')}`);
    const creates = proxy.stats.forwardedWrites.filter((w) => /^POST .*\/(replicasets|analysisruns) 201$/.test(w));
    assert.equal(creates.length, 3, `three creates reached the apiserver (v1 and v2 ReplicaSets, one AnalysisRun): ${creates.join('; ')}`);
    assert.equal(controller.process.exitCode, null, 'the controller kept running');
    assert.equal(await ro.selector('app-active'), v2);
    noStackTraces(controller);
  });

  test('a blue-green controller SIGKILLed before promote, right after promote and during the scale-down delay ends where an undisturbed one does', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('app-active', 'app'));
    await ro.create(service('app-preview', 'app'));
    await ro.create(blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 20 }));
    let generation = 0;
    const start = async (): Promise<RunningController> => {
      const c = await startController({ namespace: ns, name: `${ns}-${++generation}` });
      t.after(() => c.kill());
      return c;
    };
    let controller = await start();
    const v1 = (await ro.waitFor('app', 'v1 Healthy', healthyAt())).status!.currentPodHash!;

    await ro.setImage('app', 'registry.local/app:v2');
    const v2 = (await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1)).status!.currentPodHash!;
    await controller.kill();
    controller = await start();
    await sleep(1500);
    assert.equal((await ro.get('app')).status?.phase, 'Paused', 'still paused after a restart: a restart promotes nothing');

    // Promote, and kill the controller as soon as it has seen the promote.
    await ro.promote('app');
    await eventually('the controller acted on the promote', async () => ((await ro.selector('app-active')) === v2 ? true : undefined), 30_000);
    await controller.kill();
    controller = await start();
    await ro.waitFor('app', 'v2 Healthy after the restart', healthyAt(v2));
    assert.ok((await ro.replicaSet(v1))?.metadata?.annotations?.['scale-down-deadline'], 'v1 waits out its scale-down delay');
    assert.equal((await ro.replicaSet(v1))?.spec?.replicas, 3, 'v1 is still up during the delay');

    // Killed during the scale-down delay: the next controller scales v1 down when it expires.
    await controller.kill();
    controller = await start();
    await eventually('v1 scaled down after the delay', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 40_000);
    const end = await ro.get('app');
    assert.ok(healthyAt(v2)(end), `Healthy on v2: ${JSON.stringify(end.status?.phase)}`);
    assert.equal(await ro.selector('app-active'), v2);
    assert.equal(await ro.selector('app-preview'), v2);
    await assertOneReplicaSetPerTemplate(ro, 2);
    noStackTraces(controller);
  });

  test('a basic canary controller SIGKILLed at each setWeight and pause, with a promote and an abort given while it was down, ends where an undisturbed one does', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const steps = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: 2 } }, { setWeight: 75 }, { pause: {} }];
    await ro.create(canaryRollout('app', { steps }, { replicas: 4 }));
    let generation = 0;
    let controller: RunningController | undefined;
    const restart = async (): Promise<void> => {
      await controller?.kill();
      controller = await startController({ namespace: ns, name: `${ns}-${++generation}` });
      t.after(() => controller!.kill());
    };
    await restart();
    const v1 = (await ro.waitFor('app', 'v1 Healthy', healthyAt())).status!.currentPodHash!;
    await ro.setImage('app', 'registry.local/app:v2');

    // Kill at every step the controller reaches; each new controller carries on from the status.
    // At a pause without a duration, promote (as kubectl argo rollouts promote does) while no controller runs.
    const killedAt: number[] = [];
    for (;;) {
      const last = killedAt.at(-1) ?? 0;
      const at = await ro.waitFor('app', `a step after ${last}`, (r) => r.status?.currentPodHash !== v1 && ((r.status?.currentStepIndex ?? 0) > last || healthyAt()(r)), 60_000);
      if (healthyAt()(at)) break;
      const reached = at.status!.currentStepIndex!;
      const step = steps[reached] as { pause?: { duration?: number } } | undefined;
      const untimedPause = step?.pause !== undefined && step.pause.duration === undefined;
      if (untimedPause) {
        await ro.waitFor('app', `paused at step ${reached}`, (r) => r.status?.currentStepIndex === reached && (r.status.pauseConditions?.length ?? 0) > 0, 30_000);
      }
      await controller!.kill();
      killedAt.push(reached);
      if (untimedPause) await ro.promote('app');
      await restart();
    }
    assert.ok(killedAt.includes(1) && killedAt.includes(5), `killed at both untimed pauses (killed at steps ${killedAt.join(', ')})`);
    assert.ok(killedAt.length >= 3, `killed at steps ${killedAt.join(', ')}`);
    const v2 = await ro.waitFor('app', 'v2 fully promoted', healthyAt(), 60_000);
    assert.notEqual(v2.status?.currentPodHash, v1);
    assert.equal(v2.status?.currentStepIndex, steps.length);
    await eventually('v1 scaled to 0', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 30_000);
    await assertOneReplicaSetPerTemplate(ro, 2);

    // v3 to its first pause, then an abort while the controller is down.
    await ro.setImage('app', 'registry.local/app:v3');
    const v3 = (await ro.waitFor('app', 'v3 at its first pause', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v2.status?.currentPodHash, 60_000)).status!.currentPodHash!;
    await controller!.kill();
    await ro.abort('app');
    await restart();
    await ro.waitFor('app', 'v3 aborted', (r) => r.status?.phase === 'Degraded' && r.status.abort === true, 60_000);
    await eventually('v3 scaled to 0 and v2 back at full size', async () => {
      const [rs3, rs2] = [await ro.replicaSet(v3), await ro.replicaSet(v2.status!.currentPodHash!)];
      return rs3?.spec?.replicas === 0 && rs2?.spec?.replicas === 4 ? true : undefined;
    }, 30_000);
    await assertOneReplicaSetPerTemplate(ro, 3);
    noStackTraces(controller!);
  });
});
