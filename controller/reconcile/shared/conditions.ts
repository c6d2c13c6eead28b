import type { V1ReplicaSet, V1ReplicaSetCondition } from '@kubernetes/client-node';
import type { Rollout, RolloutCondition, RolloutConditionType, RolloutStatus } from '../../api/index.ts';
import { availableReplicaCount, currentCanaryStep } from './counts.ts';
import { formatTime } from '../../api/kit.ts';
import { isSaturated } from './replicaset-availability.ts';
import { replicaSetByHash } from './replicaset-identity.ts';
import { revisionOf } from './revisions.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import { toMillis } from './time.ts';

/**
 * Rollout conditions as Argo Rollouts writes them (utils/conditions/conditions.go and the
 * condition half of rollout/sync.go): the reasons and messages clients such as Argo CD and
 * `kubectl argo rollouts` read, how a condition is set without losing its transition time, and
 * how the Progressing, Healthy, Available, ReplicaFailure and Completed conditions follow from a
 * freshly computed status.
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

/** Reasons, named as the Go constants without their `Reason` suffix. */
export const REASONS = {
  InvalidSpec: 'InvalidSpec',
  Available: 'AvailableReason',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RolloutUpdated: 'RolloutUpdated',
  RolloutCompleted: 'RolloutCompleted',
  RolloutNotCompleted: 'RolloutNotCompleted',
  RolloutHealthy: 'RolloutHealthy',
  RolloutAborted: 'RolloutAborted',
  RolloutRetry: 'RolloutRetry',
  RolloutPaused: 'RolloutPaused',
  ReplicaSetNotAvailable: 'ReplicaSetNotAvailable',
  RolloutResumed: 'RolloutResumed',
  RolloutStepCompleted: 'RolloutStepCompleted',
  TrafficWeightUpdated: 'TrafficWeightUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  RolloutAnalysisRunFailed: 'AnalysisRunFailed',
  RolloutExperimentFailed: 'ExperimentFailed',
  TimedOut: 'ProgressDeadlineExceeded',
  RolloutDeleted: 'RolloutDeleted',
  ScalingReplicaSet: 'ScalingReplicaSet',
  ServiceReference: 'ServiceReferenceError',
  TargetGroupVerified: 'TargetGroupVerified',
  TargetGroupUnverified: 'TargetGroupUnverified',
  TargetGroupVerifyError: 'TargetGroupVerifyError',
  WeightVerifyError: 'WeightVerifyError',
  LoadBalancerNotFound: 'LoadBalancerNotFound',
  RolloutAddedToInformer: 'RolloutAddedToInformer',
} as const;

/** Go's %q for the names quoted in messages (DNS names, so JSON quoting writes the same). */
const q = (s: string) => JSON.stringify(s);

/** Messages, as the Go format strings render them. */
export const MESSAGES = {
  missingField: (field: string) => `Rollout has missing field '${field}'`,
  rolloutSelectAll: 'This rollout is selecting all pods. A non-empty selector is required.',
  notAvailable: 'Rollout does not have minimum availability',
  available: 'Rollout has minimum availability',
  rolloutProgressing: (rollout: string) => `Rollout ${q(rollout)} is progressing.`,
  replicaSetProgressing: (rs: string) => `ReplicaSet ${q(rs)} is progressing.`,
  failedRSCreate: (rs: string, error: string) => `Failed to create new replica set ${q(rs)}: ${error}`,
  newReplicaSet: (rs: string) => `Created new replica set ${q(rs)}`,
  newReplicaSetDetailed: (rs: string, revision: number) => `Created ReplicaSet ${rs} (revision ${revision})`,
  foundNewRS: (rs: string) => `Found new replica set ${q(rs)}`,
  rolloutUpdated: (revision: string) => `Rollout updated to revision ${revision}`,
  rolloutCompleted: (revision: number, podHash: string, reason: string) => `Rollout completed update to revision ${revision} (${podHash}): ${reason}`,
  rolloutNotCompleted: (revision: number, podHash: string) => `Rollout not completed, started update to revision ${revision} (${podHash})`,
  rolloutHealthy: 'Rollout is healthy',
  rolloutNotHealthy: 'Rollout is not healthy',
  rolloutAborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
  rolloutRetry: 'Retrying Rollout after abort',
  rolloutPaused: 'Rollout is paused',
  rolloutResumed: 'Rollout is resumed',
  rolloutStepCompleted: (step: number, steps: number, description: string) => `Rollout step ${step}/${steps} completed (${description})`,
  trafficWeightUpdated: (detail: string) => `Traffic weight updated ${detail}`,
  rolloutAnalysisRunFailed: (analysisRun: string, rollout: string) => `AnalysisRun '${analysisRun}' owned by the Rollout '${q(rollout)}' failed.`,
  rolloutExperimentFailed: (experiment: string, rollout: string) => `Experiment '${experiment}' owned by the Rollout '${q(rollout)}' has timed out.`,
  rolloutTimeOut: (rollout: string) => `Rollout ${q(rollout)} has timed out progressing.`,
  rolloutDeleted: (namespace: string, rollout: string) => `Rollout ${namespace}/${rollout} is deleted.`,
  scalingReplicaSet: (operation: 'up' | 'down', rs: string, revision: number, from: number, to: number) =>
    `Scaled ${operation} ReplicaSet ${rs} (revision ${revision}) from ${from} to ${to}`,
  replicaSetTimeOut: (rs: string) => `ReplicaSet ${q(rs)} has timed out progressing.`,
  replicaSetCompleted: (rs: string) => `ReplicaSet ${q(rs)} has successfully progressed.`,
  serviceReferencingManagedService: (service: string) => `Service ${q(service)} is managed by another Rollout`,
  weightVerifyError: (error: string) => `Failed to verify weight: ${error}`,
  loadBalancerNotFound: (error: string) => `Failed to find load balancer: ${error}`,
} as const;

