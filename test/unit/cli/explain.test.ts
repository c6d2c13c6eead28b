import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { explainRollout } from '../../../controller/cli/render/explain.ts';
import { loadFixture, NOW } from '../../support/rollout-fixtures.ts';

const explain = (fixture: string): string => explainRollout(newRolloutInfo(loadFixture(fixture)), NOW);

describe('explain', () => {
  it('says which blue-green pause the rollout waits for, since when, and how to promote', () => {
    assert.equal(
      explain('bluegreen-paused.yaml'),
      [
        'Rollout "bluegreen-demo" in namespace "demo" is Paused (blue-green, revision 11).',
        'It waits since 2025-01-10T11:55:00Z (5m ago) for the preview ReplicaSet bluegreen-demo-74b948fccb (revision 11) to be promoted.',
        'The preview service bluegreen-demo-preview selects 74b948fccb; the active service bluegreen-demo still selects bluegreen-demo-6cbccd9f99.',
        'Promote it with: kubectl ramp promote bluegreen-demo',
        'Replicas: 3 desired, 3 updated, 6 ready, 3 available.',
        '',
      ].join('\n'),
    );
  });

  it('says when a timed canary pause ends and how the background analysis goes', () => {
    assert.equal(
      explain('canary-mid-step.yaml'),
      [
        'Rollout "canary-demo" in namespace "demo" is Paused (canary with nginx traffic routing, revision 2).',
        'It waits at step 4 of 5 (pause: 30s) since 2025-01-10T11:59:50Z (10s ago), with the canary at 50% of traffic.',
        'The pause ends by itself at 2025-01-10T12:00:20Z (in 20s); to go on now: kubectl ramp promote canary-demo',
        'Replicas: 5 desired, 3 updated, 8 ready, 8 available.',
        '',
        'Analysis run canary-demo-5f7d8c9b6d-7-2 (revision 2) is Running since 2025-01-10T11:55:00Z (5m ago).',
        '  metric "error-rate" is Running: 4 measurements: 4 successful, 0 failed, 0 inconclusive, 0 errors (failure limit 2).',
        '    success condition: result[0] <= 0.01',
        '    successful measurement at 2025-01-10T11:58:01Z (119s ago): value [0.004]',
        '',
      ].join('\n'),
    );
  });

  it('explains an abort and names the pod that is not ready', () => {
    assert.equal(
      explain('canary-aborted.yaml'),
      [
        'Rollout "checkout" in namespace "demo" is Degraded (canary, revision 3).',
        'The update was aborted at 2025-01-10T11:40:00Z (20m ago): Rollout aborted update to revision 3.',
        'All traffic went back to the stable ReplicaSet checkout-5b9c7d6f4 (revision 2); spec.template still holds the new version.',
        'Try the update again with: kubectl ramp retry rollout checkout; or go back to the previous template with: kubectl ramp undo checkout',
        'Replicas: 3 desired, 1 updated, 3 ready, 3 available.',
        '',
        'Pod checkout-6d4f8b7c5-x2n8d (checkout-6d4f8b7c5, canary) is not ready: CrashLoopBackOff, 0/1 containers ready, 7 restarts: back-off 5m0s restarting failed container=checkout.',
        '',
      ].join('\n'),
    );
  });

  it('names the failed analysis measurements and their values', () => {
    const out = explain('analysis-failed.yaml');
    assert.match(out, /^Analysis run payments-7f6d5c4b3-5-1 \(revision 4\) failed at 2025-01-10T11:51:01Z \(8m59s ago\): Metric "success-rate" assessed Failed due to failed \(3\) > failureLimit \(2\)$/m);
    assert.match(out, /^ {2}metric "success-rate" is Failed: 4 measurements: 1 successful, 3 failed, 0 inconclusive, 0 errors \(failure limit 2\)\.$/m);
    assert.match(out, /^ {4}success condition: result\[0\] >= 0\.95$/m);
    assert.deepEqual(
      out.split('\n').filter((l) => l.includes('failed measurement')),
      [
        '    failed measurement at 2025-01-10T11:47:01Z (12m ago): value [0.91]',
        '    failed measurement at 2025-01-10T11:49:01Z (10m ago): value [0.88]',
        '    failed measurement at 2025-01-10T11:50:01Z (9m59s ago): value [0.83]',
      ],
    );
  });

  it('says a healthy rollout runs its stable revision', () => {
    const fixture = loadFixture('canary-mid-step.yaml');
    const rollout = structuredClone(fixture.rollout);
    rollout.status = { ...rollout.status, phase: 'Healthy', message: '', stableRS: '5f7d8c9b6d', pauseConditions: [], controllerPause: false, currentStepIndex: 5, availableReplicas: 5 };
    const out = explainRollout(newRolloutInfo({ ...fixture, rollout }), NOW);
    assert.match(out, /^The stable ReplicaSet canary-demo-5f7d8c9b6d \(revision 2\) runs argoproj\/rollouts-demo:yellow: 5 of 5 replicas available\.$/m);
  });
});
