import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutCondition, RolloutSpec, RolloutStatus } from '../../../../controller/api/index.ts';
import { MESSAGES, REASONS } from '../../../../controller/reconcile/shared/messages.ts';
import { calculateRolloutConditions, pausedConditionUpdates } from '../../../../controller/reconcile/shared/rollout-conditions.ts';
import { getCondition, newCondition, progressCheckAfterMs, progressDeadlineExceeded, removeCondition, replicaFailureConditions, rolloutCompleted, rolloutHealthy, rolloutProgressing, setCondition } from '../../../../controller/reconcile/shared/conditions.ts';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T10:01:00Z');
const T2 = new Date('2024-05-01T10:02:00Z');
const at = (d: Date) => d.toISOString().replace('.000Z', 'Z');

function rollout(spec: Partial<RolloutSpec> = {}, status: RolloutStatus = {}, annotations?: Record<string, string>): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo', namespace: 'team', generation: 2, ...(annotations ? { annotations } : {}) },
    spec: { replicas: 3, strategy: { canary: {} }, ...spec },
    status: { observedGeneration: '2', ...status },
  };
}

function rs(name: string, hash: string, replicas: number, available: number): V1ReplicaSet {
  return {
    metadata: { name, labels: { 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.argoproj.io/desired-replicas': '3' } },
    spec: { replicas, selector: {} },
    status: { replicas, availableReplicas: available, readyReplicas: available },
  };
}

describe('messages', () => {
  it('render Argo’s format strings', () => {
    assert.equal(MESSAGES.newReplicaSet('demo-abc'), 'Created new replica set "demo-abc"');
    assert.equal(MESSAGES.foundNewRS('demo-abc'), 'Found new replica set "demo-abc"');
    assert.equal(MESSAGES.replicaSetProgressing('demo-abc'), 'ReplicaSet "demo-abc" is progressing.');
    assert.equal(MESSAGES.replicaSetCompleted('demo-abc'), 'ReplicaSet "demo-abc" has successfully progressed.');
    assert.equal(MESSAGES.replicaSetTimeOut('demo-abc'), 'ReplicaSet "demo-abc" has timed out progressing.');
    assert.equal(MESSAGES.rolloutTimeOut('demo'), 'Rollout "demo" has timed out progressing.');
    assert.equal(MESSAGES.rolloutAborted(3), 'Rollout aborted update to revision 3');
    assert.equal(MESSAGES.rolloutCompleted(3, 'abc', 'Completed all 2 canary steps'), 'Rollout completed update to revision 3 (abc): Completed all 2 canary steps');
    assert.equal(MESSAGES.scalingReplicaSet('up', 'demo-abc', 2, 0, 3), 'Scaled up ReplicaSet demo-abc (revision 2) from 0 to 3');
    assert.equal(MESSAGES.rolloutAnalysisRunFailed('demo-abc-1', 'demo'), `AnalysisRun 'demo-abc-1' owned by the Rollout '"demo"' failed.`);
    assert.equal(REASONS.TimedOut, 'ProgressDeadlineExceeded');
    assert.equal(REASONS.Available, 'AvailableReason');
    assert.equal(REASONS.NewRSAvailable, 'NewReplicaSetAvailable');
  });
});

describe('setCondition', () => {
  const progressing = (reason: string, status: RolloutCondition['status'], now: Date, message = 'm') => newCondition('Progressing', status, reason, message, now);

  it('adds a condition with both times at now', () => {
    const { conditions, changed } = setCondition(undefined, progressing('ReplicaSetUpdated', 'True', T0));
    assert.equal(changed, true);
    assert.deepEqual(conditions, [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'm', lastUpdateTime: at(T0), lastTransitionTime: at(T0) }]);
  });

  it('changes nothing for the same status and reason, not even the message', () => {
    const start = setCondition(undefined, progressing('ReplicaSetUpdated', 'True', T0)).conditions;
    const { conditions, changed } = setCondition(start, progressing('ReplicaSetUpdated', 'True', T1, 'other'));
    assert.equal(changed, false);
    assert.deepEqual(conditions, start);
  });

  it('keeps lastTransitionTime when only the reason changes', () => {
    const start = setCondition(undefined, progressing('ReplicaSetUpdated', 'True', T0)).conditions;
    const [next] = setCondition(start, progressing('NewReplicaSetAvailable', 'True', T1)).conditions;
    assert.equal(next?.lastTransitionTime, at(T0));
    assert.equal(next?.lastUpdateTime, at(T1));
    assert.equal(next?.reason, 'NewReplicaSetAvailable');
  });

  it('moves the transition time when the status changes, and puts the condition last', () => {
    const start = [
      ...setCondition(undefined, progressing('ReplicaSetUpdated', 'True', T0)).conditions,
      newCondition('Available', 'True', 'AvailableReason', 'ok', T0),
    ];
    const { conditions } = setCondition(start, progressing('ProgressDeadlineExceeded', 'False', T1));
    assert.deepEqual(conditions.map((c) => c.type), ['Available', 'Progressing']);
    assert.equal(getCondition(conditions, 'Progressing')?.lastTransitionTime, at(T1));
  });

  it('removes and gets by type', () => {
    const start = [newCondition('Available', 'True', 'AvailableReason', 'ok', T0), newCondition('Paused', 'False', 'RolloutPaused', 'p', T0)];
    assert.deepEqual(removeCondition(start, 'Available').map((c) => c.type), ['Paused']);
    assert.equal(getCondition(start, 'Healthy'), undefined);
  });
});

describe('progressDeadlineExceeded', () => {
  const ro = rollout({ progressDeadlineSeconds: 60 });
  const cases: [string, RolloutCondition | undefined, Date, boolean][] = [
    ['no Progressing condition', undefined, T2, false],
    ['an aborted rollout, however old', newCondition('Progressing', 'False', REASONS.RolloutAborted, 'x', T0), T2, false],
    ['already timed out', newCondition('Progressing', 'False', REASONS.TimedOut, 'x', T2), T2, true],
    ['progress exactly at the deadline', newCondition('Progressing', 'True', REASONS.ReplicaSetUpdated, 'x', T0), T1, false],
    ['no progress past the deadline', newCondition('Progressing', 'True', REASONS.ReplicaSetUpdated, 'x', T0), new Date(T1.getTime() + 1), true],
  ];
  for (const [what, condition, now, expected] of cases) {
    it(`${what} → ${expected}`, () => assert.equal(progressDeadlineExceeded(ro, condition, now), expected));
  }

  it('defaults the deadline to 600 seconds', () => {
    const condition = newCondition('Progressing', 'True', REASONS.ReplicaSetUpdated, 'x', T0);
    assert.equal(progressDeadlineExceeded(rollout(), condition, new Date(T0.getTime() + 599_000)), false);
    assert.equal(progressDeadlineExceeded(rollout(), condition, new Date(T0.getTime() + 601_000)), true);
  });
});

describe('rolloutHealthy', () => {
  const done: RolloutStatus = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'a', currentStepIndex: 2 };
  const canary = rollout({ strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });

  it('holds for a canary with all steps run, current stable and old pods gone', () => {
    assert.equal(rolloutHealthy(canary, done), true);
    assert.equal(rolloutHealthy(canary, { ...done, currentStepIndex: 1 }), false);
    assert.equal(rolloutHealthy(canary, { ...done, stableRS: 'b' }), false);
    assert.equal(rolloutHealthy(canary, { ...done, replicas: 4 }), false);
    assert.equal(rolloutHealthy(canary, { ...done, availableReplicas: 2 }), false);
  });

  it('needs the spec generation observed', () => {
    assert.equal(rolloutHealthy({ ...canary, metadata: { ...canary.metadata, generation: 3 } }, done), false);
  });

  it('holds for blue-green once both services select the current hash', () => {
    const bg = rollout({ strategy: { blueGreen: { activeService: 'active', previewService: 'preview' } } });
    const status: RolloutStatus = { ...done, blueGreen: { activeSelector: 'a', previewSelector: 'a' } };
    assert.equal(rolloutHealthy(bg, status), true);
    assert.equal(rolloutHealthy(bg, { ...status, blueGreen: { activeSelector: 'a', previewSelector: 'b' } }), false);
  });
});

