import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAUSE_PATCH, promotePatches } from '../../../../client/actions/patches.ts';
import type { Rollout } from '../../../../controller/api/index.ts';
import { plan } from '../../../../controller/reconcile/plan.ts';
import type { Effect } from '../../../../controller/reconcile/types.ts';
import { PlanWorld } from '../support/world.ts';

/** The blue-green world: the Rollout, its ReplicaSets and the active and preview Services, changed only by effects. */
class World extends PlanWorld {
  constructor(spec: Record<string, unknown>) {
    super(spec, { services: ['app-active', 'app-preview'] });
  }
}

const spec = (blueGreen: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 3,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 30, ...blueGreen } },
});

function deployedV1(over: Record<string, unknown> = {}): { world: World; v1: string } {
  const world = new World(spec(over));
  world.settle();
  return { world, v1: world.rollout.status!.currentPodHash! };
}

/** v1 deployed, then v2 (created a second later) promoted and stable; v1 waits out its scale-down delay. */
function v2PromotedOverV1(spec: Record<string, unknown> = {}): { world: World; v1: string; v2: string } {
  const { world, v1 } = deployedV1();
  world.rollout.spec = { ...(world.rollout.spec as Record<string, unknown>), ...spec };
  world.now += 1_000;
  world.setImage('app:v2');
  world.settle(3);
  world.promote();
  world.settle(4);
  world.podsCatchUp();
  const v2 = world.rollout.status!.currentPodHash!;
  assert.equal(world.rollout.status?.stableRS, v2);
  return { world, v1, v2 };
}

