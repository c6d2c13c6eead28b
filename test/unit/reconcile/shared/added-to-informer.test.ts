import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { announcesAddedToInformer } from '../../../../controller/reconcile/shared/events.ts';

/**
 * RolloutAddedToInformer is recorded only for a generation no pass has observed yet, read from
 * the Rollout itself, so that a controller restart over settled Rollouts writes no Event.
 */
describe('announcesAddedToInformer', () => {
  const rollout = (generation: number, observedGeneration?: string) => ({
    metadata: { name: 'r', namespace: 'ns', generation },
    ...(observedGeneration === undefined ? {} : { status: { observedGeneration } }),
  });

  test('a new Rollout, with no status yet, is announced', () => {
    assert.equal(announcesAddedToInformer(rollout(1)), true);
  });

  test('a Rollout whose generation a pass has observed is not announced again after a restart', () => {
    assert.equal(announcesAddedToInformer(rollout(3, '3')), false);
  });

  test('a Rollout changed while no controller ran is announced', () => {
    assert.equal(announcesAddedToInformer(rollout(4, '3')), true);
  });

  test('a status without a numeric observed generation (Argo before v0.9) counts as observed', () => {
    assert.equal(announcesAddedToInformer(rollout(2, 'abc123')), false);
  });
});