export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

export function progressDeadlineSeconds(rollout: Rollout): number {
  return rollout.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

// ---------------------------------------------------------------------------------------------
// Setting conditions

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

// ---------------------------------------------------------------------------------------------
// Predicates

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
  return lastUpdate + progressDeadlineSeconds(rollout) * 1000 < now.getTime();
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
  const after = (toMillis(current.lastUpdateTime) ?? 0) + progressDeadlineSeconds(rollout) * 1000 - now.getTime();
  return after < 1000 ? 0 : after + 1000;
}

// ---------------------------------------------------------------------------------------------
// Deriving conditions

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/**
 * Argo's checkPausedConditions: the conditions to set when the paused state (spec.paused or
 * pause conditions) disagrees with the Progressing and Paused conditions, or when a retried
 * rollout still carries its abort. Nothing changes while aborted.
 */
export function pausedConditionUpdates(rollout: Rollout, now: Date): RolloutCondition[] {
  const conditions = rollout.status?.conditions;
  const progressing = getCondition(conditions, 'Progressing');
  const progressingPaused = progressing?.reason === REASONS.RolloutPaused;
  const paused = isPaused(rollout);
  const abortConditionExists = progressing?.reason === REASONS.RolloutAborted;
  const updates: RolloutCondition[] = [];
  if (paused !== progressingPaused && !abortConditionExists) {
    updates.push(
      paused
        ? newCondition('Progressing', 'Unknown', REASONS.RolloutPaused, MESSAGES.rolloutPaused, now)
        : newCondition('Progressing', 'Unknown', REASONS.RolloutResumed, MESSAGES.rolloutResumed, now),
    );
  }
  if (!rollout.status?.abort && abortConditionExists) {
    updates.push(newCondition('Progressing', 'Unknown', REASONS.RolloutRetry, MESSAGES.rolloutRetry, now));
  }
  const pausedConditionTrue = getCondition(conditions, 'Paused')?.status === 'True';
  if (paused !== pausedConditionTrue && !abortConditionExists) {
    updates.push(newCondition('Paused', paused ? 'True' : 'False', REASONS.RolloutPaused, MESSAGES.rolloutPaused, now));
  }
  return updates;
}

export interface ConditionsInput {
  /** The Rollout as observed: its status is the previous one. */
  rollout: Rollout;
  /**
   * The status computed this pass (counts, selectors, stable and current hashes), whose
   * conditions start as the previous ones, as Argo's calculateBaseStatus leaves them.
   */
  newStatus: RolloutStatus;
  allRSs: readonly V1ReplicaSet[];
  newRS: V1ReplicaSet | undefined;
  /** The pause context's abort: status.abort, or an abort decided during this pass. */
  aborted: boolean;
  /** Why it was aborted (e.g. the failed AnalysisRun), appended to the abort message. */
  abortMessage?: string;
  now: Date;
}

export interface ConditionsResult {
  status: RolloutStatus;
  /** Kubernetes events to record on the Rollout. */
  events: RolloutEvent[];
  /** Set when the progress deadline passed and spec.progressDeadlineAbort asks to abort: the abort message. */
  abort?: string;
}

/**
 * Argo's calculateRolloutConditions: Healthy, Progressing (aborted, available, progressing or
 * timed out), Available, ReplicaFailure and Completed, from the status computed this pass.
 */
