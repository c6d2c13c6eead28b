import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inArgoOrder } from '../../../../controller/reconcile/shared/event-order.ts';
import { INITIAL_DEPLOY, rolloutCompletedEvent } from '../../../../controller/reconcile/shared/events.ts';
import type { RolloutEvent } from '../../../../controller/reconcile/types.ts';
import { RolloutWorld } from '../support/world.ts';

/**
 * The events of a blue-green and a canary update, in the order Argo Rollouts records them
 * (v1.10.2, as test/e2e/serial/argo-events.test.ts observes beside Argo's own controller), the
 * hashes named by revision. RolloutAddedToInformer comes from the informer, not from a pass.
 */

const template = (image: string) => ({ metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image }] } });

function named(world: RolloutWorld): string[] {
  const hashes = [...world.replicaSets.values()].map((rs) => [rs.metadata?.labels?.['rollouts-pod-template-hash'] ?? '', `<rev${rs.metadata?.annotations?.['rollout.argoproj.io/revision']}>`] as const);
  return world.events.map((e) => `${e.reason}: ${hashes.reduce((m, [h, n]) => m.split(h).join(n), e.message)}`);
}

/** Passes with the pods catching up between them, until nothing more is recorded. */
async function settle(world: RolloutWorld): Promise<void> {
  for (let i = 0; i < 8; i++) {
    await world.pass();
    world.podsCatchUp();
  }
}

/** A canary of two replicas deployed on v1, then updated to v2 and paused at its pause step. */
async function canaryPausedOnV2(): Promise<RolloutWorld> {
  const world = new RolloutWorld({
    replicas: 2,
    selector: { matchLabels: { app: 'app' } },
    template: template('app:v1'),
    strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
  }, { services: [] });
  await settle(world);
  world.setImage('app:v2');
  await settle(world);
  return world;
}

describe("a pass's events in Argo's order", () => {
  test('blue-green: first deploy, an update paused before promotion, the promotion and the delayed scale-down', async () => {
    const world = new RolloutWorld({
      replicas: 2,
      selector: { matchLabels: { app: 'app' } },
      template: template('app:v1'),
      strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false } },
    }, { services: ['app-active', 'app-preview'] });
    await settle(world);
    world.setImage('app:v2');
    await settle(world);
    world.promote();
    await settle(world);
    world.now += 31_000;
    await settle(world);
    assert.deepEqual(named(world), [
      'RolloutUpdated: Rollout updated to revision 1',
      'NewReplicaSetCreated: Created ReplicaSet app-<rev1> (revision 1)',
      "SwitchService: Switched selector for service 'app-preview' from '' to '<rev1>'",
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev1> (revision 1) from 0 to 2',
      'RolloutCompleted: Rollout completed update to revision 1 (<rev1>): Initial deploy',
      "SwitchService: Switched selector for service 'app-active' from '' to '<rev1>'",
      'RolloutUpdated: Rollout updated to revision 2',
      'NewReplicaSetCreated: Created ReplicaSet app-<rev2> (revision 2)',
      "SwitchService: Switched selector for service 'app-preview' from '<rev1>' to '<rev2>'",
      'RolloutNotCompleted: Rollout not completed, started update to revision 2 (<rev2>)',
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev2> (revision 2) from 0 to 2',
      'RolloutPaused: Rollout is paused (BlueGreenPause)',
      "SwitchService: Switched selector for service 'app-active' from '<rev1>' to '<rev2>'",
      'RolloutCompleted: Rollout completed update to revision 2 (<rev2>): Completed blue-green update',
      'ScalingReplicaSet: Scaled down ReplicaSet app-<rev1> (revision 1) from 2 to 0',
    ]);
  });

  test('canary: first deploy, a step to 50%, a pause, the promotion', async () => {
    const world = await canaryPausedOnV2();
    world.promote();
    await settle(world);
    assert.deepEqual(named(world), [
      'RolloutUpdated: Rollout updated to revision 1',
      'NewReplicaSetCreated: Created ReplicaSet app-<rev1> (revision 1)',
      'RolloutNotCompleted: Rollout not completed, started update to revision 1 (<rev1>)',
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev1> (revision 1) from 0 to 2',
      'RolloutCompleted: Rollout completed update to revision 1 (<rev1>): Initial deploy',
      'RolloutUpdated: Rollout updated to revision 2',
      'NewReplicaSetCreated: Created ReplicaSet app-<rev2> (revision 2)',
      'RolloutNotCompleted: Rollout not completed, started update to revision 2 (<rev2>)',
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev2> (revision 2) from 0 to 1',
      'ScalingReplicaSet: Scaled down ReplicaSet app-<rev1> (revision 1) from 2 to 1',
      'RolloutStepCompleted: Rollout step 1/2 completed (setWeight: 50)',
      'RolloutPaused: Rollout is paused (CanaryPauseStep)',
      'RolloutStepCompleted: Rollout step 2/2 completed (pause)',
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev2> (revision 2) from 1 to 2',
      'ScalingReplicaSet: Scaled down ReplicaSet app-<rev1> (revision 1) from 1 to 0',
      'RolloutCompleted: Rollout completed update to revision 2 (<rev2>): Completed all 2 canary steps',
    ]);
  });
  test('canary: an abort at the pause is reported once, then the revisions scale back', async () => {
    const world = await canaryPausedOnV2();
    const before = world.events.length;
    world.rollout.status = { ...world.rollout.status, abort: true };
    await settle(world);
    assert.deepEqual(named(world).slice(before), [
      'ScalingReplicaSet: Scaled up ReplicaSet app-<rev1> (revision 1) from 1 to 2',
      'RolloutAborted: Rollout aborted update to revision 2',
      'ScalingReplicaSet: Scaled down ReplicaSet app-<rev2> (revision 2) from 1 to 0',
    ]);
  });
});

