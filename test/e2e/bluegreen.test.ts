import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, sleep, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { PODS, ROLLOUTS } from '../../controller/kube/resources.ts';
import { blueGreenRollout, HASH_LABEL, RolloutHelper, service } from '../support/rollouts.ts';

const healthy = (ro: { status?: { phase?: string; currentPodHash?: string; stableRS?: string; blueGreen?: { activeSelector?: string } } }): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.blueGreen?.activeSelector === ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

async function deployV1(t: Parameters<typeof testNamespace>[0], blueGreen: Record<string, unknown>) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  await ro.create(service('app-active', 'app'));
  await ro.create(service('app-preview', 'app'));
  await ro.create(blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, ...blueGreen }));
  const controller = await startController({ namespace: ns, name: `${ns}-a` });
  t.after(() => controller.kill());
  const v1 = await ro.waitFor('app', 'v1 Healthy and active', healthy);
  return { ns, ro, controller, v1: v1.status!.currentPodHash! };
}

describe('blue-green on the real control plane', () => {
  test('deploys v1, holds v2 behind the preview, promote switches the active Service, the old ReplicaSet scales down after the delay', async (t) => {
    // A delay long enough that a loaded machine still sees v1 waiting it out after the promotion.
    const { ro, v1 } = await deployV1(t, { scaleDownDelaySeconds: 10 });
    assert.equal(await ro.selector('app-active'), v1);
    assert.equal((await ro.replicaSet(v1))?.status?.readyReplicas, 3, 'kwok made the v1 pods Ready');
    const first = await ro.get('app');
    assert.deepEqual(first.status?.conditions?.find((c) => c.type === 'Available')?.status, 'True');
    assert.equal(first.status?.observedGeneration, String(first.metadata?.['generation' as never] ?? (first.metadata as { generation?: number }).generation));

    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused behind the preview', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    const v2 = paused.status!.currentPodHash!;
    assert.equal(paused.status?.message, 'BlueGreenPause');
    assert.deepEqual(paused.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(paused.status?.controllerPause, true);
    assert.equal(await ro.selector('app-active'), v1, 'the active Service still selects v1');
    assert.equal(await ro.selector('app-preview'), v2, 'the preview Service selects v2');
    assert.equal((await ro.replicaSet(v2))?.status?.readyReplicas, 3);

    await ro.promote('app');
    await ro.waitFor('app', 'v2 promoted and Healthy', healthy);
    assert.equal(await ro.selector('app-active'), v2);
    const old = await ro.replicaSet(v1);
    assert.ok(old?.metadata?.annotations?.['scale-down-deadline'], 'the old ReplicaSet carries a scale-down deadline');
    await eventually('v1 scaled to 0 after scaleDownDelaySeconds', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 30_000);
    const rss = await ro.replicaSets();
    assert.equal(rss.length, 2, 'exactly one ReplicaSet per revision');
  });

  test('previewMetadata labels the new revision\'s pods until promotion, then activeMetadata moves to them', async (t) => {
    const { ro, v1 } = await deployV1(t, { scaleDownDelaySeconds: 30, activeMetadata: { labels: { role: 'active' } }, previewMetadata: { labels: { role: 'preview' } } });
    const roles = async (hash: string): Promise<Array<string | undefined>> =>
      (await ro.client.list<{ metadata?: { labels?: Record<string, string>; deletionTimestamp?: string } }>(PODS, { namespace: ro.namespace })).items
        .filter((p) => p.metadata?.labels?.[HASH_LABEL] === hash && !p.metadata.deletionTimestamp)
        .map((p) => p.metadata?.labels?.role);
    const templateRole = async (hash: string): Promise<string | undefined> =>
      ((await ro.replicaSet(hash)) as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } | undefined)?.spec?.template?.metadata?.labels?.role;
    assert.equal(await templateRole(v1), 'active');
    await eventually('v1 pods labelled active', async () => ((await roles(v1)).join() === 'active,active,active' ? true : undefined));

    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    const v2 = paused.status!.currentPodHash!;
    assert.equal(await templateRole(v2), 'preview');
    await eventually('v2 pods labelled preview', async () => ((await roles(v2)).join() === 'preview,preview,preview' ? true : undefined));
    assert.deepEqual(await roles(v1), ['active', 'active', 'active']);

    await ro.promote('app');
    await ro.waitFor('app', 'v2 promoted and Healthy', healthy);
    await eventually('the running v2 pods relabelled active', async () => ((await roles(v2)).join() === 'active,active,active' ? true : undefined));
    // The pods are relabelled before the template (so a failure in between is repeated): wait for both.
    await eventually('the v2 template relabelled active', async () => ((await templateRole(v2)) === 'active' ? true : undefined));
    await eventually('v1 loses the active label during its scale-down delay', async () => ((await roles(v1)).every((r) => r === undefined) && (await templateRole(v1)) === undefined ? true : undefined));
  });

  test('abort before promote keeps v1 active and scales v2 down; retry pauses again', async (t) => {
    const { ro, v1 } = await deployV1(t, { abortScaleDownDelaySeconds: 0 });
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused');
    const v2 = paused.status!.currentPodHash!;
    await ro.abort('app');
    const aborted = await ro.waitFor('app', 'aborted and Degraded', (r) => r.status?.phase === 'Degraded');
    assert.match(aborted.status?.message ?? '', /^RolloutAborted: Rollout aborted update to revision 2/);
    assert.equal(await ro.selector('app-active'), v1);
    await eventually('v2 scaled down', async () => ((await ro.replicaSet(v2))?.spec?.replicas === 0 ? true : undefined), 20_000);

    await ro.retry('app');
    await ro.waitFor('app', 'paused again after retry', (r) => r.status?.phase === 'Paused' && r.status.abort !== true);
    assert.equal(await ro.selector('app-active'), v1);
  });

  test('autoPromotionSeconds with autoPromotionEnabled unset pauses v2, then promotes it once the seconds have passed', async (t) => {
    const { ro, v1 } = await deployV1(t, { autoPromotionEnabled: undefined, autoPromotionSeconds: 5 });
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused behind the preview', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    assert.deepEqual(paused.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(await ro.selector('app-active'), v1, 'not switched at once');
    const promoted = await ro.waitFor('app', 'v2 promoted by itself', healthy, 30_000);
    assert.equal(await ro.selector('app-active'), promoted.status!.currentPodHash);
    const waitedMs = Date.now() - Date.parse(paused.status!.pauseConditions![0]!.startTime);
    assert.ok(waitedMs >= 5_000, `promoted after ${waitedMs} ms`);
  });

  test('a rollback to v1 inside its scale-down delay goes straight to Healthy (fast rollback)', async (t) => {
    const { ro, v1 } = await deployV1(t, { scaleDownDelaySeconds: 120 });
    // Creation timestamps have second precision: v1 is older than v2 only if v2 is created a second later.
    await sleep(1_100);
    await ro.setImage('app', 'registry.local/app:v2');
    await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    await ro.promote('app');
    const v2 = (await ro.waitFor('app', 'v2 promoted and Healthy', (r) => healthy(r) && r.status?.currentPodHash !== v1)).status!.currentPodHash!;
    assert.equal((await ro.replicaSet(v1))?.spec?.replicas, 3, 'v1 waits out its scale-down delay');

    await ro.setImage('app', 'registry.local/app:v1');
    const back = await ro.waitFor('app', 'v1 Healthy again without a pause', (r) => healthy(r) && r.status?.currentPodHash === v1);
    assert.equal(back.status?.pauseConditions, undefined);
    assert.equal(await ro.selector('app-active'), v1);
    assert.notEqual(v2, v1);
  });

  test('promote --full takes v2 past the BlueGreenPause and is cleared once stable, so v3 pauses behind the preview again', async (t) => {
    const { ro, v1 } = await deployV1(t, {});
    await ro.setImage('app', 'registry.local/app:v2');
    await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
    await ro.client.mergePatchStatus(ROLLOUTS, ro.namespace, 'app', { status: { promoteFull: true } });
    const v2 = (await ro.waitFor('app', 'v2 promoted by promote --full', (r) => healthy(r) && r.status?.currentPodHash !== v1)).status!.currentPodHash!;
    const done = await ro.waitFor('app', 'promoteFull cleared', (r) => r.status?.promoteFull === undefined);
    assert.equal(done.status?.stableRS, v2);
    assert.equal(await ro.selector('app-active'), v2);

    await ro.setImage('app', 'registry.local/app:v3');
    const paused = await ro.waitFor('app', 'v3 paused behind the preview', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v2 && r.status.currentPodHash !== v1);
    assert.deepEqual(paused.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(await ro.selector('app-active'), v2, 'v3 is not promoted by the earlier promote --full');
  });

  test('with previewReplicaCount, promote --full scales v2 from its preview count to all replicas and finishes the rollout', async (t) => {
    const { ro, v1 } = await deployV1(t, { previewReplicaCount: 1 });
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused with one preview pod', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1 && r.status.updatedReplicas === 1);
    const v2 = paused.status!.currentPodHash!;
    assert.equal((await ro.replicaSets()).find((rs) => rs.metadata?.labels?.[HASH_LABEL] === v2)?.spec?.replicas, 1);
    await ro.client.mergePatchStatus(ROLLOUTS, ro.namespace, 'app', { status: { promoteFull: true } });
    const done = await ro.waitFor('app', 'v2 Healthy on all replicas, promoteFull cleared', (r) => healthy(r) && r.status?.currentPodHash === v2 && r.status.availableReplicas === 3 && r.status.promoteFull === undefined);
    assert.equal(done.status?.stableRS, v2);
    assert.equal(await ro.selector('app-active'), v2);
    assert.equal((await ro.replicaSets()).find((rs) => rs.metadata?.labels?.[HASH_LABEL] === v2)?.spec?.replicas, 3);
  });

  test('a rollback to v1 after its scale-down delay but within rollbackWindow skips the pause; outside the window it pauses', async (t) => {
    for (const [revisions, skips] of [[2, true], [0, false]] as const) {
      await t.test(`rollbackWindow.revisions ${revisions}`, async (t) => {
        const { ro, v1 } = await deployV1(t, { scaleDownDelaySeconds: 1 });
        await ro.client.mergePatch(ROLLOUTS, ro.namespace, 'app', { spec: { rollbackWindow: { revisions } } });
        await sleep(1_100);
        await ro.setImage('app', 'registry.local/app:v2');
        await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1);
        await ro.promote('app');
        const v2 = (await ro.waitFor('app', 'v2 Healthy', (r) => healthy(r) && r.status?.currentPodHash !== v1)).status!.currentPodHash!;
        await eventually('v1 scaled to 0 after its delay, so no fast rollback', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 20_000);

        await ro.setImage('app', 'registry.local/app:v1');
        if (skips) {
          const back = await ro.waitFor('app', 'v1 Healthy again without a pause', (r) => healthy(r) && r.status?.currentPodHash === v1);
          assert.equal(back.status?.pauseConditions, undefined);
          assert.equal(await ro.selector('app-active'), v1);
        } else {
          const paused = await ro.waitFor('app', 'v1 paused as any update', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash === v1);
          assert.deepEqual(paused.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
          assert.equal(await ro.selector('app-active'), v2);
        }
      });
    }
  });

  test('changing the strategy to canary removes the hash selector from the active and preview Services', async (t) => {
    const { ro } = await deployV1(t, {});
    await ro.setImage('app', 'registry.local/app:v2');
    await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused');
    assert.ok(await ro.selector('app-preview'));
    await ro.client.mergePatch(ROLLOUTS, ro.namespace, 'app', { spec: { strategy: { blueGreen: null, canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } } });
    for (const name of ['app-active', 'app-preview']) {
      const svc = await eventually(`${name} given back`, async () => {
        const s = await ro.service(name);
        return s.spec?.selector?.[HASH_LABEL] === undefined ? s : undefined;
      });
      assert.deepEqual(svc.spec?.selector, { app: 'app' }, name);
      assert.equal(svc.metadata?.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], undefined, name);
    }
  });

  test('a controller killed while paused resumes to the same end after a restart', async (t) => {
    const { ns, ro, controller, v1 } = await deployV1(t, { scaleDownDelaySeconds: 1 });
    await ro.setImage('app', 'registry.local/app:v2');
    const paused = await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused');
    await controller.kill();

    const again = await startController({ namespace: ns, name: `${ns}-b` });
    t.after(() => again.kill());
    // The new process sees the same paused state: it neither promotes nor creates anything.
    await new Promise((r) => setTimeout(r, 2000));
    const still = await ro.get('app');
    assert.equal(still.status?.phase, 'Paused');
    assert.equal(still.status?.currentPodHash, paused.status?.currentPodHash);
    assert.equal((await ro.replicaSets()).length, 2);
    assert.equal(await ro.selector('app-active'), v1);

    await ro.promote('app');
    await ro.waitFor('app', 'promoted after restart', healthy);
    assert.equal(await ro.selector('app-active'), paused.status?.currentPodHash);
  });

  test('a bad spec gets InvalidSpec naming the field while another rollout in the namespace deploys', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('good-active', 'good'));
    await ro.create(blueGreenRollout('bad', { activeService: 'good-active', previewService: 'good-active' }));
    await ro.create(blueGreenRollout('missing', { activeService: 'no-such-service' }));
    await ro.create(blueGreenRollout('good', { activeService: 'good-active' }));
    const controller = await startController({ namespace: ns });
    t.after(() => controller.kill());

    const bad = await ro.waitFor('bad', 'InvalidSpec on bad', (r) => r.status?.phase === 'Degraded');
    const badCondition = bad.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.equal(badCondition?.status, 'True');
    assert.match(badCondition?.message ?? '', /^The Rollout "bad" is invalid: spec\.strategy\.blueGreen\.(previewService|activeService)/);
    const missing = await ro.waitFor('missing', 'InvalidSpec on missing', (r) => r.status?.phase === 'Degraded');
    assert.equal(missing.status?.message, 'InvalidSpec: The Rollout "missing" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "no-such-service": service "no-such-service" not found');
    await ro.waitFor('good', 'the valid rollout deploys', healthy);
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });
});