export function calculateRolloutConditions(input: ConditionsInput): ConditionsResult {
  const { rollout, allRSs, newRS, aborted, now } = input;
  const events: RolloutEvent[] = [];
  let abort: string | undefined;
  let conditions = [...(input.newStatus.conditions ?? [])];
  const status: RolloutStatus = { ...input.newStatus };
  const set = (condition: RolloutCondition): boolean => {
    const result = setCondition(conditions, condition);
    conditions = result.conditions;
    return result.changed;
  };
  const withConditions = (): RolloutStatus => ({ ...status, conditions });

  let becameUnhealthy = false;
  const hadHealthy = getCondition(rollout.status?.conditions, 'Healthy') !== undefined;
  if (!isPaused(rollout) && rolloutHealthy(rollout, withConditions())) {
    set(newCondition('Healthy', 'True', REASONS.RolloutHealthy, MESSAGES.rolloutHealthy, now));
  } else if (hadHealthy) {
    becameUnhealthy = set(newCondition('Healthy', 'False', REASONS.RolloutHealthy, MESSAGES.rolloutNotHealthy, now));
  }

  const rolloutName = rollout.metadata.name ?? '';
  const newRSName = newRS?.metadata?.name;
  const revision = revisionOf(rollout) ?? 0;
  if (aborted) {
    const base = MESSAGES.rolloutAborted(revision);
    const message = input.abortMessage ? `${base}: ${input.abortMessage}` : base;
    if (set(newCondition('Progressing', 'False', REASONS.RolloutAborted, message, now))) {
      events.push({ type: 'Warning', reason: REASONS.RolloutAborted, message });
    }
  } else {
    // Argo also skips this when its isHealthyRollout guard holds, but that guard asks for a
    // Progressing condition whose type is not Progressing and so never holds.
    const current = getCondition(rollout.status?.conditions, 'Progressing');
    if (rolloutHealthy(rollout, withConditions())) {
      set(newCondition('Progressing', 'True', REASONS.NewRSAvailable, MESSAGES.replicaSetCompleted(newRSName ?? ''), now));
    } else if (rolloutProgressing(rollout, withConditions()) || becameUnhealthy) {
      let reason: string = REASONS.ReplicaSetUpdated;
      let message = newRSName !== undefined ? MESSAGES.replicaSetProgressing(newRSName) : MESSAGES.rolloutProgressing(rolloutName);
      if ((status.stableRS ?? '') === (status.currentPodHash ?? '') && becameUnhealthy) {
        // A fully promoted rollout that lost pods is progressing again, so it does not time out.
        reason = REASONS.ReplicaSetNotAvailable;
        message = MESSAGES.notAvailable;
      }
      // Progress refreshes lastUpdateTime even when the reason is unchanged, which setCondition
      // alone would not do; the transition time is kept while the status stays True.
      const condition = newCondition('Progressing', 'True', reason, message, now);
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        conditions = removeCondition(conditions, 'Progressing');
      }
      set(condition);
    } else if (!isIndefiniteStep(rollout) && rolloutTimedOut(rollout, withConditions(), now)) {
      const message = newRSName !== undefined ? MESSAGES.replicaSetTimeOut(newRSName) : MESSAGES.rolloutTimeOut(rolloutName);
      set(newCondition('Progressing', 'False', REASONS.TimedOut, message, now));
      if (rollout.spec.progressDeadlineAbort) {
        abort = message;
        events.push({ type: 'Warning', reason: REASONS.RolloutAborted, message });
      }
    }
  }

  const replicas = replicasOrDefault(rollout);
  const activeRS = replicaSetByHash(allRSs, status.blueGreen?.activeSelector);
  const hasAvailability =
    (rollout.spec.strategy.blueGreen !== undefined && activeRS !== undefined && isSaturated(rollout, activeRS)) ||
    (rollout.spec.strategy.canary !== undefined && availableReplicaCount(allRSs) >= replicas);
  set(
    hasAvailability
      ? newCondition('Available', 'True', REASONS.Available, MESSAGES.available, now)
      : newCondition('Available', 'False', REASONS.Available, MESSAGES.notAvailable, now),
  );

  const [failure] = replicaFailureConditions(allRSs, newRS);
  if (failure) set(failure);
  else conditions = removeCondition(conditions, 'ReplicaFailure');

  if (rolloutCompleted(status)) {
    set(newCondition('Completed', 'True', REASONS.RolloutCompleted, REASONS.RolloutCompleted, now));
  } else if (set(newCondition('Completed', 'False', REASONS.RolloutCompleted, REASONS.RolloutCompleted, now))) {
    events.push({
      type: 'Normal',
      reason: REASONS.RolloutNotCompleted,
      message: MESSAGES.rolloutNotCompleted(revision + 1, status.currentPodHash ?? ''),
    });
  }

  const result: ConditionsResult = { status: withConditions(), events };
  if (abort !== undefined) result.abort = abort;
  return result;
}
