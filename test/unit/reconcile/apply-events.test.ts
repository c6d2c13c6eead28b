import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apply, type RolloutWriter } from '../../../controller/reconcile/apply.ts';
import type { Observed, Plan, RolloutEvent, RolloutObject } from '../../../controller/reconcile/types.ts';

const rollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'app', namespace: 'ns', uid: 'u1', resourceVersion: '7', generation: 2 },
  spec: {},
  status: { phase: 'Progressing', currentStepIndex: 0 },
} as unknown as RolloutObject;

const observed: Observed = { rollout, replicaSets: [], services: new Map(), analysisRuns: [], now: new Date('2026-01-01T00:00:00Z') };

const events: RolloutEvent[] = [
  { type: 'Normal', reason: 'RolloutStepCompleted', message: 'Rollout step 1/2 completed (setWeight: 50)' },
  { type: 'Normal', reason: 'RolloutPaused', message: 'Rollout is paused (CanaryPauseStep)' },
  { type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up ReplicaSet app-abc (revision 2) from 1 to 2' },
];

const pass: Plan = { effects: [], status: { phase: 'Paused', currentStepIndex: 1 } as Plan['status'], events, state: 'progressing.paused' };

/** A writer whose event writes stay pending until the test settles them. */
function recordingWriter(): { writer: RolloutWriter; log: string[]; pending: Array<{ reason: string; settle: (ok: boolean) => void }> } {
  const log: string[] = [];
  const pending: Array<{ reason: string; settle: (ok: boolean) => void }> = [];
  const unexpected = async (): Promise<never> => {
    throw new Error('not expected in this pass');
  };
  const writer: RolloutWriter = {
    createReplicaSet: unexpected,
    patchReplicaSet: unexpected,
    deleteReplicaSet: unexpected,
    patchService: unexpected,
    patchRollout: unexpected,
    patchRolloutStatus: async () => {
      log.push('status');
      return '8';
    },
    recordEvent: (_ro, event) =>
      new Promise<void>((resolve, reject) => {
        log.push(`event ${event.reason}`);
        pending.push({ reason: event.reason, settle: (ok) => (ok ? resolve() : reject(new Error('apiserver said no'))) });
      }),
    createAnalysisRun: unexpected,
    patchAnalysisRun: unexpected,
    deleteAnalysisRun: unexpected,
  };
  return { writer, log, pending };
}

test("a pass's events are sent after its status patch, one after another in the plan's order, so the apiserver stores them in that order", async () => {
  const { writer, log, pending } = recordingWriter();
  const done = apply(writer, observed, pass);
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  await tick();
  assert.deepEqual(log, ['status', 'event RolloutStepCompleted'], 'the second event waits for the first');
  pending[0]!.settle(true);
  await tick();
  assert.deepEqual(log.slice(2), ['event RolloutPaused']);
  // A refused event neither fails the pass nor holds back the next one: events are for people.
  pending[1]!.settle(false);
  await tick();
  assert.deepEqual(log.slice(3), ['event ScalingReplicaSet']);
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  await tick();
  assert.equal(finished, false, 'the pass waits for its last event, so none is left in flight');
  pending[2]!.settle(true);
  const result = await done;
  assert.deepEqual(result, { effects: 0, statusPatched: true, resourceVersion: '8' });
});
