import type { V1ReplicaSet, V1ReplicaSetCondition } from '@kubernetes/client-node';
import { progressDeadlineSecondsOrDefault, replicasOrDefault } from '../../api/defaults.ts';
import type { Rollout, RolloutCondition, RolloutConditionType, RolloutStatus } from '../../api/index.ts';
import { formatTime } from '../../api/kit.ts';
import { currentCanaryStep } from './current-step.ts';
import { REASONS } from './messages.ts';
import { toMillis } from './time.ts';

/**
 * Rollout conditions as Argo Rollouts writes them (utils/conditions/conditions.go): how a
 * condition is set without losing its transition time, and the predicates over a freshly
 * computed status (progressing, healthy, completed, timed out, paused) the conditions follow.
 */

export const CONDITION_TYPES = {
  Progressing: 'Progressing',
  Available: 'Available',
  Paused: 'Paused',
  Healthy: 'Healthy',
  InvalidSpec: 'InvalidSpec',
  ReplicaFailure: 'ReplicaFailure',
  Completed: 'Completed',
} as const satisfies Record<string, RolloutConditionType>;

export type ConditionStatus = RolloutCondition['status'];

/** Argo's NewRolloutCondition, with the clock passed in. */
export function newCondition(
  type: RolloutConditionType,
  status: ConditionStatus,
  reason: string,
  message: string,
  now: Date,
): RolloutCondition {
  const time = formatTime(now);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

export function getCondition(conditions: readonly RolloutCondition[] | undefined, type: RolloutConditionType): RolloutCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Argo's SetRolloutCondition: a condition with the same status and reason as the current one
 * changes nothing (not even its message); otherwise it replaces the current one, moved to the end,
 * keeping lastTransitionTime when only the reason changed.
 */
export function setCondition(
  conditions: readonly RolloutCondition[] | undefined,
  condition: RolloutCondition,
): { conditions: RolloutCondition[]; changed: boolean } {
  const list = [...(conditions ?? [])];
  const current = getCondition(list, condition.type as RolloutConditionType);
  if (current && current.status === condition.status && current.reason === condition.reason) return { conditions: list, changed: false };
  const next = current && current.status === condition.status ? { ...condition, lastTransitionTime: current.lastTransitionTime } : condition;
  return { conditions: [...list.filter((c) => c.type !== condition.type), next], changed: true };
}

export function removeCondition(conditions: readonly RolloutCondition[] | undefined, type: RolloutConditionType): RolloutCondition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Argo's ReplicaSetToRolloutCondition: a ReplicaSet's ReplicaFailure condition carried over. */
export function replicaSetToRolloutCondition(condition: V1ReplicaSetCondition): RolloutCondition {
  const ms = toMillis(condition.lastTransitionTime);
  const time = ms === undefined ? '' : formatTime(new Date(ms));
  return {
    type: condition.type,
    status: condition.status as ConditionStatus,
    lastTransitionTime: time,
    lastUpdateTime: time,
    reason: condition.reason ?? '',
    message: condition.message ?? '',
  };
}

/** Argo's getReplicaFailures: the new ReplicaSet's ReplicaFailure conditions, else any ReplicaSet's. */
export function replicaFailureConditions(allRSs: readonly V1ReplicaSet[], newRS: V1ReplicaSet | undefined): RolloutCondition[] {
  const failures = (rs: V1ReplicaSet | undefined) =>
    (rs?.status?.conditions ?? []).filter((c) => c.type === CONDITION_TYPES.ReplicaFailure).map(replicaSetToRolloutCondition);
  const fromNew = failures(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(failures);
}

function stepCount(rollout: Rollout): number {
  return rollout.spec.strategy.canary?.steps?.length ?? 0;
}

/**
 * Argo's RolloutProgressing: compared with the observed status, pods were updated, old pods went
 * away, more became ready or available, or the strategy moved (selectors switched; stable, step or
 * steps changed).
 */
export function rolloutProgressing(rollout: Rollout, newStatus: RolloutStatus): boolean {
  const old = rollout.status ?? {};
  let strategyProgress = false;
  if (rollout.spec.strategy.blueGreen) {
    strategyProgress =
      (old.blueGreen?.activeSelector ?? '') !== (newStatus.blueGreen?.activeSelector ?? '') ||
      (old.blueGreen?.previewSelector ?? '') !== (newStatus.blueGreen?.previewSelector ?? '');
  }
  if (rollout.spec.strategy.canary) {
    const stableChanged = (newStatus.stableRS ?? '') !== (old.stableRS ?? '');
    const stepChanged =
      newStatus.currentStepIndex !== undefined && old.currentStepIndex !== undefined && newStatus.currentStepIndex !== old.currentStepIndex;
    const stepsHashChanged = (newStatus.currentStepHash ?? '') !== (old.currentStepHash ?? '');
    strategyProgress = stableChanged || stepChanged || stepsHashChanged;
  }
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (newStatus.replicas ?? 0) - (newStatus.updatedReplicas ?? 0);
  return (
    (newStatus.updatedReplicas ?? 0) !== (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (newStatus.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (newStatus.availableReplicas ?? 0) > (old.availableReplicas ?? 0) ||
    strategyProgress
  );
}

/**
 * Argo's RolloutHealthy: every desired pod updated and available, the spec generation observed,
 * and the strategy finished (blue-green: the services select the current hash; canary: all steps
 * run, the current ReplicaSet is stable and the old pods are gone).
 */
export function rolloutHealthy(rollout: Rollout, newStatus: RolloutStatus): boolean {
  const replicas = replicasOrDefault(rollout);
  const currentPodHash = newStatus.currentPodHash ?? '';
  let completedStrategy = true;
  const blueGreen = rollout.spec.strategy.blueGreen;
  if (blueGreen) {
    const activeComplete = (newStatus.blueGreen?.activeSelector ?? '') === currentPodHash;
    const previewComplete = !blueGreen.previewService || (newStatus.blueGreen?.previewSelector ?? '') === currentPodHash;
    completedStrategy = activeComplete && previewComplete;
  }
  if (rollout.spec.strategy.canary) {
    const steps = stepCount(rollout);
    const executedAllSteps = steps === 0 || newStatus.currentStepIndex === undefined || newStatus.currentStepIndex === steps;
    const currentIsStable = (newStatus.stableRS ?? '') !== '' && newStatus.stableRS === currentPodHash;
    completedStrategy = executedAllSteps && currentIsStable && (newStatus.replicas ?? 0) === replicas;
  }
  return (
    (newStatus.updatedReplicas ?? 0) === replicas &&
    (newStatus.availableReplicas ?? 0) === replicas &&
    (rollout.status?.observedGeneration ?? '') === String(rollout.metadata.generation ?? 0) &&
    completedStrategy
  );
}

/** Argo's RolloutCompleted: the current pod template is the stable one. */
export function rolloutCompleted(status: RolloutStatus | undefined): boolean {
  const stableRS = status?.stableRS ?? '';
  return stableRS !== '' && stableRS === (status?.currentPodHash ?? '');
}

/**
 * Argo's RolloutTimedOut for a given Progressing condition: already ProgressDeadlineExceeded, or
 * no progress recorded for progressDeadlineSeconds. An aborted condition never times out, so a
 * retried rollout does not turn Degraded because of an old abort.
 */
export function progressDeadlineExceeded(rollout: Rollout, progressing: RolloutCondition | undefined, now: Date): boolean {
  if (!progressing || progressing.reason === REASONS.RolloutAborted) return false;
  if (progressing.reason === REASONS.TimedOut) return true;
  const lastUpdate = toMillis(progressing.lastUpdateTime) ?? 0;
  return lastUpdate + progressDeadlineSecondsOrDefault(rollout) * 1000 < now.getTime();
}

export function rolloutTimedOut(rollout: Rollout, newStatus: RolloutStatus, now: Date): boolean {
  return progressDeadlineExceeded(rollout, getCondition(newStatus.conditions, 'Progressing'), now);
}

/** Argo's isIndefiniteStep: an experiment, analysis or pause step, which the deadline does not cover. */
export function isIndefiniteStep(rollout: Rollout): boolean {
  const { step } = currentCanaryStep(rollout);
  return !!step && (step.experiment !== undefined || step.analysis !== undefined || step.pause !== undefined);
}

export function isPaused(rollout: Rollout): boolean {
  return (rollout.status?.pauseConditions ?? []).length > 0 || !!rollout.spec.paused;
}

/**
 * When the progress check should run again (Argo's requeueStuckRollout): undefined when no check
 * is due (no Progressing condition, healthy, timed out, paused, aborted or at an indefinite step),
 * otherwise milliseconds from now, 0 meaning at once. A second is added so the check lands after
 * the deadline, as Argo does.
 */
export function progressCheckAfterMs(rollout: Rollout, newStatus: RolloutStatus, now: Date): number | undefined {
  const current = getCondition(rollout.status?.conditions, 'Progressing');
  if (!current) return undefined;
  if (
    rolloutHealthy(rollout, newStatus) ||
    current.reason === REASONS.TimedOut ||
    isPaused(rollout) ||
    rollout.status?.abort ||
    isIndefiniteStep(rollout)
  ) {
    return undefined;
  }
  const after = (toMillis(current.lastUpdateTime) ?? 0) + progressDeadlineSecondsOrDefault(rollout) * 1000 - now.getTime();
  return after < 1000 ? 0 : after + 1000;
}