describe('blue-green plan', () => {
  test('the first deploy creates the ReplicaSet empty, scales it to full size in the same pass (as Argo, with its event) and sends the active Service to it once available', () => {
    const world = new World(spec());
    const first = world.pass();
    assert.equal(first.effects[0]?.kind, 'createReplicaSet');
    const rs = (first.effects[0] as Extract<Effect, { kind: 'createReplicaSet' }>).replicaSet;
    assert.equal(rs.spec?.replicas, 0);
    assert.equal(rs.metadata?.annotations?.['rollout.argoproj.io/revision'], '1');
    assert.equal(world.rsByHash(world.rollout.status?.currentPodHash)?.spec?.replicas, 3);
    assert.ok(first.events.some((e) => e.reason === 'ScalingReplicaSet' && e.message.endsWith('from 0 to 3')));
    assert.equal(world.selector('app-active'), undefined, 'no traffic before pods are available');
    assert.equal(world.rollout.status?.phase, 'Progressing');

    world.podsCatchUp();
    const second = world.pass();
    const hash = world.rollout.status!.currentPodHash!;
    assert.equal(world.selector('app-active'), hash);
    assert.equal(world.rollout.status?.stableRS, hash);
    assert.equal(world.rollout.status?.blueGreen?.activeSelector, hash);
    assert.equal(second.state, 'healthy');
    world.podsCatchUp();
    world.pass();
    assert.equal(world.rollout.status?.phase, 'Healthy');
    assert.equal(world.rollout.status?.observedGeneration, '1');
  });

  test('an update scales the new revision behind the preview Service and pauses, the active Service stays on v1', () => {
    const { world, v1 } = deployedV1();
    world.setImage('app:v2');
    world.settle(3);
    const status = world.rollout.status!;
    assert.notEqual(status.currentPodHash, v1);
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.selector('app-preview'), status.currentPodHash);
    assert.deepEqual(status.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(status.controllerPause, true);
    assert.equal(status.phase, 'Paused');
    assert.equal(status.message, 'BlueGreenPause');
    assert.equal(status.stableRS, v1);
    assert.equal(world.rsByHash(status.currentPodHash)?.spec?.replicas, 3);
  });

  test('promoting a user-paused preview switches even when a pass runs between the status and the spec patch', () => {
    const { world } = deployedV1();
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    world.patch(PAUSE_PATCH);
    world.pass();
    // kubectl argo rollouts promote writes the status (pause conditions cleared) and then the spec
    // (paused: false); a pass can see the first without the second.
    const patches = promotePatches(world.rollout as unknown as Rollout);
    world.patch(patches.status!);
    world.pass();
    assert.equal(world.rollout.status?.pauseConditions, undefined, 'no pause is added while the user pause holds');
    world.patch(patches.spec!);
    world.settle(3);
    assert.equal(world.selector('app-active'), v2, 'the promotion switched the active Service');
    assert.equal(world.rollout.status?.stableRS, v2);
  });

  test('previewReplicaCount sizes the preview, and promotion scales it up before the switch', () => {
    const { world, v1 } = deployedV1({ previewReplicaCount: 1 });
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 1);
    world.rollout.status!.pauseConditions = undefined; // kubectl argo rollouts promote
    world.pass();
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 3);
    assert.equal(world.selector('app-active'), v1, 'no switch before the new revision is saturated');
    assert.equal(world.rollout.status?.blueGreen?.scaleUpPreviewCheckPoint, true);
    world.podsCatchUp();
    world.pass();
    assert.equal(world.selector('app-active'), v2);
  });

  test('promote switches the active selector to the new hash; the old ReplicaSet scales down after scaleDownDelaySeconds', () => {
    const { world, v1 } = deployedV1();
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    world.rollout.status!.pauseConditions = undefined;
    const promoted = world.pass();
    assert.equal(world.selector('app-active'), v2);
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(world.rollout.status?.controllerPause, undefined);
    assert.ok(promoted.events.some((e) => e.reason === 'SwitchService'));
    const old = world.rsByHash(v1)!;
    assert.equal(old.spec?.replicas, 3, 'the old revision stays up during the delay');
    assert.equal(old.metadata?.annotations?.['scale-down-deadline'], '2026-01-01T00:00:30Z');
    assert.equal(promoted.requeueAfterMs, 30_000);

    world.podsCatchUp();
    world.now += 31_000;
    world.pass();
    assert.equal(world.rsByHash(v1)?.spec?.replicas, 0);
    world.podsCatchUp();
    world.pass();
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });

  test('promote --full finishes the update past the pause, with previewReplicaCount too, and is cleared once stable', () => {
    const { world, v1 } = deployedV1({ previewReplicaCount: 1 });
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    assert.equal(world.rollout.status?.phase, 'Paused');
    world.promote(true);
    world.settle(4);
    const status = world.rollout.status!;
    assert.equal(world.selector('app-active'), v2);
    assert.equal(status.stableRS, v2);
    assert.equal(status.promoteFull, undefined, 'promoteFull is cleared once the revision is stable');
    assert.equal(status.pauseConditions, undefined);
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 3);
    assert.notEqual(v2, v1);

    // The next update pauses again: an earlier promote --full does not carry over.
    world.setImage('app:v3');
    world.settle(3);
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(world.selector('app-active'), v2);
  });

  test('promote --full after an abort clears the abort and promotes', () => {
    const { world } = deployedV1();
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    world.rollout.status!.abort = true; // kubectl argo rollouts abort
    world.settle(2);
    assert.equal(world.rollout.status?.phase, 'Degraded');
    world.promote(true);
    world.settle(4);
    assert.equal(world.rollout.status?.abort, undefined);
    assert.equal(world.selector('app-active'), v2);
    assert.equal(world.rollout.status?.stableRS, v2);
  });

  test('a rollback to a revision still inside its scale-down delay goes straight to Healthy (fast rollback); after the delay it pauses as any update', () => {
    for (const [waitMs, fast] of [[10_000, true], [31_000, false]] as const) {
      const { world, v1, v2 } = v2PromotedOverV1();
      assert.equal(world.rsByHash(v1)?.spec?.replicas, 3, 'v1 waits out scaleDownDelaySeconds');
      world.now += waitMs;
      world.pass();
      world.podsCatchUp();
      world.setImage('app:v1');
      const events = [1, 2, 3, 4].flatMap(() => world.pass().events);
      world.podsCatchUp();
      world.settle(2);
      assert.equal(world.rollout.status?.currentPodHash, v1);
      if (fast) {
        assert.equal(world.rollout.status?.pauseConditions, undefined);
        assert.equal(world.selector('app-active'), v1);
        assert.equal(world.rollout.status?.stableRS, v1);
        assert.equal(world.rollout.status?.phase, 'Healthy');
        assert.ok(events.some((e) => e.reason === 'RolloutCompleted' && e.message.endsWith('Fast rollback')), JSON.stringify(events));
      } else {
        assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
        assert.equal(world.selector('app-active'), v2);
      }
    }
  });

  test('a rollback to a revision within rollbackWindow skips the pause; outside the window it pauses as any update', () => {
    for (const [revisions, paused] of [[2, false], [0, true]] as const) {
      const { world, v1, v2 } = v2PromotedOverV1({ rollbackWindow: { revisions } });
      world.now += 31_000; // past v1's scaleDownDelaySeconds: no fast rollback by the delay
      world.pass();
      world.podsCatchUp();
      world.setImage('app:v1'); // back to the first revision, whose ReplicaSet is still there
      const events = [1, 2].flatMap(() => world.pass().events);
      world.podsCatchUp(); // v1 scales up again
      events.push(...[1, 2, 3].flatMap(() => world.pass().events));
      assert.equal(world.rollout.status?.currentPodHash, v1);
      if (paused) {
        assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause'], `revisions ${revisions}`);
        assert.equal(world.selector('app-active'), v2);
      } else {
        assert.equal(world.rollout.status?.pauseConditions, undefined, `revisions ${revisions}`);
        assert.equal(world.selector('app-active'), v1);
        assert.equal(world.rollout.status?.stableRS, v1);
        assert.ok(events.some((e) => e.reason === 'RolloutCompleted' && e.message.endsWith('Rollback within window')), JSON.stringify(events));
      }
    }
  });

  test('autoPromotionSeconds with autoPromotionEnabled unset pauses, then promotes by itself once the time has passed', () => {
    const { world, v1 } = deployedV1({ autoPromotionEnabled: undefined, autoPromotionSeconds: 20 });
    world.setImage('app:v2');
    const paused = world.settle(3);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.deepEqual(world.rollout.status?.pauseConditions?.map((p) => p.reason), ['BlueGreenPause']);
    assert.equal(world.selector('app-active'), v1);
    assert.equal(paused.requeueAfterMs, 20_000);
    world.now += 20_000;
    world.settle(3);
    assert.equal(world.selector('app-active'), world.rollout.status?.currentPodHash);
    assert.equal(world.rollout.status?.pauseConditions, undefined);
    assert.equal(world.rollout.status?.stableRS, world.rollout.status?.currentPodHash);
  });

  test('changing the strategy to canary gives the active and preview Services back: they select all the pods again', () => {
    const { world } = deployedV1();
    world.setImage('app:v2');
    world.settle(3);
    assert.ok(world.selector('app-active') && world.selector('app-preview'));
    (world.rollout.spec as Record<string, unknown>).strategy = { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } };
    const changed = world.pass();
    assert.deepEqual(changed.effects.filter((e) => e.kind === 'releaseService').map((e) => (e as { service: string }).service).sort(), ['app-active', 'app-preview']);
    for (const name of ['app-active', 'app-preview']) {
      const svc = world.services.get(name)!;
      assert.deepEqual(svc.spec?.selector, { app: 'app' }, name);
      assert.equal(svc.metadata?.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], undefined, name);
    }
    assert.ok(!world.pass().effects.some((e) => e.kind === 'releaseService'), 'released once');
  });

  test('a Service the strategy still names is kept, one managed by another Rollout is left alone', () => {
    const { world } = deployedV1();
    world.services.set('other', { metadata: { name: 'other', namespace: 'ns', annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'other' } }, spec: { selector: { app: 'other', 'rollouts-pod-template-hash': 'abc' } } });
    (world.rollout.spec as Record<string, unknown>).strategy = { canary: { stableService: 'app-active', canaryService: 'app-preview', steps: [{ setWeight: 50 }] } };
    const next = world.pass();
    assert.ok(!next.effects.some((e) => e.kind === 'releaseService'), JSON.stringify(next.effects));
    assert.equal(world.services.get('other')?.spec?.selector?.['rollouts-pod-template-hash'], 'abc');
  });

  test('autoPromotionSeconds does not end the pause while autoPromotionEnabled is false', () => {
    const { world, v1 } = deployedV1({ autoPromotionSeconds: 20 });
    world.setImage('app:v2');
    const paused = world.settle(3);
    assert.equal(paused.requeueAfterMs, undefined);
    world.now += 60_000;
    world.settle(3);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.equal(world.selector('app-active'), v1);
  });

  test('abort keeps v1 active, points the preview back at v1 and scales v2 down after abortScaleDownDelaySeconds', () => {
    const { world, v1 } = deployedV1({ abortScaleDownDelaySeconds: 10 });
    world.setImage('app:v2');
    world.settle(3);
    const v2 = world.rollout.status!.currentPodHash!;
    world.rollout.status!.abort = true; // kubectl argo rollouts abort
    world.pass();
    const status = world.rollout.status!;
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.selector('app-preview'), v1);
    assert.equal(status.phase, 'Degraded');
    assert.match(status.message ?? '', /^RolloutAborted: Rollout aborted update to revision 2/);
    assert.ok(status.abortedAt);
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 3, 'kept during abortScaleDownDelaySeconds');
    world.now += 11_000;
    world.pass();
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 0);
  });

  test('retry after abort clears the abort and pauses again before promotion', () => {
    const { world } = deployedV1({ abortScaleDownDelaySeconds: 0 });
    world.setImage('app:v2');
    world.settle(3);
    world.rollout.status!.abort = true;
    world.settle(2);
    world.rollout.status!.abort = false; // kubectl argo rollouts retry
    world.settle(3);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.equal(world.rollout.status?.abort, undefined);
  });

  test('a passes repeated without changes write nothing', () => {
    const { world } = deployedV1();
    world.podsCatchUp();
    const again = plan(world.observed());
    assert.deepEqual(again.effects, []);
    assert.deepEqual(again.status, world.rollout.status);
  });

  test('the same template keeps the same hash and ReplicaSet across passes (restart safety)', () => {
    const { world, v1 } = deployedV1();
    const replayed = plan(world.observed());
    assert.equal(replayed.status.currentPodHash, v1);
    assert.ok(!replayed.effects.some((e) => e.kind === 'createReplicaSet'));
  });
});

