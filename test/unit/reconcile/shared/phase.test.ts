import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Rollout, RolloutSpec, RolloutStatus } from '../../../../controller/api/index.ts';
import { newCondition } from '../../../../controller/reconcile/shared/conditions.ts';
import { calculateRolloutPhase, isFullyPromoted, isUnpausing, rolloutPhase } from '../../../../controller/reconcile/shared/phase.ts';
import { rolloutCompleted } from '../../../../controller/reconcile/shared/conditions.ts';

const T0 = new Date('2024-05-01T10:00:00Z');

const canarySpec = (extra: Partial<RolloutSpec> = {}): RolloutSpec => ({ replicas: 3, strategy: { canary: { steps: [{ setWeight: 50 }] } }, ...extra });
const blueGreenSpec = (extra: Partial<RolloutSpec> = {}): RolloutSpec => ({ replicas: 3, strategy: { blueGreen: { activeService: 'active' } }, ...extra });
const settled: RolloutStatus = { replicas: 3, updatedReplicas: 3, availableReplicas: 3, stableRS: 'a', currentPodHash: 'a' };

describe('calculateRolloutPhase', () => {
  const cases: [string, RolloutSpec, RolloutStatus, string, string][] = [
    [
      'an invalid spec is Degraded',
      canarySpec(),
      { ...settled, conditions: [newCondition('InvalidSpec', 'True', 'InvalidSpec', 'The Rollout "demo" is invalid: spec.selector: Required value', T0)] },
      'Degraded',
      'InvalidSpec: The Rollout "demo" is invalid: spec.selector: Required value',
    ],
    [
      'an aborted rollout is Degraded with the abort message',
      canarySpec(),
      { ...settled, conditions: [newCondition('Progressing', 'False', 'RolloutAborted', 'Rollout aborted update to revision 2', T0)] },
      'Degraded',
      'RolloutAborted: Rollout aborted update to revision 2',
    ],
    [
      'a rollout past its progress deadline is Degraded',
      canarySpec(),
      { ...settled, conditions: [newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'ReplicaSet "demo-b" has timed out progressing.', T0)] },
      'Degraded',
      'ProgressDeadlineExceeded: ReplicaSet "demo-b" has timed out progressing.',
    ],
    ['spec.paused is Paused', canarySpec({ paused: true }), settled, 'Paused', 'manually paused'],
    ['a pause condition is Paused with its reason', canarySpec(), { ...settled, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-05-01T10:00:00Z' }] }, 'Paused', 'CanaryPauseStep'],
    ['a pending restart is Progressing', canarySpec({ restartAt: '2024-05-01T10:00:00Z' }), settled, 'Progressing', 'rollout is restarting'],
    ['too few updated pods is Progressing', canarySpec(), { ...settled, updatedReplicas: 2 }, 'Progressing', 'more replicas need to be updated'],
    ['one replica by default', { strategy: { canary: {} } }, { ...settled, updatedReplicas: 1, availableReplicas: 1, replicas: 1 }, 'Healthy', ''],
    ['updated pods not yet available is Progressing', canarySpec(), { ...settled, availableReplicas: 2 }, 'Progressing', 'updated replicas are still becoming available'],
    ['a basic canary with old pods left is Progressing', canarySpec(), { ...settled, replicas: 4 }, 'Progressing', 'old replicas are pending termination'],
    ['a canary whose current hash is not stable is Progressing', canarySpec(), { ...settled, stableRS: 'b' }, 'Progressing', 'waiting for all steps to complete'],
    ['a canary without a stable hash is Progressing', canarySpec(), { ...settled, stableRS: '', currentPodHash: '' }, 'Progressing', 'waiting for all steps to complete'],
    ['a finished canary is Healthy', canarySpec(), settled, 'Healthy', ''],
    ['a blue-green rollout before the cutover is Progressing', blueGreenSpec(), { ...settled, blueGreen: { activeSelector: 'b' } }, 'Progressing', 'active service cutover pending'],
    ['a blue-green rollout without an active selector is Progressing', blueGreenSpec(), settled, 'Progressing', 'active service cutover pending'],
    ['a blue-green rollout after the cutover but not yet stable is Progressing', blueGreenSpec(), { ...settled, stableRS: 'b', blueGreen: { activeSelector: 'a' } }, 'Progressing', 'waiting for post-promotion verification to complete'],
    ['a finished blue-green rollout is Healthy', blueGreenSpec(), { ...settled, blueGreen: { activeSelector: 'a' } }, 'Healthy', ''],
  ];
  for (const [what, spec, status, phase, message] of cases) {
    it(what, () => assert.deepEqual(calculateRolloutPhase(spec, status), { phase, message }));
  }

  it('lets traffic-routed canaries keep old pods during their scale-down delay', () => {
    const spec = canarySpec({ strategy: { canary: { trafficRouting: {} } } });
    assert.deepEqual(calculateRolloutPhase(spec, { ...settled, replicas: 6 }), { phase: 'Healthy', message: '' });
  });

  it('a restart already recorded no longer counts', () => {
    const spec = canarySpec({ restartAt: '2024-05-01T10:00:00Z' });
    assert.deepEqual(calculateRolloutPhase(spec, { ...settled, restartedAt: '2024-05-01T10:00:00Z' }), { phase: 'Healthy', message: '' });
  });

  it('waits for blue-green post-promotion analysis until it completes', () => {
    const spec = blueGreenSpec({ strategy: { blueGreen: { activeService: 'active', postPromotionAnalysis: { templates: [{ templateName: 'smoke' }] } } } });
    const status: RolloutStatus = { ...settled, stableRS: 'b', blueGreen: { activeSelector: 'a', postPromotionAnalysisRunStatus: { name: 'run', status: 'Running' } } };
    assert.deepEqual(calculateRolloutPhase(spec, status), { phase: 'Progressing', message: 'waiting for analysis to complete' });
    const done: RolloutStatus = { ...status, blueGreen: { activeSelector: 'a', postPromotionAnalysisRunStatus: { name: 'run', status: 'Successful' } } };
    assert.deepEqual(calculateRolloutPhase(spec, done), { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' });
  });

  it('puts Degraded before Paused', () => {
    const status: RolloutStatus = { ...settled, conditions: [newCondition('Progressing', 'False', 'RolloutAborted', 'Rollout aborted update to revision 2', T0)] };
    assert.equal(calculateRolloutPhase(canarySpec({ paused: true }), status).phase, 'Degraded');
  });
});

describe('rolloutPhase', () => {
  const rollout = (status: RolloutStatus, generation = 2, extra: Partial<Rollout> = {}): Rollout => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo', generation },
    spec: canarySpec(),
    status,
    ...extra,
  });

  it('is Progressing until the controller observed the spec', () => {
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '1', phase: 'Healthy' })), {
      phase: 'Progressing',
      message: 'waiting for rollout spec update to be observed',
    });
  });

  it('is Progressing while a resume has not been acted on', () => {
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '2', controllerPause: true, phase: 'Paused', message: 'CanaryPauseStep' })), {
      phase: 'Progressing',
      message: 'waiting for rollout to unpause',
    });
  });

  it('waits for the referenced workload’s generation', () => {
    const ro = rollout({ ...settled, observedGeneration: '2', workloadObservedGeneration: '4', phase: 'Healthy' }, 2, {
      metadata: { name: 'demo', generation: 2, annotations: { 'rollout.argoproj.io/workload-generation': '5' } },
      spec: { ...canarySpec(), workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'demo' } },
    });
    assert.deepEqual(rolloutPhase(ro), { phase: 'Progressing', message: 'waiting for rollout spec update to be observed for the reference workload' });
  });

  it('reads the phase the controller wrote', () => {
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '2', phase: 'Paused', message: 'BlueGreenPause' })), { phase: 'Paused', message: 'BlueGreenPause' });
  });

  it('computes it for a status without one, or an observed generation from before numbers', () => {
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '2' })), { phase: 'Healthy', message: '' });
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '6d4f8b9c7', updatedReplicas: 1 })), { phase: 'Progressing', message: 'more replicas need to be updated' });
    assert.deepEqual(rolloutPhase(rollout({ ...settled, observedGeneration: '3', phase: 'Healthy' })), { phase: 'Healthy', message: '' });
  });
});

describe('promotion state', () => {
  it('is fully promoted when the stable hash is the desired one', () => {
    assert.equal(isFullyPromoted({ status: { stableRS: 'a', currentPodHash: 'a' } }), true);
    assert.equal(isFullyPromoted({ status: { stableRS: 'a', currentPodHash: 'b' } }), false);
    assert.equal(rolloutCompleted({ stableRS: 'a', currentPodHash: 'a' }), true);
    assert.equal(rolloutCompleted({}), false);
  });

  it('is unpausing when the controller paused and the conditions were cleared', () => {
    const ro = (status: RolloutStatus): Rollout => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: {}, spec: canarySpec(), status });
    assert.equal(isUnpausing(ro({ controllerPause: true })), true);
    assert.equal(isUnpausing(ro({ controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2024-05-01T10:00:00Z' }] })), false);
    assert.equal(isUnpausing(ro({})), false);
  });
});
