import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRolloutInfo, revisions } from '../../../client/info/rollout-info.ts';
import { calculateRolloutPhase, rolloutPhase } from '../../../client/info/phase.ts';
import { currentSetWeight } from '../../../controller/reconcile/shared/current-step.ts';
import { newPodInfo } from '../../../client/info/pod-info.ts';
import { humanDuration } from '../../../client/info/duration.ts';
import type { Rollout } from '../../../controller/api/index.ts';
import { loadFixture } from '../../support/rollout-fixtures.ts';

describe('rollout view model', () => {
  it('marks the blue-green ReplicaSets stable, active and preview', () => {
    const info = newRolloutInfo(loadFixture('bluegreen-paused.yaml'));
    assert.equal(info.strategy, 'BlueGreen');
    assert.equal(info.status, 'Paused');
    assert.equal(info.message, 'BlueGreenPause');
    assert.deepEqual(
      info.replicaSets.map((rs) => [rs.revision, rs.stable, rs.active, rs.preview, rs.status, rs.pods.length]),
      [
        [11, false, false, true, 'Healthy', 3],
        [10, true, true, false, 'Healthy', 3],
        [8, false, false, false, 'ScaledDown', 0],
      ],
    );
    assert.deepEqual(info.images, [
      { image: 'argoproj/rollouts-demo:blue', tags: ['stable', 'active'] },
      { image: 'argoproj/rollouts-demo:green', tags: ['preview'] },
    ]);
    assert.deepEqual(revisions(info), [11, 10, 8]);
  });

  it('reports the canary step, the set weight and the weight the router reported', () => {
    const info = newRolloutInfo(loadFixture('canary-mid-step.yaml'));
    assert.equal(info.step, '3/5');
    assert.equal(info.setWeight, '50');
    assert.equal(info.actualWeight, '50');
    assert.equal(info.pauseDurationSeconds, 30);
    assert.equal(info.trafficRouter, 'nginx');
    assert.deepEqual(info.steps, ['setWeight: 20', 'pause', 'setWeight: 50', 'pause: 30s', 'analysis']);
    const [run] = info.analysisRuns;
    assert.equal(run?.status, 'Running');
    assert.equal(run?.successful, 4);
    assert.equal(run?.metrics[0]?.measurements.length, 4);
  });

  it('computes Degraded from the RolloutAborted condition when the controller wrote no phase', () => {
    const info = newRolloutInfo(loadFixture('canary-aborted.yaml'));
    assert.equal(info.status, 'Degraded');
    assert.equal(info.message, 'RolloutAborted: Rollout aborted update to revision 3');
    assert.equal(info.setWeight, '0');
    assert.equal(info.aborted, true);
    const pod = info.replicaSets[0]?.pods[0];
    assert.equal(pod?.status, 'CrashLoopBackOff');
    assert.equal(pod?.restarts, 7);
    assert.equal(pod?.ready, '0/1');
  });

  it('keeps the failed measurements of an analysis run', () => {
    const info = newRolloutInfo(loadFixture('analysis-failed.yaml'));
    const metric = info.analysisRuns[0]?.metrics[0];
    assert.equal(metric?.phase, 'Failed');
    assert.equal(metric?.failureLimit, '2');
    assert.deepEqual(metric?.measurements.map((m) => m.value), ['[0.91]', '[0.97]', '[0.88]', '[0.83]']);
    assert.equal(info.replicaSets[0]?.scaleDownDeadline, '2025-01-10T12:00:30Z');
  });

  it('ignores objects the rollout does not own', () => {
    const fixture = loadFixture('canary-mid-step.yaml');
    const foreign = structuredClone(fixture.replicaSets[0]!);
    foreign.metadata.ownerReferences = [{ uid: 'someone-else' }];
    foreign.metadata.name = 'other-rs';
    const info = newRolloutInfo({ ...fixture, replicaSets: [...fixture.replicaSets, foreign] });
    assert.equal(info.replicaSets.some((rs) => rs.name === 'other-rs'), false);
  });
});

function rollout(spec: Partial<Rollout['spec']>, status: Rollout['status'], generation = 1): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'r', namespace: 'n', generation },
    spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 60 }] } }, ...spec },
    status,
  };
}