describe('invalid blue-green specs', () => {
  test('activeService equal to previewService is InvalidSpec naming the field', () => {
    const world = new World(spec({ previewService: 'app-active' }));
    const p = world.pass();
    assert.deepEqual(p.effects, []);
    const cond = world.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.equal(cond?.status, 'True');
    assert.match(cond?.message ?? '', /spec\.strategy\.blueGreen\.(activeService|previewService)/);
    assert.equal(world.rollout.status?.phase, 'Degraded');
  });

  test('a missing active Service is InvalidSpec naming activeService', () => {
    const world = new World(spec({ activeService: 'nope' }));
    world.pass();
    const cond = world.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.equal(cond?.message, 'The Rollout "app" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "nope": service "nope" not found');
  });

  test('a Service that does not select the Rollout’s pods, or is managed by another Rollout, is InvalidSpec as in Argo, before any ReplicaSet', () => {
    const unmatched = new World(spec());
    unmatched.services.get('app-preview')!.spec!.selector = { app: 'other' };
    const first = unmatched.pass();
    assert.equal(
      unmatched.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message,
      'The Rollout "app" is invalid: spec.strategy.blueGreen.previewService: Invalid value: "app-preview": Service "app-preview" has unmatch label "app" in rollout',
    );
    assert.deepEqual(first.effects.filter((e) => e.kind === 'createReplicaSet'), []);

    const taken = new World(spec());
    taken.services.get('app-active')!.metadata!.annotations = { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'someone-else' };
    taken.pass();
    assert.equal(
      taken.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message,
      'The Rollout "app" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "app-active": Service "app-active" is managed by another Rollout',
    );
  });

  test('fixing the spec removes InvalidSpec and deploys', () => {
    const world = new World(spec({ activeService: 'nope' }));
    world.pass();
    (world.rollout.spec as { strategy: { blueGreen: { activeService: string } } }).strategy.blueGreen.activeService = 'app-active';
    world.settle(3);
    assert.equal(world.rollout.status?.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    assert.equal(world.rollout.status?.phase, 'Healthy');
  });
});

describe('progress deadline', () => {
  /** v1 deployed, then v2 whose pods never become available. */
  function stuckV2(over: Record<string, unknown>): { world: World; v1: string; v2: string } {
    const world = new World({ ...spec({ abortScaleDownDelaySeconds: 0 }), progressDeadlineSeconds: 10, ...over });
    world.settle();
    const v1 = world.rollout.status!.currentPodHash!;
    world.setImage('app:v2');
    world.pass();
    return { world, v1, v2: world.rollout.status!.currentPodHash! };
  }

  test('progressDeadlineAbort aborts a new ReplicaSet that is not available within progressDeadlineSeconds', () => {
    const { world, v1, v2 } = stuckV2({ progressDeadlineAbort: true });
    const waiting = world.pass();
    assert.equal(waiting.status.abort, undefined);
    assert.ok(waiting.requeueAfterMs !== undefined && waiting.requeueAfterMs <= 11_000, `a progress check is queued (${waiting.requeueAfterMs})`);

    world.now += 11_000;
    const timedOut = world.pass();
    const status = world.rollout.status!;
    const message = `ReplicaSet "app-${v2}" has timed out progressing.`;
    assert.equal(status.abort, true);
    assert.equal(status.abortedAt, '2026-01-01T00:00:11Z');
    assert.equal(status.phase, 'Degraded');
    assert.equal(status.message, `ProgressDeadlineExceeded: ${message}`);
    assert.deepEqual(timedOut.events.filter((e) => e.reason === 'RolloutAborted'), [{ type: 'Warning', reason: 'RolloutAborted', message }]);

    // The next pass acts on the abort as on a user's: v1 keeps serving, v2 scales down.
    world.pass();
    const aborted = world.rollout.status!;
    assert.equal(aborted.abort, true);
    assert.match(aborted.message ?? '', /^RolloutAborted: Rollout aborted update to revision 2/);
    assert.equal(world.selector('app-active'), v1);
    assert.equal(world.selector('app-preview'), v1);
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 0);
    assert.equal(world.rsByHash(v1)?.spec?.replicas, 3);
    const again = world.pass();
    assert.equal(again.status.abort, true, 'the abort holds');
    assert.deepEqual(again.effects, []);
  });

  test('without progressDeadlineAbort the rollout is Degraded but not aborted', () => {
    const { world, v2 } = stuckV2({});
    world.now += 11_000;
    const timedOut = world.pass();
    assert.equal(world.rollout.status?.abort, undefined);
    assert.equal(world.rollout.status?.phase, 'Degraded');
    assert.equal(world.rollout.status?.message, `ProgressDeadlineExceeded: ReplicaSet "app-${v2}" has timed out progressing.`);
    assert.ok(!timedOut.events.some((e) => e.reason === 'RolloutAborted'));
    assert.equal(world.rsByHash(v2)?.spec?.replicas, 3, 'the new ReplicaSet keeps trying');
  });

  test('setting progressDeadlineAbort after the deadline passed aborts at once', () => {
    const { world } = stuckV2({});
    world.now += 11_000;
    world.pass();
    (world.rollout.spec as Record<string, unknown>).progressDeadlineAbort = true;
    world.pass();
    assert.equal(world.rollout.status?.abort, true);
  });

  test('a retried rollout does not abort again at once because of the old deadline', () => {
    const { world } = stuckV2({ progressDeadlineAbort: true });
    world.now += 11_000;
    world.pass();
    world.pass();
    world.rollout.status!.abort = false; // kubectl argo rollouts retry
    world.now += 1_000;
    world.pass();
    assert.equal(world.rollout.status?.abort, undefined);
    assert.notEqual(world.rollout.status?.phase, 'Degraded');
  });
});