describe('rolloutProgressing', () => {
  const old: RolloutStatus = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, stableRS: 's', currentStepIndex: 0, currentStepHash: 'h' };
  const ro = rollout({}, old);
  const cases: [string, RolloutStatus, boolean][] = [
    ['nothing moved', old, false],
    ['more pods updated', { ...old, updatedReplicas: 2 }, true],
    ['old pods went away', { ...old, replicas: 3 }, true],
    ['more pods ready', { ...old, readyReplicas: 4 }, true],
    ['more pods available', { ...old, availableReplicas: 4 }, true],
    ['fewer pods available', { ...old, availableReplicas: 2 }, false],
    ['the step moved', { ...old, currentStepIndex: 1 }, true],
    ['the steps changed', { ...old, currentStepHash: 'g' }, true],
    ['the stable changed', { ...old, stableRS: 't' }, true],
  ];
  for (const [what, status, expected] of cases) {
    it(`${what} → ${expected}`, () => assert.equal(rolloutProgressing(ro, status), expected));
  }

  it('counts a blue-green selector switch as progress', () => {
    const bg = rollout({ strategy: { blueGreen: { activeService: 'active' } } }, { blueGreen: { activeSelector: 'a' } });
    assert.equal(rolloutProgressing(bg, { blueGreen: { activeSelector: 'b' } }), true);
  });
});

