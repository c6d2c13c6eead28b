import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutStatus } from '../../api/index.ts';
import { calculateRolloutConditions, pausedConditionUpdates } from './rollout-conditions.ts';
import { newCondition, removeCondition, setCondition } from './conditions.ts';
import { statusCounts } from './counts.ts';
import { calculateRolloutPhase } from './phase.ts';
import { formatTime } from '../../api/kit.ts';
import type { RolloutEvent, RolloutObject } from '../types.ts';

export interface CompleteStatusInput {
  /** The Rollout as observed (its status is the previous one). */
  rollout: Rollout;
  /** The status the strategy decided: hashes, selectors, pause and abort. */
  status: RolloutStatus;
  newRS: V1ReplicaSet | undefined;
  replicaSets: readonly V1ReplicaSet[];
  stateName: string;
  /** Why an abort decided by this pass happened (a failed AnalysisRun's message). */
  abortMessage?: string;
  now: Date;
  /** Receives the events of decisions made here (an abort at the progress deadline). */
  events?: RolloutEvent[];
}

/**
 * Fills in what every strategy reports the same way: replica counts, observedGeneration,
 * conditions (Progressing, Available, Paused, Healthy, Completed) and the phase, as Argo does.
 */
export function completeStatus(input: CompleteStatusInput): RolloutStatus {
  const { rollout, newRS, replicaSets, now } = input;
  const counts = statusCounts(rollout, replicaSets, newRS, input.status.blueGreen?.activeSelector);
  let status: RolloutStatus = {
    ...input.status,
    ...counts,
    observedGeneration: String(rollout.metadata.generation ?? 0),
    conditions: removeCondition(input.status.conditions, 'InvalidSpec'),
  };
  for (const update of pausedConditionUpdates({ ...rollout, status }, now)) {
    status = { ...status, conditions: setCondition(status.conditions, update).conditions };
  }
  const computed = calculateRolloutConditions({
    rollout,
    newStatus: status,
    allRSs: replicaSets,
    newRS,
    aborted: status.abort === true,
    ...(input.abortMessage ? { abortMessage: input.abortMessage } : {}),
    now,
  });
  status = computed.status;
  // Argo computes the phase before its pause context adds a progress-deadline abort, so the pass
  // that aborts reports ProgressDeadlineExceeded; the next pass acts on the abort and reports it.
  const { phase, message } = calculateRolloutPhase(rollout.spec, status);
  if (computed.abort !== undefined) {
    status = { ...status, abort: true, abortedAt: formatTime(now) };
  }
  // RolloutNotCompleted, and the abort at the progress deadline.
  input.events?.push(...computed.events);
  return stripEmpty({ ...status, phase, message });
}

/** The status of a Rollout whose spec cannot be acted on: an InvalidSpec condition, Degraded. */
export function invalidSpecStatus(raw: RolloutObject, message: string, now: Date): RolloutStatus {
  const previous = raw.status ?? {};
  const conditions = setCondition(previous.conditions, newCondition('InvalidSpec', 'True', 'InvalidSpec', message, now)).conditions;
  const existing = conditions.find((c) => c.type === 'InvalidSpec');
  // The message can change while the reason stays InvalidSpec: keep it current.
  const withMessage = conditions.map((c) => (c === existing ? { ...c, message } : c));
  return stripEmpty({
    ...previous,
    conditions: withMessage,
    observedGeneration: String(raw.metadata.generation ?? 0),
    phase: 'Degraded',
    message: `InvalidSpec: ${message}`,
  });
}

/** Drops undefined members so that an unchanged status compares equal to the stored one. */
function stripEmpty<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
