import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Rollout } from '../../../../controller/api/index.ts';
import { pendingCommand } from '../../../../controller/reconcile/shared/pending-command.ts';

/** A canary Rollout at generation 3 whose last pass saw generation 3, paused by a step, with `status` over it. */
function rollout(generation: number, status: Record<string, unknown>): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'shop', namespace: 'prod', generation },
    spec: { selector: { matchLabels: { app: 'shop' } }, template: {}, strategy: { canary: { steps: [{ pause: {} }] } } },
    status: { observedGeneration: '3', stableRS: 'aaa', currentPodHash: 'bbb', ...status },
  } as unknown as Rollout;
}

const paused = { controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] };

describe('pendingCommand: a user command the controller has not acted on, from the Rollout alone', () => {
  const cases: Array<[string, Rollout, boolean]> = [
    ['paused on a step, nothing asked', rollout(3, paused), false],
    ['promote cleared the pause conditions', rollout(3, { ...paused, pauseConditions: null }), true],
    ['a new image, pause or restartAt not yet observed', rollout(4, paused), true],
    ['abort asked, not yet recorded', rollout(3, { abort: true }), true],
    ['abort recorded', rollout(3, { abort: true, abortedAt: '2026-01-01T00:00:00Z' }), false],
    ['retry cleared abort, not yet acted on', rollout(3, { abortedAt: '2026-01-01T00:00:00Z' }), true],
    ['promote --full asked, revision not yet stable', rollout(3, { promoteFull: true }), true],
    ['promote --full done', rollout(3, { promoteFull: true, stableRS: 'bbb' }), false],
    ['healthy', rollout(3, { stableRS: 'bbb' }), false],
    ['never reconciled: creating a Rollout is no command', { ...rollout(1, {}), status: {} } as Rollout, false],
  ];
  for (const [name, ro, expected] of cases) {
    it(`${name}: ${expected ? 'pending' : 'none'}`, () => {
      assert.equal(pendingCommand(ro), expected);
    });
  }
});
