import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { restartApiserver } from '../../cluster/cluster.ts';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import { assertOneReplicaSetPerTemplate, healthyAt, noStackTraces } from '../support/end-state.ts';
import { blueGreenRollout, RolloutHelper, service } from '../../support/rollouts.ts';

/**
 * The apiserver of the shared control plane restarted mid-rollout. It is down for seconds, so
 * this file runs alone, after every other test file (scripts/run-tests.mjs runs test/e2e/serial/
 * last, one file at a time).
 */

describe('an apiserver restart on the real control plane', () => {
  test('an apiserver restarted mid-rollout: the controller reconnects and the rollout promotes', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('app-active', 'app'));
    await ro.create(service('app-preview', 'app'));
    await ro.create(blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 2 }, 2));
    const controller = await startController({ namespace: ns, name: `${ns}-restart` });
    t.after(() => controller.kill());
    const v1 = (await ro.waitFor('app', 'v1 Healthy', healthyAt())).status!.currentPodHash!;

    await ro.setImage('app', 'registry.local/app:v2');
    await restartApiserver({ downMs: 3000 });
    const v2 = (await ro.waitFor('app', 'v2 paused after the restart', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1, 90_000)).status!.currentPodHash!;
    await ro.promote('app');
    await ro.waitFor('app', 'v2 Healthy', healthyAt(v2), 90_000);
    await eventually('v1 scaled down', async () => ((await ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 60_000);
    await assertOneReplicaSetPerTemplate(ro, 2);
    assert.equal(controller.process.exitCode, null, 'the controller kept running');
    noStackTraces(controller);
  });
});
