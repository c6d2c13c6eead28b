import type { V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { Rollout, RolloutCondition, RolloutStatus } from '../../api/index.ts';
import type { RolloutEvent } from '../types.ts';
import { getCondition, isIndefiniteStep, isPaused, newCondition, removeCondition, replicaFailureConditions, rolloutCompleted, rolloutHealthy, rolloutProgressing, rolloutTimedOut, setCondition } from './conditions.ts';
import { availableReplicaCount } from './counts.ts';
import { MESSAGES, REASONS } from './messages.ts';
import { findStableReplicaSet, otherReplicaSets, replicaSetByHash } from './replicaset-identity.ts';
import { hasScaleDownDeadline } from './scale-down-deadline.ts';
import { isSaturated } from './replicaset-availability.ts';
import { revisionOf } from './revisions.ts';

/**
 * The condition half of Argo's rollout/sync.go: the Progressing, Healthy, Available,
 * ReplicaFailure and Completed conditions (and the events they raise) that follow from the
 * status computed in a pass, and the Paused/Progressing updates a pause or resume asks for.
 */

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
    } else if (!isIndefiniteStep(rollout) && !waitingForScaleDown(rollout, status, allRSs, newRS) && rolloutTimedOut(rollout, withConditions(), now)) {
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
      message: MESSAGES.rolloutNotCompleted(revision, status.currentPodHash ?? ''),
    });
  }

  const result: ConditionsResult = { status: withConditions(), events };
  if (abort !== undefined) result.abort = abort;
  return result;
}

/**
 * Whether the only thing left is old ReplicaSets going away, which is no stuck progress: an old
 * ReplicaSet waiting out its scale-down delay (its pods stay by design), or, once the update is
 * complete (the current ReplicaSet is the stable one), an old ReplicaSet still on its way down:
 * not yet given its delay (the pass after full promotion gives it, however late that pass runs on
 * a loaded controller) while the new one is fully available, or scaled to 0 with its pods still
 * going. Argo could report a passing Degraded in these windows.
 */
function waitingForScaleDown(rollout: Rollout, status: RolloutStatus, allRSs: readonly V1ReplicaSet[], newRS: V1ReplicaSet | undefined): boolean {
  const stableRS = findStableReplicaSet(rollout, allRSs, newRS);
  const others = otherReplicaSets(allRSs, newRS, stableRS);
  if (others.some(hasScaleDownDeadline)) return true;
  if (!rolloutCompleted(status)) return false;
  const podsGoing = others.some((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) > 0);
  const delayNotStarted = isSaturated(rollout, newRS) && others.some((rs) => (rs.spec?.replicas ?? 0) > 0);
  return podsGoing || delayNotStarted;
}
