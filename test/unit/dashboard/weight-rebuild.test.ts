import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Rollout } from '../../../controller/api/index.ts';
import type { ReplicaSetLike } from '../../../client/info/types.ts';
import type { EventLike } from '../../../dashboard/server/model/events.ts';
import { mergeWeightHistory, rebuildWeightHistory } from '../../../dashboard/server/model/weight-rebuild.ts';
import type { WeightPoint } from '../../../dashboard/shared/api.ts';

/** The weight chart's past rebuilt from ReplicaSets and the controller's events. */

const UID = 'uid-checkout';
const T0 = Date.parse('2026-01-10T12:00:00Z');
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function rollout(trafficRouting?: Record<string, unknown>): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop', uid: UID },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      template: { metadata: { labels: { app: 'checkout' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '1m' } }], ...(trafficRouting ? { trafficRouting } : {}) } },
    },
  } as unknown as Rollout;
}

function rs(revision: number, seconds: number): ReplicaSetLike {
  return { metadata: { name: `checkout-r${revision}`, namespace: 'shop', creationTimestamp: at(seconds), annotations: { 'rollout.argoproj.io/revision': String(revision) } } };
}

function ev(reason: string, message: string, seconds: number, subject: Partial<NonNullable<EventLike['involvedObject']>> = {}): EventLike {
  return { reason, message, type: 'Normal', lastTimestamp: at(seconds), involvedObject: { kind: 'Rollout', name: 'checkout', namespace: 'shop', uid: UID, ...subject } };
}

const triples = (points: WeightPoint[]) => points.map((p) => [(Date.parse(p.time) - T0) / 1000, p.setWeight, p.actualWeight, p.stepIndex]);

describe('rebuilding the weight history', () => {
  test('a canary without traffic routing: the first revision at 100, the second walks its steps', () => {
    const events = [
      ev('RolloutUpdated', 'Rollout updated to revision 2', 100),
      ev('RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 20)', 110),
      ev('RolloutPaused', 'Rollout is paused (CanaryPauseStep)', 110),
      ev('RolloutStepCompleted', 'Rollout step 2/4 completed (pause)', 200),
      ev('RolloutStepCompleted', 'Rollout step 3/4 completed (setWeight: 50)', 215),
    ];
    assert.deepEqual(triples(rebuildWeightHistory(rollout(), [rs(1, 0), rs(2, 100)], events)), [
      [0, 100, 100, 4],
      [100, 20, 0, 0],
      [110, 20, 20, 1],
      [200, 50, 20, 2],
      [215, 50, 50, 3],
    ]);
  });

  test('with traffic routing the actual weight is the router\'s, from TrafficWeightUpdated', () => {
    const events = [
      ev('RolloutUpdated', 'Rollout updated to revision 2', 100),
      ev('TrafficWeightUpdated', 'Traffic weight updated from 0 to 20', 105),
      ev('RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 20)', 106),
      ev('RolloutStepCompleted', 'Rollout step 2/4 completed (pause)', 300),
      ev('TrafficWeightUpdated', 'Traffic weight updated from 20 to 50', 301),
      ev('RolloutStepCompleted', 'Rollout step 3/4 completed (setWeight: 50)', 302),
      ev('RolloutStepCompleted', 'Rollout step 4/4 completed (pause: 1m)', 362),
      ev('TrafficWeightUpdated', 'Traffic weight updated from 50 to 0', 363),
      ev('RolloutCompleted', 'Rollout completed update to revision 2 (abc): Completed all steps', 363),
    ];
    assert.deepEqual(triples(rebuildWeightHistory(rollout({ nginx: { stableIngress: 'checkout' } }), [rs(2, 100)], events)), [
      [100, 20, 0, 0],
      [105, 20, 20, 0],
      [106, 20, 20, 1],
      [300, 50, 20, 2],
      [301, 50, 50, 2],
      [302, 50, 50, 3],
      [362, 100, 50, 4],
      [363, 100, 0, 4],
      [363, 100, 100, 4],
    ]);
  });

  test('an abort drops both weights to 0', () => {
    const events = [ev('RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 20)', 110), ev('RolloutAborted', 'Rollout aborted update to revision 2', 150)];
    assert.deepEqual(triples(rebuildWeightHistory(rollout(), [rs(2, 100)], events)), [
      [100, 20, 0, 0],
      [110, 20, 20, 1],
      [150, 0, 0, 1],
    ]);
  });

  test('events about other objects, unknown messages and blue-green rollouts add nothing', () => {
    const events = [
      ev('RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 20)', 110, { uid: 'another-rollout' }),
      ev('RolloutStepCompleted', 'Rollout step 1/4 completed', 120, { kind: 'AnalysisRun' }),
      ev('TrafficWeightUpdated', 'Traffic weight updated ', 130),
      ev('ScalingReplicaSet', 'Scaled up ReplicaSet checkout-r2 (revision 2) from 0 to 1', 140),
    ];
    assert.deepEqual(triples(rebuildWeightHistory(rollout(), [rs(2, 100)], events)), [[100, 20, 0, 0]]);
    const blueGreen = { ...rollout(), spec: { ...rollout().spec, strategy: { blueGreen: { activeService: 'a' } } } } as unknown as Rollout;
    assert.deepEqual(rebuildWeightHistory(blueGreen, [rs(2, 100)], events), []);
  });
});

describe('a revision announced by an event', () => {
  test('starts at the event, not at its ReplicaSet\'s creation (a rollback reuses an old ReplicaSet)', () => {
    const events = [ev('RolloutUpdated', 'Rollout updated to revision 3', 500), ev('RolloutStepCompleted', 'Rollout step 1/4 completed (setWeight: 20)', 510)];
    assert.deepEqual(triples(rebuildWeightHistory(rollout(), [rs(1, 0), { ...rs(3, 100), metadata: { ...rs(3, 100).metadata, name: 'checkout-reused' } }], events)), [
      [0, 100, 100, 4],
      [500, 20, 0, 0],
      [510, 20, 20, 1],
    ]);
  });
});

describe('merging the rebuilt past with live points', () => {
  const point = (seconds: number, setWeight: number, actualWeight: number, stepIndex: number): WeightPoint => ({ time: at(seconds), setWeight, actualWeight, stepIndex });

  test('rebuilt points before the first live one, then the live ones; an equal live point continues the rebuilt one', () => {
    const rebuilt = [point(0, 100, 100, 4), point(100, 20, 0, 0), point(110, 20, 20, 1), point(500, 50, 50, 3)];
    const live = [point(300, 20, 20, 1), point(400, 50, 40, 2)];
    assert.deepEqual(mergeWeightHistory(rebuilt, live, 100), [point(0, 100, 100, 4), point(100, 20, 0, 0), point(110, 20, 20, 1), point(400, 50, 40, 2)]);
  });

  test('keeps the newest `limit` points; without live points the rebuilt past is the history', () => {
    const rebuilt = [point(0, 100, 100, 4), point(100, 20, 0, 0), point(110, 20, 20, 1)];
    assert.deepEqual(mergeWeightHistory(rebuilt, [], 2), rebuilt.slice(1));
  });
});