describe('phase as Argo computes it', () => {
  const cases: [string, Rollout, string, string][] = [
    ['unobserved generation', rollout({}, { observedGeneration: '1', phase: 'Healthy' }, 2), 'Progressing', 'waiting for rollout spec update to be observed'],
    ['user cleared the pause', rollout({}, { observedGeneration: '1', controllerPause: true, phase: 'Paused' }), 'Progressing', 'waiting for rollout to unpause'],
    ['controller phase wins', rollout({}, { observedGeneration: '1', phase: 'Paused', message: 'CanaryPauseStep', pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'x' }] }), 'Paused', 'CanaryPauseStep'],
    ['manual pause', rollout({ paused: true }, {}), 'Paused', 'manually paused'],
    ['replicas still updating', rollout({ replicas: 3 }, { updatedReplicas: 1 }), 'Progressing', 'more replicas need to be updated'],
    [
      'canary not yet stable',
      rollout({ replicas: 1 }, { updatedReplicas: 1, availableReplicas: 1, replicas: 1, stableRS: 'a', currentPodHash: 'b' }),
      'Progressing',
      'waiting for all steps to complete',
    ],
    ['healthy', rollout({ replicas: 1 }, { updatedReplicas: 1, availableReplicas: 1, replicas: 1, stableRS: 'a', currentPodHash: 'a' }), 'Healthy', ''],
    [
      'progress deadline',
      rollout({}, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out', lastUpdateTime: '', lastTransitionTime: '' }] }),
      'Degraded',
      'ProgressDeadlineExceeded: timed out',
    ],
  ];
  for (const [name, ro, phase, message] of cases) {
    it(name, () => assert.deepEqual(rolloutPhase(ro), { phase, message }));
  }

  it('blue-green waits for the active service cutover', () => {
    const ro = rollout({ replicas: 1, strategy: { blueGreen: { activeService: 'a' } } }, { updatedReplicas: 1, availableReplicas: 1, currentPodHash: 'h', blueGreen: { activeSelector: 'old' } });
    assert.deepEqual(calculateRolloutPhase(ro.spec, ro.status ?? {}), { phase: 'Progressing', message: 'active service cutover pending' });
  });

  it('set weight is the last setWeight at or before the current step, 100 past the end', () => {
    assert.equal(currentSetWeight(rollout({}, { currentStepIndex: 1 })), 10);
    assert.equal(currentSetWeight(rollout({}, { currentStepIndex: 3 })), 100);
    assert.equal(currentSetWeight(rollout({}, { currentStepIndex: 2, abort: true })), 0);
  });
});

describe('pod status word', () => {
  const pod = (status: object, deletionTimestamp?: string) => ({
    metadata: { name: 'p', ...(deletionTimestamp ? { deletionTimestamp } : {}) },
    spec: { containers: [{ name: 'c' }], initContainers: [{ name: 'i' }] },
    status,
  });
  it('shows a failing init container', () => {
    const info = newPodInfo(pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 3 } } }] }));
    assert.equal(info.status, 'Init:ExitCode:3');
    assert.equal(info.icon, '◌');
  });
  it('shows a waiting init container as Init:0/1', () => {
    assert.equal(newPodInfo(pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { running: {} } }] })).status, 'Init:0/1');
  });
  it('shows Terminating for a pod being deleted', () => {
    assert.equal(newPodInfo(pod({ phase: 'Running' }, '2025-01-01T00:00:00Z')).status, 'Terminating');
  });
  it('shows ErrImagePull with a warning icon', () => {
    const info = newPodInfo(pod({ phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }] }));
    assert.deepEqual([info.status, info.icon, info.message], ['ErrImagePull', '⚠', 'not found']);
  });
});

describe('human durations as kubectl prints them', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [0, '0s'],
    [119 * s, '119s'],
    [5 * 60 * s + 3 * s, '5m3s'],
    [90 * 60 * s, '90m'],
    [(3 * 60 + 59) * 60 * s, '3h59m'],
    [30 * 3600 * s, '30h'],
    [7 * 24 * 3600 * s, '7d'],
    [(3 * 24 + 5) * 3600 * s, '3d5h'],
    [400 * 24 * 3600 * s, '400d'],
    [(3 * 365 + 10) * 24 * 3600 * s, '3y10d'],
  ];
  for (const [ms, text] of cases) it(`${ms}ms is ${text}`, () => assert.equal(humanDuration(ms), text));
});
