import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutDurationStatus, RolloutStatus } from '../../api/index.ts';
import { formatTime } from '../../api/kit.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import { currentCanaryStep } from './current-step.ts';
import { isRollback, rollbackWithinScaleDownDelay, rollbackWithinWindow } from './rollback-window.ts';
import { toMillis } from './time.ts';

export interface DurationInput {
  /** The Rollout as observed: its status is the one persisted before this pass. */
  rollout: Rollout;
  /** The status this pass decided (hashes, pauses, abort, conditions). */
  status: RolloutStatus;
  /** The new ReplicaSet: the one observed, or the one this pass creates (no creation time yet). */
  newRS: V1ReplicaSet;
  /** False when this pass creates the new ReplicaSet: nothing of it is available yet. */
  newRSObserved: boolean;
  /** The ReplicaSet `status.stableRS` named before this pass. */
  stableRS: V1ReplicaSet | undefined;
  replicaSets: readonly V1ReplicaSet[];
  now: Date;
}

/**
 * `status.duration`, the timing of the current rollout attempt, as Argo's calculateStatusDuration
 * (with promoteStable's completion status) records it: when the attempt started, the time spent in
 * pauses only a person can end, when it finished and how (Promoted, FastPromoted, Aborted,
 * Superseded, RolledBack, FastRolledBack). Level-triggered like the rest of the status: each pass
 * compares the persisted status with the decided one.
 */
export function statusDuration(input: DurationInput): RolloutDurationStatus | undefined {
  const { rollout, status, newRS, now } = input;
  const prev = rollout.status ?? {};
  if (status.conditions?.some((c) => c.type === 'InvalidSpec')) return prev.duration;
  const at = formatTime(now);
  let duration: RolloutDurationStatus | undefined = prev.duration ? { ...prev.duration } : undefined;

  // promoteStable: switching the stable ReplicaSet names the outcome, finished once available.
  if (duration && !duration.completionStatus && status.stableRS !== undefined && prev.stableRS !== status.stableRS && status.stableRS === status.currentPodHash) {
    duration.completionStatus = prev.promoteFull ? 'FastPromoted' : 'Promoted';
  }

  const canary = rollout.spec.strategy.canary !== undefined;
  const podSpecChanged =
    !prev.currentPodHash ||
    prev.currentPodHash !== status.currentPodHash ||
    (canary && !!prev.currentStepHash && prev.currentStepHash !== status.currentStepHash);
  const isPromoted = status.stableRS === status.currentPodHash;
  const reachedDesired = input.newRSObserved && (newRS.status?.availableReplicas ?? 0) >= replicasOrDefault(rollout);
  const isCompleted = isPromoted && reachedDesired;
  const isAborted = status.abort === true;
  const wasAborted = prev.conditions?.find((c) => c.type === 'Progressing')?.reason === 'RolloutAborted';
  const isRetry = !isAborted && wasAborted;
  let pauseTracked = prev.duration?.manualPauseStartedAt !== undefined;
  const inProgress = prev.duration?.rolloutStartedAt !== undefined && !completed(prev.duration);

  if (duration && inProgress) {
    if (podSpecChanged) {
      if (isRollback(newRS, input.stableRS)) {
        // The user went back to a previous template: the same attempt goes on, now a rollback.
        duration.completionStatus = isFastRollback(input) ? 'FastRolledBack' : 'RolledBack';
      } else {
        duration = finish(duration, now, 'Superseded');
      }
    }
    if (isCompleted && !completed(duration)) return finish(duration, now, duration.completionStatus ?? 'Promoted');
    if (isAborted && !completed(duration)) duration = finish(duration, now, duration.completionStatus ?? 'Aborted');
  }

  if (!duration || (completed(duration) && !isCompleted)) {
    pauseTracked = false;
    // Already at the stable target (a change of strategy, say): nothing rolls out.
    if ((podSpecChanged && !isCompleted) || isRetry) duration = { rolloutStartedAt: at };
  }
  if (!duration || completed(duration)) return duration;

  const manualPause = rollout.spec.paused === true || (status.pauseConditions ?? []).some((c) => requiresManualAction(c.reason, rollout));
  if (pauseTracked && !manualPause && duration.manualPauseStartedAt !== undefined) {
    const { manualPauseStartedAt, ...rest } = duration;
    duration = { ...rest, totalManualPauseDurationSeconds: (duration.totalManualPauseDurationSeconds ?? 0) + secondsSince(manualPauseStartedAt, now) };
  } else if (!pauseTracked && manualPause && duration.manualPauseStartedAt === undefined) {
    duration = { ...duration, manualPauseStartedAt: at };
  }
  return duration;
}

/** Argo's requiresManualAction: pauses only a promote ends (never a timed pause step). */
function requiresManualAction(reason: string, rollout: Rollout): boolean {
  switch (reason) {
    case 'InconclusiveAnalysisRun':
    case 'InconclusiveExperiment':
      return true;
    case 'CanaryPauseStep': {
      const step = currentCanaryStep(rollout).step;
      return step?.pause !== undefined && step.pause.duration === undefined;
    }
    case 'BlueGreenPause':
      return rollout.spec.strategy.blueGreen?.autoPromotionEnabled === false;
    default:
      return false;
  }
}

/** Argo's isFastRollback: within the rollback window, the scale-down delay, or back to stable. */
function isFastRollback(input: DurationInput): boolean {
  const { rollout, newRS, stableRS } = input;
  const toStable = stableRS !== undefined && stableRS.metadata?.name === newRS.metadata?.name;
  return (
    toStable ||
    rollbackWithinWindow(rollout, newRS, stableRS, input.replicaSets) ||
    (rollout.spec.strategy.blueGreen !== undefined && rollbackWithinScaleDownDelay(newRS, stableRS, input.now))
  );
}

function completed(duration: RolloutDurationStatus | undefined): boolean {
  return duration?.rolloutStartedAt !== undefined && duration.finishedAt !== undefined;
}

/** Argo's CompleteRollout: a manual pause still open is added to the total. */
function finish(duration: RolloutDurationStatus, now: Date, completionStatus: string): RolloutDurationStatus {
  const { manualPauseStartedAt, ...rest } = duration;
  const total = manualPauseStartedAt === undefined ? duration.totalManualPauseDurationSeconds : (duration.totalManualPauseDurationSeconds ?? 0) + secondsSince(manualPauseStartedAt, now);
  return { ...rest, ...(total === undefined ? {} : { totalManualPauseDurationSeconds: total }), finishedAt: formatTime(now), completionStatus };
}

/** Whole seconds, truncated as Go's int64(Duration.Seconds()). */
function secondsSince(start: string, now: Date): number {
  return Math.max(0, Math.trunc((now.getTime() - (toMillis(start) ?? now.getTime())) / 1000));
}
