import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { actionPatches, rolloutActions, rolloutHealth, runRolloutAction, type HealthStatus } from '../support/argocd.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, canaryRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * Argo CD reads a Rollout's health and offers actions on it through Lua scripts of its own
 * (resource_customizations/argoproj.io/Rollout). Here those very scripts, from Argo CD's module,
 * judge Ramp's live rollouts at each stage, and their actions, sent as Argo CD sends them, move
 * Ramp's rollouts as they move Argo's.
 */

type Json = Record<string, unknown>;

/** Runs an Argo CD action against the live Rollout and sends the patches Argo CD would send. */
async function runAction(ro: RolloutHelper, name: string, action: string): Promise<void> {
  const live = (await ro.get(name)) as unknown as Json;
  const offered = rolloutActions(live)[action];
  assert.ok(offered, `Argo CD offers ${action}`);
  assert.notEqual(offered.disabled, true, `Argo CD enables ${action} on ${name} now`);
  const patches = actionPatches(live, runRolloutAction(action, live));
  assert.ok(patches.status || patches.main, `${action} changes something`);
  if (patches.status) await ro.client.mergePatchStatus(ROLLOUTS, ro.namespace, name, patches.status);
  if (patches.main) await ro.client.mergePatch(ROLLOUTS, ro.namespace, name, patches.main);
}

async function healthOf(ro: RolloutHelper, name: string): Promise<HealthStatus> {
  return rolloutHealth(await ro.get(name));
}

