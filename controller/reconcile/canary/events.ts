import type { CanaryStep, Rollout, RolloutStatus } from '../../api/index.ts';
import type { CanaryActionName, CanaryFacts } from '../../machine/canary.ts';
import { INITIAL_DEPLOY, rolloutCompletedEvent, rolloutPausedEvent, rolloutResumedEvent } from '../shared/events.ts';
import { MESSAGES, REASONS } from '../shared/messages.ts';
import { revisionOf } from '../shared/revisions.ts';
import type { RolloutEvent } from '../types.ts';
import { stepDescription } from './steps.ts';

/** The events a canary decision raises: pauses and resumes, skipped and completed steps, the promotion done. */

/** Argo's sendStateChangeEvents: RolloutPaused when the first pause condition appears, RolloutResumed when the last goes. */
export function pauseEvents(previous: RolloutStatus, next: RolloutStatus, aborted: boolean): RolloutEvent[] {
  const wasPaused = (previous.pauseConditions ?? []).length > 0;
  const [first] = next.pauseConditions ?? [];
  if (!wasPaused && first) return [rolloutPausedEvent(first.reason)];
  if (wasPaused && !first && !aborted) return [rolloutResumedEvent()];
  return [];
}

export function decisionEvents(
  rollout: Rollout,
  facts: CanaryFacts,
  actions: readonly CanaryActionName[],
  stableHash: string | undefined,
  steps: readonly CanaryStep[],
  step: CanaryStep | undefined,
): RolloutEvent[] {
  const status = rollout.status ?? {};
  const events: RolloutEvent[] = [];
  for (const action of actions) {
    if (action === 'skipAllSteps') {
      const message = facts.newHash === facts.stableHash ? MESSAGES.rollbackToStable : MESSAGES.rollbackWithinWindow;
      events.push({ type: 'Normal', reason: REASONS.SkipSteps, message });
    }
    if (action === 'completeStep' && step) {
      const description = stepDescription(step);
      events.push({ type: 'Normal', reason: REASONS.RolloutStepCompleted, message: MESSAGES.rolloutStepCompleted(facts.stepIndex + 1, steps.length, description) });
    }
    if (action === 'markStable' && (status.stableRS ?? '') !== stableHash) {
      events.push(rolloutCompletedEvent(revisionOf(rollout) ?? 0, facts.newHash, promotionReason(facts)));
    }
  }
  return events;
}

/** The reason Argo's shouldFullPromote gives. */
function promotionReason(facts: CanaryFacts): string {
  if (!facts.stableReplicaSetExists) return INITIAL_DEPLOY;
  if (facts.promoteFullRequested) return 'Full promotion requested';
  if (facts.rollbackWithinWindow) return 'Rollback within window';
  return `Completed all ${facts.steps.length} canary steps`;
}
