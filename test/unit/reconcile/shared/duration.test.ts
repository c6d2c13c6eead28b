import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ABORT_PATCH, PAUSE_PATCH, RESUME_PATCH, RETRY_PATCH } from '../../../../client/actions/patches.ts';
import { RolloutWorld } from '../support/world.ts';

const TEMPLATE = { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } };
const T0 = Date.parse('2026-01-01T00:00:00Z');
const iso = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString().replace('.000Z', 'Z');

const canary = (steps: unknown[]): Record<string, unknown> => ({
  replicas: 2,
  selector: { matchLabels: { app: 'app' } },
  template: structuredClone(TEMPLATE),
  strategy: { canary: { canaryService: 'app-canary', stableService: 'app-stable', steps } },
});

const blueGreen = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 2,
  selector: { matchLabels: { app: 'app' } },
  template: structuredClone(TEMPLATE),
  strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview', ...extra } },
});

/** Moves the clock to `seconds` after T0, then lets the pods and the controller settle. */
async function at(world: RolloutWorld, seconds: number, passes = 4): Promise<void> {
  world.now = T0 + seconds * 1000;
  await world.settle(passes);
}

async function deployed(spec: Record<string, unknown>, services?: string[]): Promise<RolloutWorld> {
  const world = new RolloutWorld(spec, services ? { services } : {});
  await at(world, 0);
  assert.equal(world.status.phase, 'Healthy', world.status.message);
  return world;
}

describe('status.duration', () => {
  test('the initial deploy starts an attempt and finishes it Promoted once the pods are available', async () => {
    const world = new RolloutWorld(canary([{ setWeight: 50 }, { pause: {} }]));
    await world.pass();
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(0) });
    world.now = T0 + 3000;
    await world.settle(3);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(0), finishedAt: iso(3), completionStatus: 'Promoted' });
  });

  test('an indefinite pause step counts as manual pause time, a timed one does not', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: { duration: 5 } }, { pause: {} }]));
    world.setImage('app:v2');
    await at(world, 10);
    assert.equal(world.status.currentStepIndex, 1, 'at the timed pause');
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10) }, 'a timed pause is progression');
    await at(world, 16);
    assert.equal(world.status.currentStepIndex, 2, 'at the indefinite pause');
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), manualPauseStartedAt: iso(16) });
    world.patch(RESUME_PATCH);
    world.patch({ status: { pauseConditions: null } });
    await at(world, 46);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), totalManualPauseDurationSeconds: 30, finishedAt: iso(46), completionStatus: 'Promoted' });
  });

  test('spec.paused is a manual pause; the time adds up across pauses', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: { duration: 3600 } }]));
    world.setImage('app:v2');
    await at(world, 10);
    world.patch(PAUSE_PATCH);
    await at(world, 20);
    assert.equal(world.status.duration?.manualPauseStartedAt, iso(20));
    world.patch(RESUME_PATCH);
    await at(world, 25);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), totalManualPauseDurationSeconds: 5 });
    world.patch(PAUSE_PATCH);
    await at(world, 30);
    world.patch(RESUME_PATCH);
    await at(world, 37);
    assert.equal(world.status.duration?.totalManualPauseDurationSeconds, 12);
  });

  test('promote --full finishes the attempt FastPromoted', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    world.setImage('app:v2');
    await at(world, 10);
    world.promote(true);
    await at(world, 20);
    const duration = world.status.duration;
    assert.equal(duration?.completionStatus, 'FastPromoted');
    assert.equal(duration?.finishedAt, iso(20));
    assert.equal(duration?.totalManualPauseDurationSeconds, 10, 'the indefinite pause lasted until the promotion');
  });

  test('abort finishes the attempt Aborted; retry starts a new one', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    world.setImage('app:v2');
    await at(world, 10);
    world.patch(ABORT_PATCH);
    await at(world, 15);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), totalManualPauseDurationSeconds: 5, finishedAt: iso(15), completionStatus: 'Aborted' });
    await at(world, 20);
    assert.equal(world.status.duration?.finishedAt, iso(15), 'a finished attempt stays as it was');
    world.patch(RETRY_PATCH);
    await at(world, 30);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(30), manualPauseStartedAt: iso(30) });
  });

  test('a new template mid-rollout supersedes the attempt and starts the next one in the same pass', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    world.setImage('app:v2');
    await at(world, 10);
    world.setImage('app:v3');
    world.now = T0 + 20_000;
    await world.pass();
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(20) }, 'Superseded is replaced by the new attempt at once, as in Argo');
  });

  test('going back to the stable template mid-rollout is a fast rollback', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    world.setImage('app:v2');
    await at(world, 10);
    world.setImage('app:v1');
    await at(world, 20);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), totalManualPauseDurationSeconds: 10, finishedAt: iso(20), completionStatus: 'FastRolledBack' });
  });

  test('scaling only changes nothing', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    const before = world.status.duration;
    world.patch({ spec: { replicas: 4 } });
    await at(world, 50);
    assert.deepEqual(world.status.duration, before);
  });

  test('blue-green: a pause without auto-promotion is manual, promote finishes it Promoted', async () => {
    const world = await deployed(blueGreen({ autoPromotionEnabled: false }), ['app-active', 'app-preview']);
    world.setImage('app:v2');
    await at(world, 10);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), manualPauseStartedAt: iso(10) });
    world.promote();
    await at(world, 40);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), totalManualPauseDurationSeconds: 30, finishedAt: iso(40), completionStatus: 'Promoted' });
  });

  test('blue-green with auto-promotion: the pause is progression', async () => {
    const world = await deployed(blueGreen({ autoPromotionSeconds: 5 }), ['app-active', 'app-preview']);
    world.setImage('app:v2');
    await at(world, 10);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10) });
    await at(world, 16);
    assert.deepEqual(world.status.duration, { rolloutStartedAt: iso(10), finishedAt: iso(16), completionStatus: 'Promoted' });
  });

  test('an invalid spec leaves the duration as it was', async () => {
    const world = await deployed(canary([{ setWeight: 50 }, { pause: {} }]));
    const before = world.status.duration;
    world.patch({ spec: { strategy: { canary: { steps: [{ setWeight: 150 }] } } } });
    await at(world, 10);
    assert.ok(world.status.conditions?.some((c) => c.type === 'InvalidSpec'));
    assert.deepEqual(world.status.duration, before);
  });
});