/** Waits until Argo CD's health check says `status`, returning the health and the rollout seen. */
async function untilHealth(ro: RolloutHelper, name: string, status: string, timeoutMs = 60_000): Promise<{ health: HealthStatus; rollout: RolloutLike }> {
  let last: unknown;
  try {
    return await eventually(`Argo CD health ${status} for ${name}`, async () => {
      const rollout = await ro.get(name);
      const health = rolloutHealth(rollout);
      last = { health, status: rollout.status };
      return health.status === status ? { health, rollout } : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; last health and status: ${JSON.stringify(last)}`);
  }
}

const STEPS = [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: {} }, { setWeight: 100 }];

describe("Argo CD's health check and actions on Ramp's rollouts", () => {
  test('a canary reads Progressing, Suspended, Healthy and Degraded as Argo CD expects, and every Rollout action moves it', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const canary = canaryRollout('web', { steps: STEPS });
    // Pods count as available 2 s after they are Ready, so the update is seen progressing.
    (canary as { spec: Json }).spec.minReadySeconds = 2;
    await ro.create(canary);
    const controller = await startController({ namespace: ns, name: `${ns}-argocd` });
    t.after(() => controller.kill());

    const first = await untilHealth(ro, 'web', 'Healthy');
    assert.equal(first.health.message ?? '', '');
    assert.equal(rolloutActions(first.rollout).abort?.disabled, true, 'nothing to abort when fully promoted');

    // An update: Progressing while the canary's pods become available, then Suspended at the pause.
    await ro.setImage('web', 'registry.local/app:v2');
    const seen = new Set<string>();
    const paused = await eventually('Suspended at the first pause', async () => {
      const rollout = await ro.get('web');
      const health = rolloutHealth(rollout);
      seen.add(health.status);
      return health.status === 'Suspended' ? { health, rollout } : undefined;
    }, 60_000, 100);
    assert.ok(seen.has('Progressing'), `Progressing while scaling; seen ${[...seen].join(', ')}`);
    assert.equal(paused.rollout.status?.currentStepIndex, 1);
    assert.equal(paused.health.message, paused.rollout.status?.message);

    // resume: on to the second pause.
    await runAction(ro, 'web', 'resume');
    await ro.waitFor('web', 'the second pause', (r) => r.status?.currentStepIndex === 3 && r.status.phase === 'Paused');
    assert.deepEqual(await healthOf(ro, 'web'), { status: 'Suspended', message: 'CanaryPauseStep' });

    // skip-current-step: past the second pause to the end.
    await runAction(ro, 'web', 'skip-current-step');
    const done = await untilHealth(ro, 'web', 'Healthy');
    assert.equal(done.rollout.status?.stableRS, done.rollout.status?.currentPodHash);

    // abort: Degraded with the abort's message; retry: back to the first pause; promote-full: Healthy.
    await ro.setImage('web', 'registry.local/app:v3');
    await untilHealth(ro, 'web', 'Suspended');
    await runAction(ro, 'web', 'abort');
    const aborted = await untilHealth(ro, 'web', 'Degraded');
    assert.match(aborted.health.message ?? '', /RolloutAborted|aborted/i);
    assert.equal(rolloutActions(aborted.rollout).retry?.disabled, false);
    await runAction(ro, 'web', 'retry');
    await ro.waitFor('web', 'the first pause again after retry', (r) => r.status?.currentStepIndex === 1 && r.status.phase === 'Paused' && !r.status.abort);
    await runAction(ro, 'web', 'promote-full');
    const promoted = await untilHealth(ro, 'web', 'Healthy');
    assert.equal((promoted.rollout.spec.template?.spec?.containers ?? [])[0]?.image, 'registry.local/app:v3');

    // pause (spec.paused) mid-update: Suspended until resume clears it.
    await ro.setImage('web', 'registry.local/app:v4');
    await untilHealth(ro, 'web', 'Suspended');
    await runAction(ro, 'web', 'resume');
    await ro.waitFor('web', 'the second pause', (r) => r.status?.currentStepIndex === 3 && r.status.phase === 'Paused');
    await runAction(ro, 'web', 'skip-current-step');
    await ro.waitFor('web', 'the last step', (r) => (r.status?.currentStepIndex ?? 0) >= 4);
    const mid = await ro.get('web');
    if (mid.status?.stableRS !== mid.status?.currentPodHash) {
      await runAction(ro, 'web', 'pause');
      assert.equal((await ro.get('web')).spec.paused, true);
      // A spec change reads Progressing until the controller has observed it, then Suspended.
      await untilHealth(ro, 'web', 'Suspended');
      await runAction(ro, 'web', 'resume');
      assert.equal((await ro.get('web')).spec.paused, false);
    }
    await untilHealth(ro, 'web', 'Healthy');

    // restart: the Rollout records the restart once every pod is newer than it.
    await runAction(ro, 'web', 'restart');
    const restartAt = (await ro.get('web')).spec.restartAt as string;
    assert.match(restartAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await ro.waitFor('web', 'the restart recorded', (r) => r.status?.restartedAt === restartAt, 90_000);
    assert.equal((await untilHealth(ro, 'web', 'Healthy')).health.status, 'Healthy');

    // An invalid spec: Degraded with the InvalidSpec message.
    await ro.client.mergePatch(ROLLOUTS, ns, 'web', { spec: { strategy: { canary: { steps: [{ setWeight: 150 }] } } } });
    const invalid = await untilHealth(ro, 'web', 'Degraded');
    assert.match(invalid.health.message ?? '', /^InvalidSpec: The Rollout "web" is invalid: spec\.strategy\.canary\.steps\[0\]\.setWeight/);
    assert.equal(controller.process.exitCode, null);
  });

  test('a blue-green rollout is Suspended behind its preview Service and Healthy after promote-full', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('bg-active', 'bg'));
    await ro.create(service('bg-preview', 'bg'));
    await ro.create(blueGreenRollout('bg', { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false }));
    const controller = await startController({ namespace: ns, name: `${ns}-argocd-bg` });
    t.after(() => controller.kill());

    await untilHealth(ro, 'bg', 'Healthy');
    await ro.setImage('bg', 'registry.local/app:v2');
    const paused = await untilHealth(ro, 'bg', 'Suspended');
    assert.notEqual(paused.rollout.status?.blueGreen?.activeSelector, paused.rollout.status?.currentPodHash);
    await runAction(ro, 'bg', 'promote-full');
    const healthy = await untilHealth(ro, 'bg', 'Healthy');
    assert.equal(healthy.rollout.status?.blueGreen?.activeSelector, healthy.rollout.status?.currentPodHash);
    assert.equal(controller.process.exitCode, null);
  });
});