describe('rolloutCompleted', () => {
  it('holds once the current hash is stable', () => {
    assert.equal(rolloutCompleted({ stableRS: 'a', currentPodHash: 'a' }), true);
    assert.equal(rolloutCompleted({ stableRS: 'a', currentPodHash: 'b' }), false);
    assert.equal(rolloutCompleted({}), false);
  });
});

describe('pausedConditionUpdates', () => {
  it('marks a newly paused rollout Paused and its progress Unknown', () => {
    const ro = rollout({}, { pauseConditions: [{ reason: 'CanaryPauseStep', startTime: at(T0) }] });
    assert.deepEqual(pausedConditionUpdates(ro, T1), [
      newCondition('Progressing', 'Unknown', 'RolloutPaused', 'Rollout is paused', T1),
      newCondition('Paused', 'True', 'RolloutPaused', 'Rollout is paused', T1),
    ]);
  });

  it('marks a resumed rollout', () => {
    const ro = rollout({}, {
      conditions: [newCondition('Progressing', 'Unknown', 'RolloutPaused', 'Rollout is paused', T0), newCondition('Paused', 'True', 'RolloutPaused', 'Rollout is paused', T0)],
    });
    assert.deepEqual(pausedConditionUpdates(ro, T1), [
      newCondition('Progressing', 'Unknown', 'RolloutResumed', 'Rollout is resumed', T1),
      newCondition('Paused', 'False', 'RolloutPaused', 'Rollout is paused', T1),
    ]);
  });

  it('marks a retry once the abort is cleared, and nothing else while the abort condition stands', () => {
    const aborted = [newCondition('Progressing', 'False', 'RolloutAborted', 'Rollout aborted update to revision 2', T0)];
    assert.deepEqual(pausedConditionUpdates(rollout({ paused: true }, { abort: true, conditions: aborted }), T1), []);
    assert.deepEqual(pausedConditionUpdates(rollout({}, { conditions: aborted }), T1), [newCondition('Progressing', 'Unknown', 'RolloutRetry', 'Retrying Rollout after abort', T1)]);
  });

  it('changes nothing when the conditions already agree', () => {
    assert.deepEqual(pausedConditionUpdates(rollout(), T1), []);
  });
});

describe('replicaFailureConditions', () => {
  const failing = (name: string, message: string): V1ReplicaSet => ({
    ...rs(name, name, 1, 0),
    status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message, lastTransitionTime: T0 }] },
  });

  it('prefers the new ReplicaSet’s failures', () => {
    const newRS = failing('new', 'quota exceeded');
    assert.deepEqual(replicaFailureConditions([failing('old', 'other'), newRS], newRS), [
      { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota exceeded', lastTransitionTime: at(T0), lastUpdateTime: at(T0) },
    ]);
    assert.equal(replicaFailureConditions([failing('old', 'other')], rs('new', 'new', 1, 1))[0]?.message, 'other');
  });
});

