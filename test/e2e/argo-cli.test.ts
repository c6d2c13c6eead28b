import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ArgoCli, treeRevisions } from './support/argo-cli.ts';
import { assertRestart, healthyOn, kubectl, manifestDir, summaryField } from './support/cli.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, canaryRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * Argo Rollouts' own kubectl plugin (`kubectl-argo-rollouts`, built from Argo's module at the
 * pinned version) drives Rollouts that Ramp's controller manages: each verb is run as its own
 * process, and what it changed is read back from the apiserver (the Rollout, its ReplicaSets and
 * Services), so the test proves what Ramp did with it, not only what the plugin printed.
 */

const image = (ro: RolloutLike): string | undefined => ro.spec.template?.spec?.containers?.[0]?.image;
const phase = (ro: RolloutLike): string | undefined => ro.status?.phase;
const revisionOf = (rs: { metadata?: { annotations?: Record<string, string> } } | undefined): string | undefined => rs?.metadata?.annotations?.['rollout.argoproj.io/revision'];


describe("Argo Rollouts' kubectl plugin against Ramp's controller", () => {

  test('blue-green: get, set image, status, abort and retry, promote, pause and promote, undo, promote --full, restart', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const argo = ArgoCli.forNamespace(ns);

    kubectl(['apply', '-n', ns, '-f', file('app.yaml',
      service('app-active', 'app'),
      service('app-preview', 'app'),
      blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 2, abortScaleDownDelaySeconds: 0 }, 2),
    )]);
    const controller = await startController({ namespace: ns, name: `${ns}-argo-cli` });
    t.after(() => controller.kill());

    // status watches until Healthy and exits 0; each distinct status is one line.
    const first = await argo.run(['status', 'app', '--timeout', '90s']);
    assert.equal(first.code, 0, `status exits 0 once Healthy; stdout: ${first.stdout}`);
    assert.equal(first.stdout.trimEnd().split('\n').at(-1), 'Healthy');
    const v1 = (await ro.get('app')).status!.currentPodHash!;
    assert.equal(await argo.ok(['status', 'app', '--watch=false']), 'Healthy\n');

    const healthy = await argo.ok(['get', 'rollout', 'app', '--no-color']);
    assert.equal(summaryField(healthy, 'Name:'), 'app');
    assert.equal(summaryField(healthy, 'Namespace:'), ns);
    assert.equal(summaryField(healthy, 'Status:'), '✔ Healthy');
    assert.equal(summaryField(healthy, 'Strategy:'), 'BlueGreen');
    assert.equal(summaryField(healthy, 'Images:'), 'registry.local/app:v1 (stable, active)');
    assert.deepEqual(treeRevisions(healthy), [{ revision: 1, replicaSets: [{ name: `app-${v1}`, status: '✔ Healthy', info: ['stable', 'active'] }] }]);

    assert.equal(await argo.ok(['set', 'image', 'app', 'app=registry.local/app:v2']), 'rollout "app" image updated\n');
    assert.equal(image(await ro.get('app')), 'registry.local/app:v2', 'set image changed spec.template');
    const paused = await ro.waitFor('app', 'v2 paused behind the preview', (r) => phase(r) === 'Paused' && r.status?.currentPodHash !== v1 && r.status?.blueGreen?.previewSelector === r.status?.currentPodHash);
    const v2 = paused.status!.currentPodHash!;
    assert.equal(await ro.selector('app-preview'), v2, 'the preview Service selects v2');
    assert.equal(await ro.selector('app-active'), v1, 'the active Service still selects v1');

    // A pause is neither Healthy nor Degraded: status gives up after --timeout with exit 1.
    const waiting = await argo.run(['status', 'app', '--timeout', '2s']);
    assert.equal(waiting.code, 1);
    assert.equal(waiting.stdout, 'Paused - BlueGreenPause\n');
    assert.match(waiting.stderr, /Rollout status watch exceeded timeout/);
    assert.equal(await argo.ok(['status', 'app', '--watch=false']), 'Paused - BlueGreenPause\n');
    const pausedView = await argo.ok(['get', 'rollout', 'app', '--no-color']);
    assert.equal(summaryField(pausedView, 'Status:'), '॥ Paused');
    assert.equal(summaryField(pausedView, 'Message:'), 'BlueGreenPause');
    assert.deepEqual(treeRevisions(pausedView).map((r) => ({ revision: r.revision, info: r.replicaSets.map((rs) => rs.info) })), [
      { revision: 2, info: [['preview']] },
      { revision: 1, info: [['stable', 'active']] },
    ]);

    // abort: the preview goes back to the stable ReplicaSet and v2 is scaled down; Degraded.
    assert.equal(await argo.ok(['abort', 'app']), "rollout 'app' aborted\n");
    assert.equal((await ro.get('app')).status?.abort, true, 'abort set status.abort');
    const aborted = await argo.run(['status', 'app', '--timeout', '60s']);
    assert.equal(aborted.code, 1);
    assert.match(aborted.stderr, /The rollout is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 2/);
    await eventually('the aborted preview scaled down and the preview Service back on v1', async () => {
      return (await ro.replicaSet(v2))?.spec?.replicas === 0 && (await ro.selector('app-preview')) === v1 ? true : undefined;
    }, 60_000);
    assert.equal(await ro.selector('app-active'), v1);

    assert.equal(await argo.ok(['retry', 'rollout', 'app']), "rollout 'app' retried\n");
    assert.notEqual((await ro.get('app')).status?.abort, true, 'retry cleared status.abort');
    await ro.waitFor('app', 'v2 back in the preview, paused', (r) => phase(r) === 'Paused' && r.status?.abort !== true && r.status?.blueGreen?.previewSelector === v2);

    assert.equal(await argo.ok(['promote', 'app']), "rollout 'app' promoted\n");
    const promoted = await ro.waitFor('app', 'v2 Healthy and active', (r) => healthyOn(r) && r.status?.currentPodHash === v2);
    assert.equal(promoted.status?.blueGreen?.activeSelector, v2);
    assert.equal(await ro.selector('app-active'), v2, 'the active Service selects v2');
    await eventually('v1 scaled down after scaleDownDelaySeconds', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 60_000);

    // v1.10.2 has no resume verb: promote clears spec.paused.
    assert.equal(await argo.ok(['pause', 'app']), 'rollout \'app\' paused\n');
    assert.equal((await ro.get('app')).spec.paused, true, 'pause set spec.paused');
    await ro.waitFor('app', 'the user pause shown as Paused', (r) => phase(r) === 'Paused');
    assert.equal(await argo.ok(['status', 'app', '--watch=false']), 'Paused - manually paused\n');
    assert.equal(await argo.ok(['promote', 'app']), "rollout 'app' promoted\n");
    assert.equal((await ro.get('app')).spec.paused, false, 'promote cleared spec.paused');
    await ro.waitFor('app', 'Healthy again after the pause', healthyOn);

    // undo: the template of the previous revision comes back, and Ramp rolls back to v1's
    // ReplicaSet (the same hash, now revision 3) rather than creating another one. v1 was scaled
    // down, so, as under Argo, it waits in the preview for a promotion.
    assert.equal(await argo.ok(['undo', 'app']), "rollout 'app' undo\n");
    assert.equal(image(await ro.get('app')), 'registry.local/app:v1', 'undo restored the v1 template');
    await ro.waitFor('app', 'v1 back in the preview, paused', (r) => phase(r) === 'Paused' && r.status?.currentPodHash === v1 && r.status?.blueGreen?.previewSelector === v1);
    assert.equal(revisionOf(await ro.replicaSet(v1)), '3', 'the rolled-back ReplicaSet carries revision 3');
    assert.equal((await ro.replicaSets()).length, 2, 'no new ReplicaSet was created');
    assert.equal(await ro.selector('app-active'), v2, 'v2 stays active until the promotion');

    assert.equal(await argo.ok(['promote', 'app', '--full']), "rollout 'app' fully promoted\n");
    const full = (await ro.get('app')).status;
    assert.ok(full?.promoteFull === true || full?.stableRS === v1, 'promote --full set status.promoteFull (or Ramp already finished it)');
    const done = await argo.run(['status', 'app', '--timeout', '90s']);
    assert.equal(done.code, 0, `Healthy on v1 again; stderr: ${done.stderr}`);
    await ro.waitFor('app', 'v1 stable and active', (r) => healthyOn(r) && r.status?.stableRS === v1);
    assert.equal(await ro.selector('app-active'), v1);
    const afterUndo = await argo.ok(['get', 'rollout', 'app', '--no-color']);
    assert.equal(summaryField(afterUndo, 'Images:'), 'registry.local/app:v1 (stable, active)');
    assert.deepEqual(treeRevisions(afterUndo).map((r) => r.revision), [3, 2]);

    await assertRestart(ro, ns, 2, (args) => argo.ok(args));
  });

  test('canary: set image pauses at step 1, promote to step 3, promote --full, abort and retry', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const argo = ArgoCli.forNamespace(ns);
    const steps = [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: {} }, { setWeight: 100 }];
    kubectl(['apply', '-n', ns, '-f', file('web.yaml', canaryRollout('web', { steps }, { replicas: 3, container: 'web', image: 'registry.local/web:v1' }))]);
    const controller = await startController({ namespace: ns, name: `${ns}-argo-cli` });
    t.after(() => controller.kill());
    assert.equal((await argo.run(['status', 'web', '--timeout', '90s'])).code, 0);
    const v1 = (await ro.get('web')).status!.stableRS!;
    const canaryReplicas = async (hash: string): Promise<number | undefined> => (await ro.replicaSet(hash))?.status?.availableReplicas;

    await argo.ok(['set', 'image', 'web', 'web=registry.local/web:v2']);
    const atPause = await ro.waitFor('web', 'the canary paused at step 1', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.currentPodHash !== v1);
    const v2 = atPause.status!.currentPodHash!;
    await eventually('one of three pods on the canary', async () => ((await canaryReplicas(v2)) === 1 ? true : undefined), 60_000);
    assert.equal((await ro.replicaSet(v1))?.spec?.replicas, 2, 'the stable ReplicaSet keeps two pods');

    const first = await argo.ok(['get', 'rollout', 'web', '--no-color']);
    assert.equal(summaryField(first, 'Status:'), '॥ Paused');
    assert.equal(summaryField(first, 'Message:'), 'CanaryPauseStep');
    assert.equal(summaryField(first, 'Strategy:'), 'Canary');
    assert.equal(summaryField(first, 'Step:'), '1/5');
    assert.equal(summaryField(first, 'SetWeight:'), '33');
    assert.equal(summaryField(first, 'ActualWeight:'), '33');
    assert.match(first, /registry\.local\/web:v1 \(stable\)/);
    assert.match(first, /registry\.local\/web:v2 \(canary\)/);
    assert.deepEqual(treeRevisions(first).map((r) => ({ revision: r.revision, replicaSets: r.replicaSets.map((rs) => [rs.name, rs.info]) })), [
      { revision: 2, replicaSets: [[`web-${v2}`, ['canary']]] },
      { revision: 1, replicaSets: [[`web-${v1}`, ['stable']]] },
    ]);

    assert.equal(await argo.ok(['promote', 'web']), "rollout 'web' promoted\n");
    await ro.waitFor('web', 'the canary paused at step 3', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 3);
    await eventually('two of three pods on the canary', async () => ((await canaryReplicas(v2)) === 2 ? true : undefined), 60_000);
    const third = await argo.ok(['get', 'rollout', 'web', '--no-color']);
    assert.equal(summaryField(third, 'Step:'), '3/5');
    assert.equal(summaryField(third, 'SetWeight:'), '66');
    assert.equal(summaryField(third, 'ActualWeight:'), '66');

    assert.equal(await argo.ok(['promote', 'web', '--full']), "rollout 'web' fully promoted\n");
    const full = await argo.run(['status', 'web', '--timeout', '90s']);
    assert.equal(full.code, 0, `Healthy after the full promotion; stderr: ${full.stderr}`);
    const promoted = await ro.waitFor('web', 'v2 stable', (r) => healthyOn(r) && r.status?.stableRS === v2);
    assert.equal(promoted.status?.currentStepIndex, 5);
    assert.equal(image(promoted), 'registry.local/web:v2');
    await eventually('all three pods on v2, none on v1', async () => ((await canaryReplicas(v2)) === 3 && (await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 60_000);
    const end = await argo.ok(['get', 'rollout', 'web', '--no-color']);
    assert.equal(summaryField(end, 'Status:'), '✔ Healthy');
    assert.equal(summaryField(end, 'Step:'), '5/5');
    assert.equal(summaryField(end, 'SetWeight:'), '100');
    assert.equal(summaryField(end, 'ActualWeight:'), '100');
    assert.equal(summaryField(end, 'Images:'), 'registry.local/web:v2 (stable)');

    // A third version aborted at its first pause: all traffic and pods back on v2, Degraded.
    await argo.ok(['set', 'image', 'web', 'web=registry.local/web:v3']);
    const v3paused = await ro.waitFor('web', 'v3 paused at step 1', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.currentPodHash !== v2);
    const v3 = v3paused.status!.currentPodHash!;
    assert.equal(await argo.ok(['abort', 'web']), "rollout 'web' aborted\n");
    assert.equal((await ro.get('web')).status?.abort, true, 'abort set status.abort');
    const aborted = await argo.run(['status', 'web', '--timeout', '60s']);
    assert.equal(aborted.code, 1);
    assert.match(aborted.stderr, /The rollout is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 3/);
    await eventually('the aborted canary scaled down and v2 back to three pods', async () => ((await ro.replicaSet(v3))?.spec?.replicas === 0 && (await ro.replicaSet(v2))?.spec?.replicas === 3 ? true : undefined), 60_000);
    const abortedView = await argo.ok(['get', 'rollout', 'web', '--no-color']);
    assert.equal(summaryField(abortedView, 'Status:'), '✖ Degraded');
    assert.equal(summaryField(abortedView, 'SetWeight:'), '0');
    assert.equal(summaryField(abortedView, 'Step:'), '0/5');

    assert.equal(await argo.ok(['retry', 'rollout', 'web']), "rollout 'web' retried\n");
    assert.notEqual((await ro.get('web')).status?.abort, true, 'retry cleared status.abort');
    const retried = await ro.waitFor('web', 'v3 back at its first pause', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.abort !== true);
    assert.equal(retried.status?.stableRS, v2, 'v2 stays stable');
    await eventually('one pod on v3 again', async () => ((await canaryReplicas(v3)) === 1 ? true : undefined), 60_000);
    const again = await argo.ok(['get', 'rollout', 'web', '--no-color']);
    assert.equal(summaryField(again, 'Step:'), '1/5');
    assert.equal(summaryField(again, 'SetWeight:'), '33');
    assert.equal(await argo.ok(['status', 'web', '--watch=false']), 'Paused - CanaryPauseStep\n');

    // A user pause on top of the step's pause: the user's wins the message, and one promote
    // (Argo's resume) clears both, so the canary goes on to its next pause.
    assert.equal(await argo.ok(['pause', 'web']), "rollout 'web' paused\n");
    await ro.waitFor('web', 'the user pause shown', (r) => r.spec.paused === true && phase(r) === 'Paused' && r.status?.message === 'manually paused');
    assert.equal(await argo.ok(['status', 'web', '--watch=false']), 'Paused - manually paused\n');
    assert.equal(await argo.ok(['promote', 'web']), "rollout 'web' promoted\n");
    const resumed = await ro.get('web');
    assert.equal(resumed.spec.paused, false, 'promote cleared spec.paused');
    await ro.waitFor('web', 'v3 paused at step 3', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 3 && r.status.message === 'CanaryPauseStep');
    await eventually('two of three pods on v3', async () => ((await canaryReplicas(v3)) === 2 ? true : undefined), 60_000);
  });
});
