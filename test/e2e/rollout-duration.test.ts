import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, canaryRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * status.duration (Argo's RolloutDurationStatus) read at each stage of a rollout's life, as the
 * API server stores it (so Ramp's CRD keeps every field).
 */

interface Duration {
  rolloutStartedAt?: string;
  manualPauseStartedAt?: string;
  totalManualPauseDurationSeconds?: number;
  finishedAt?: string;
  completionStatus?: string;
}

const durationOf = (ro: RolloutLike): Duration => ((ro.status as { duration?: Duration } | undefined)?.duration ?? {});
const healthy = (ro: RolloutLike): boolean => ro.status?.phase === 'Healthy' && ro.status.stableRS === ro.status.currentPodHash;
const ms = (time: string | undefined): number => Date.parse(time ?? '');

/** A finished attempt: started no later than it finished, with the given outcome. */
function assertFinished(d: Duration, completionStatus: string): void {
  assert.equal(d.completionStatus, completionStatus, JSON.stringify(d));
  assert.ok(ms(d.rolloutStartedAt) <= ms(d.finishedAt), JSON.stringify(d));
  assert.equal(d.manualPauseStartedAt, undefined, 'a finished attempt has no open pause');
}

describe('status.duration on the real control plane', () => {
  test('canary: initial deploy, indefinite pause, promote, abort, retry, promote --full, spec.paused, scaling', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const name = 'app';
    await ro.create(canaryRollout(name, { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 }));
    const controller = await startController({ namespace: ns, name: `${ns}-duration` });
    t.after(() => controller.kill());

    const first = await ro.waitFor(name, 'the initial deploy finishes', (r) => healthy(r) && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(first), 'Promoted');

    await ro.setImage(name, 'registry.local/app:v2');
    const paused = await ro.waitFor(name, 'v2 at the indefinite pause', (r) => r.status?.phase === 'Paused' && durationOf(r).manualPauseStartedAt !== undefined);
    const pausing = durationOf(paused);
    assert.equal(pausing.finishedAt, undefined);
    assert.ok(ms(pausing.rolloutStartedAt) > ms(durationOf(first).finishedAt) - 1000, 'a new attempt started with v2');
    assert.ok(ms(pausing.manualPauseStartedAt) >= ms(pausing.rolloutStartedAt));

    await ro.promote(name);
    const promoted = await ro.waitFor(name, 'v2 promoted', (r) => healthy(r) && durationOf(r).finishedAt !== undefined);
    const v2 = durationOf(promoted);
    assertFinished(v2, 'Promoted');
    assert.equal(v2.rolloutStartedAt, pausing.rolloutStartedAt, 'the same attempt');
    assert.equal(typeof v2.totalManualPauseDurationSeconds, 'number', 'the pause time is recorded when the pause ends');

    await ro.setImage(name, 'registry.local/app:v3');
    await ro.waitFor(name, 'v3 at the indefinite pause', (r) => r.status?.phase === 'Paused' && durationOf(r).manualPauseStartedAt !== undefined);
    await ro.abort(name);
    const aborted = await ro.waitFor(name, 'v3 aborted', (r) => r.status?.phase === 'Degraded' && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(aborted), 'Aborted');

    await ro.retry(name);
    const retried = await ro.waitFor(name, 'v3 retried', (r) => durationOf(r).finishedAt === undefined && durationOf(r).rolloutStartedAt !== undefined);
    assert.ok(ms(durationOf(retried).rolloutStartedAt) >= ms(durationOf(aborted).finishedAt), 'a retry starts a new attempt');

    await ro.client.mergePatchStatus(ROLLOUTS, ns, name, { status: { promoteFull: true } });
    const full = await ro.waitFor(name, 'v3 fully promoted', (r) => healthy(r) && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(full), 'FastPromoted');

    // Scaling alone is no new attempt.
    await ro.client.mergePatch(ROLLOUTS, ns, name, { spec: { replicas: 3 } });
    const scaled = await ro.waitFor(name, 'scaled to 3', (r) => healthy(r) && r.status?.availableReplicas === 3);
    assert.deepEqual(durationOf(scaled), durationOf(full));

    // spec.paused during an update is manual pause time.
    await ro.client.mergePatch(ROLLOUTS, ns, name, { spec: { paused: true } });
    await ro.setImage(name, 'registry.local/app:v4');
    const specPaused = await ro.waitFor(name, 'v4 paused by spec.paused', (r) => durationOf(r).manualPauseStartedAt !== undefined && durationOf(r).finishedAt === undefined);
    assert.ok(ms(durationOf(specPaused).rolloutStartedAt) >= ms(durationOf(full).finishedAt));
  });

  test('blue-green: a pause without auto-promotion is manual; promote finishes the attempt', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const name = 'bg';
    await ro.create(service('bg-active', name));
    await ro.create(service('bg-preview', name));
    await ro.create(blueGreenRollout(name, { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false }, 2));
    const controller = await startController({ namespace: ns, name: `${ns}-duration-bg` });
    t.after(() => controller.kill());

    const first = await ro.waitFor(name, 'the initial deploy finishes', (r) => healthy(r) && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(first), 'Promoted');

    await ro.setImage(name, 'registry.local/app:v2');
    const paused = await ro.waitFor(name, 'v2 at its BlueGreenPause', (r) => (r.status?.pauseConditions ?? []).some((p) => p.reason === 'BlueGreenPause') && durationOf(r).manualPauseStartedAt !== undefined);
    assert.equal(durationOf(paused).finishedAt, undefined);

    await ro.promote(name);
    const promoted = await ro.waitFor(name, 'v2 promoted', (r) => healthy(r) && durationOf(r).finishedAt !== undefined && durationOf(r).rolloutStartedAt === durationOf(paused).rolloutStartedAt);
    assertFinished(durationOf(promoted), 'Promoted');
    assert.equal(typeof durationOf(promoted).totalManualPauseDurationSeconds, 'number');
  });

  test('canary: a timed pause step is no manual pause, a new template mid-rollout supersedes the attempt, going back to stable is FastRolledBack', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const name = 'app';
    await ro.create(canaryRollout(name, { steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }, { pause: {} }] }, { replicas: 2 }));
    const controller = await startController({ namespace: ns, name: `${ns}-duration-back` });
    t.after(() => controller.kill());
    const v1 = (await ro.waitFor(name, 'the initial deploy finishes', (r) => healthy(r) && durationOf(r).finishedAt !== undefined)).status!.currentPodHash!;

    await ro.setImage(name, 'registry.local/app:v2');
    const v2At = await ro.waitFor(name, 'v2 past the timed pause, at the indefinite one', (r) => r.status?.currentPodHash !== v1 && r.status?.currentStepIndex === 2 && durationOf(r).manualPauseStartedAt !== undefined);
    const v2 = durationOf(v2At);
    assert.equal(v2.totalManualPauseDurationSeconds, undefined, 'the timed pause added no manual pause time');
    assert.equal(v2.finishedAt, undefined);

    // A new template while v2 waits: v2's attempt is superseded and v3's starts at once, its pause time its own.
    await ro.setImage(name, 'registry.local/app:v3');
    const v3At = await ro.waitFor(name, 'v3 started', (r) => r.status?.currentPodHash !== v1 && r.status?.currentPodHash !== v2At.status?.currentPodHash && ms(durationOf(r).rolloutStartedAt) > ms(v2.rolloutStartedAt));
    const v3 = durationOf(v3At);
    assert.equal(v3.finishedAt, undefined, JSON.stringify(v3));
    assert.equal(v3.completionStatus, undefined, JSON.stringify(v3));
    assert.equal(v3.totalManualPauseDurationSeconds, undefined, 'v2\'s pause is not carried into v3\'s attempt');

    // Back to the stable template: the same attempt ends as a fast rollback.
    await ro.waitFor(name, 'v3 at the indefinite pause', (r) => r.status?.currentStepIndex === 2 && durationOf(r).manualPauseStartedAt !== undefined);
    await ro.setImage(name, 'registry.local/app:v1');
    const back = await ro.waitFor(name, 'back on v1', (r) => healthy(r) && r.status?.currentPodHash === v1 && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(back), 'FastRolledBack');
    assert.equal(durationOf(back).rolloutStartedAt, v3.rolloutStartedAt, 'the rollback ends v3\'s attempt');
  });

  test('blue-green: promote --full is FastPromoted, an abort is Aborted', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const name = 'bg';
    await ro.create(service('bg-active', name));
    await ro.create(blueGreenRollout(name, { activeService: 'bg-active', autoPromotionEnabled: false }, 2));
    const controller = await startController({ namespace: ns, name: `${ns}-duration-bg-full` });
    t.after(() => controller.kill());
    const v1 = (await ro.waitFor(name, 'the initial deploy finishes', (r) => healthy(r) && durationOf(r).finishedAt !== undefined)).status!.currentPodHash!;

    await ro.setImage(name, 'registry.local/app:v2');
    await ro.waitFor(name, 'v2 at its BlueGreenPause', (r) => r.status?.currentPodHash !== v1 && durationOf(r).manualPauseStartedAt !== undefined);
    await ro.client.mergePatchStatus(ROLLOUTS, ns, name, { status: { promoteFull: true } });
    const full = await ro.waitFor(name, 'v2 fully promoted', (r) => healthy(r) && r.status?.currentPodHash !== v1 && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(full), 'FastPromoted');
    assert.equal(typeof durationOf(full).totalManualPauseDurationSeconds, 'number', 'the open pause is added when promote --full ends it');

    await ro.setImage(name, 'registry.local/app:v3');
    await ro.waitFor(name, 'v3 at its BlueGreenPause', (r) => r.status?.currentPodHash !== full.status?.currentPodHash && durationOf(r).finishedAt === undefined && durationOf(r).manualPauseStartedAt !== undefined);
    await ro.abort(name);
    const aborted = await ro.waitFor(name, 'v3 aborted', (r) => r.status?.phase === 'Degraded' && durationOf(r).finishedAt !== undefined);
    assertFinished(durationOf(aborted), 'Aborted');
  });
});