describe('calculateRolloutConditions', () => {
  const steps = { canary: { steps: [{ setWeight: 50 }, { pause: { duration: 10 } }] } };

  it('marks a finished canary Healthy, progressed, available and completed', () => {
    const ro = rollout({ strategy: steps }, {}, { 'rollout.argoproj.io/revision': '2' });
    const newRS = rs('demo-a', 'a', 3, 3);
    const newStatus: RolloutStatus = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'a', currentStepIndex: 2 };
    const { status, events, abort } = calculateRolloutConditions({ rollout: ro, newStatus, allRSs: [newRS], newRS, aborted: false, now: T0 });
    assert.deepEqual(status.conditions, [
      newCondition('Healthy', 'True', 'RolloutHealthy', 'Rollout is healthy', T0),
      newCondition('Progressing', 'True', 'NewReplicaSetAvailable', 'ReplicaSet "demo-a" has successfully progressed.', T0),
      newCondition('Available', 'True', 'AvailableReason', 'Rollout has minimum availability', T0),
      newCondition('Completed', 'True', 'RolloutCompleted', 'RolloutCompleted', T0),
    ]);
    assert.deepEqual(events, []);
    assert.equal(abort, undefined);
  });

  it('refreshes lastUpdateTime on progress but keeps the transition time', () => {
    const previous = [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'ReplicaSet "demo-b" is progressing.', T0)];
    const ro = rollout({ strategy: steps }, { replicas: 4, updatedReplicas: 1, availableReplicas: 3, stableRS: 'a', currentPodHash: 'b', conditions: previous }, { 'rollout.argoproj.io/revision': '3' });
    const newRS = rs('demo-b', 'b', 2, 1);
    const newStatus: RolloutStatus = { replicas: 4, updatedReplicas: 2, availableReplicas: 3, stableRS: 'a', currentPodHash: 'b', currentStepIndex: 0, conditions: previous };
    const { status, events } = calculateRolloutConditions({ rollout: ro, newStatus, allRSs: [rs('demo-a', 'a', 2, 1), newRS], newRS, aborted: false, now: T1 });
    const progressing = getCondition(status.conditions, 'Progressing');
    assert.equal(progressing?.lastTransitionTime, at(T0));
    assert.equal(progressing?.lastUpdateTime, at(T1));
    assert.equal(progressing?.reason, 'ReplicaSetUpdated');
    assert.equal(getCondition(status.conditions, 'Available')?.status, 'False');
    assert.deepEqual(getCondition(status.conditions, 'Completed'), newCondition('Completed', 'False', 'RolloutCompleted', 'RolloutCompleted', T1));
    assert.deepEqual(events, [{ type: 'Normal', reason: 'RolloutNotCompleted', message: 'Rollout not completed, started update to revision 3 (b)' }]);
  });

  it('times out without progress, and aborts when progressDeadlineAbort is set', () => {
    const previous = [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'ReplicaSet "demo-b" is progressing.', T0)];
    const old: RolloutStatus = { replicas: 4, updatedReplicas: 1, availableReplicas: 3, stableRS: 'a', currentPodHash: 'b', currentStepIndex: 0, conditions: previous };
    const ro = rollout({ strategy: steps, progressDeadlineSeconds: 30, progressDeadlineAbort: true }, old);
    const newRS = rs('demo-b', 'b', 1, 0);
    const { status, abort, events } = calculateRolloutConditions({ rollout: ro, newStatus: { ...old }, allRSs: [newRS], newRS, aborted: false, now: T1 });
    assert.deepEqual(getCondition(status.conditions, 'Progressing'), newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "demo-b" has timed out progressing.', T1));
    assert.equal(abort, 'ReplicaSet "demo-b" has timed out progressing.');
    assert.deepEqual(events[0], { type: 'Warning', reason: 'RolloutAborted', message: 'ReplicaSet "demo-b" has timed out progressing.' });
  });

  it('does not time out at a pause, analysis or experiment step', () => {
    const previous = [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', T0)];
    const old: RolloutStatus = { replicas: 3, updatedReplicas: 1, stableRS: 'a', currentPodHash: 'b', currentStepIndex: 1, conditions: previous };
    const ro = rollout({ strategy: steps, progressDeadlineSeconds: 30 }, old);
    const { status } = calculateRolloutConditions({ rollout: ro, newStatus: { ...old }, allRSs: [], newRS: undefined, aborted: false, now: T2 });
    assert.equal(getCondition(status.conditions, 'Progressing')?.reason, 'ReplicaSetUpdated');
  });

  it('records an abort with the revision and the reason, once', () => {
    const ro = rollout({ strategy: steps }, { stableRS: 'a', currentPodHash: 'b', abort: true }, { 'rollout.argoproj.io/revision': '4' });
    const input = { rollout: ro, newStatus: { stableRS: 'a', currentPodHash: 'b' }, allRSs: [], newRS: undefined, aborted: true, abortMessage: 'Metric "error-rate" assessed Failed', now: T1 };
    const first = calculateRolloutConditions(input);
    const message = 'Rollout aborted update to revision 4: Metric "error-rate" assessed Failed';
    assert.deepEqual(getCondition(first.status.conditions, 'Progressing'), newCondition('Progressing', 'False', 'RolloutAborted', message, T1));
    assert.deepEqual(first.events[0], { type: 'Warning', reason: 'RolloutAborted', message });
    const second = calculateRolloutConditions({ ...input, newStatus: first.status, now: T2 });
    assert.equal(second.events.some((e) => e.reason === 'RolloutAborted'), false);
  });

  it('turns a healthy rollout that lost pods back to progressing rather than timing out', () => {
    const previous = [
      newCondition('Healthy', 'True', 'RolloutHealthy', 'Rollout is healthy', T0),
      newCondition('Progressing', 'True', 'NewReplicaSetAvailable', 'ReplicaSet "demo-a" has successfully progressed.', T0),
    ];
    const old: RolloutStatus = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'a', conditions: previous };
    const ro = rollout({}, old);
    const newRS = rs('demo-a', 'a', 3, 2);
    const { status } = calculateRolloutConditions({ rollout: ro, newStatus: { ...old, availableReplicas: 2 }, allRSs: [newRS], newRS, aborted: false, now: T1 });
    assert.deepEqual(getCondition(status.conditions, 'Healthy'), { ...newCondition('Healthy', 'False', 'RolloutHealthy', 'Rollout is not healthy', T1) });
    assert.deepEqual(getCondition(status.conditions, 'Progressing'), {
      ...newCondition('Progressing', 'True', 'ReplicaSetNotAvailable', 'Rollout does not have minimum availability', T1),
      lastTransitionTime: at(T0),
    });
  });

  it('carries a ReplicaSet failure and removes it once gone', () => {
    const failing: V1ReplicaSet = { ...rs('demo-a', 'a', 3, 0), status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: T0 }] } };
    const ro = rollout();
    const first = calculateRolloutConditions({ rollout: ro, newStatus: {}, allRSs: [failing], newRS: failing, aborted: false, now: T1 });
    assert.equal(getCondition(first.status.conditions, 'ReplicaFailure')?.message, 'quota');
    const second = calculateRolloutConditions({ rollout: ro, newStatus: first.status, allRSs: [rs('demo-a', 'a', 3, 0)], newRS: undefined, aborted: false, now: T2 });
    assert.equal(getCondition(second.status.conditions, 'ReplicaFailure'), undefined);
  });

  it('measures blue-green availability on the saturated active ReplicaSet', () => {
    const ro = rollout({ strategy: { blueGreen: { activeService: 'active' } } });
    const active = rs('demo-a', 'a', 3, 3);
    const { status } = calculateRolloutConditions({ rollout: ro, newStatus: { blueGreen: { activeSelector: 'a' } }, allRSs: [active], newRS: active, aborted: false, now: T0 });
    assert.equal(getCondition(status.conditions, 'Available')?.status, 'True');
    const none = calculateRolloutConditions({ rollout: ro, newStatus: { blueGreen: { activeSelector: 'b' } }, allRSs: [active], newRS: active, aborted: false, now: T0 });
    assert.equal(getCondition(none.status.conditions, 'Available')?.status, 'False');
  });
});

describe('progressCheckAfterMs', () => {
  const progressing = [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', T0)];
  const status: RolloutStatus = { replicas: 2, updatedReplicas: 1, stableRS: 'a', currentPodHash: 'b', conditions: progressing };

  it('schedules the check a second after the deadline', () => {
    assert.equal(progressCheckAfterMs(rollout({ progressDeadlineSeconds: 120 }, status), status, T1), 61_000);
    assert.equal(progressCheckAfterMs(rollout({ progressDeadlineSeconds: 60 }, status), status, T1), 0);
  });

  it('does not schedule one while paused, aborted, timed out or without a Progressing condition', () => {
    assert.equal(progressCheckAfterMs(rollout({ paused: true }, status), status, T1), undefined);
    assert.equal(progressCheckAfterMs(rollout({}, { ...status, abort: true }), status, T1), undefined);
    assert.equal(progressCheckAfterMs(rollout({}, { ...status, conditions: [newCondition('Progressing', 'False', REASONS.TimedOut, 'x', T0)] }), status, T1), undefined);
    assert.equal(progressCheckAfterMs(rollout({}, { ...status, conditions: [] }), status, T1), undefined);
  });
});