describe('inArgoOrder', () => {
  const ev = (reason: string, message = '', stage?: RolloutEvent['stage']): RolloutEvent => ({ type: 'Normal', reason, message, ...(stage ? { stage } : {}) });

  test("puts a pass's events in the order of Argo's pass, keeping the decided order within a step", () => {
    const decided = [
      ev('RolloutPaused'),
      ev('RolloutCompleted', 'stable'),
      ev('SwitchService', 'active', 'activeService'),
      ev('ScalingReplicaSet', 'new up'),
      ev('AnalysisRunRunning'),
      ev('ScalingReplicaSet', 'old down'),
      ev('RolloutStepCompleted'),
      ev('RolloutNotCompleted'),
      ev('SwitchService', 'canary', 'canaryServices'),
      ev('SwitchService', 'preview', 'previewService'),
      ev('NewReplicaSetCreated'),
      ev('RolloutUpdated'),
    ];
    assert.deepEqual(inArgoOrder(decided).map((e) => `${e.reason}${e.message ? ` ${e.message}` : ''}`), [
      'RolloutUpdated',
      'NewReplicaSetCreated',
      'SwitchService preview',
      'RolloutNotCompleted',
      'SwitchService canary',
      'RolloutStepCompleted',
      'ScalingReplicaSet new up',
      'ScalingReplicaSet old down',
      'SwitchService active',
      'AnalysisRunRunning',
      'RolloutCompleted stable',
      'RolloutPaused',
    ]);
  });

  test('a first revision marked stable comes before the active Service switches to it', () => {
    const first = [ev('SwitchService', 'active', 'activeService'), rolloutCompletedEvent(1, 'abc', INITIAL_DEPLOY), ev('ScalingReplicaSet')];
    assert.deepEqual(inArgoOrder(first).map((e) => e.reason), ['ScalingReplicaSet', 'RolloutCompleted', 'SwitchService']);
  });
});
