import type { RolloutEvent } from '../types.ts';
import { MESSAGES, REASONS } from './messages.ts';

/**
 * The Kubernetes events both strategies record on a Rollout, their texts from the one message
 * table, so a canary and a blue-green Rollout report the same happening the same way.
 */

export function rolloutPausedEvent(pauseReason: string): RolloutEvent {
  return { type: 'Normal', reason: REASONS.RolloutPaused, message: `${MESSAGES.rolloutPaused} (${pauseReason})` };
}

export function rolloutResumedEvent(): RolloutEvent {
  return { type: 'Normal', reason: REASONS.RolloutResumed, message: MESSAGES.rolloutResumed };
}

export function rolloutAbortedEvent(revision: number): RolloutEvent {
  return { type: 'Warning', reason: REASONS.RolloutAborted, message: MESSAGES.rolloutAborted(revision) };
}

export function rolloutCompletedEvent(revision: number, podHash: string, why: string): RolloutEvent {
  return { type: 'Normal', reason: REASONS.RolloutCompleted, message: MESSAGES.rolloutCompleted(revision, podHash, why) };
}

export function switchServiceEvent(service: string, from: string, to: string): RolloutEvent {
  return { type: 'Normal', reason: REASONS.SwitchService, message: MESSAGES.switchService(service, from, to) };
}

export function analysisRunCreateErrorEvent(kind: string, err: unknown): RolloutEvent {
  return { type: 'Warning', reason: REASONS.AnalysisRunCreateError, message: MESSAGES.analysisRunCreateError(kind, (err as Error).message) };
}
