import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import type { EventStage, RolloutEvent } from '../types.ts';
import { isGenerationObserved } from './phase.ts';
import { revisionOf } from './revisions.ts';
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

/** Argo's reason for the first revision becoming stable. */
export const INITIAL_DEPLOY = 'Initial deploy';

export function rolloutCompletedEvent(revision: number, podHash: string, why: string): RolloutEvent {
  const event: RolloutEvent = { type: 'Normal', reason: REASONS.RolloutCompleted, message: MESSAGES.rolloutCompleted(revision, podHash, why) };
  return why === INITIAL_DEPLOY ? { ...event, stage: 'initialDeploy' } : event;
}

export function switchServiceEvent(service: string, from: string, to: string, stage: EventStage): RolloutEvent {
  return { type: 'Normal', reason: REASONS.SwitchService, message: MESSAGES.switchService(service, from, to), stage };
}

/**
 * Whether a pass announces RolloutAddedToInformer: only while no pass has observed the Rollout's
 * current generation (a new Rollout, or one changed while no controller ran), read from its status
 * rather than from memory. Argo records it on every informer add, so each of its restarts writes
 * one Event per Rollout; here a restart over settled Rollouts writes nothing.
 */
export function announcesAddedToInformer(rollout: Pick<Rollout, 'metadata' | 'status'>): boolean {
  return rollout.status?.observedGeneration === undefined || !isGenerationObserved(rollout as Rollout);
}

/** Argo's informer add handler: the controller has started following this Rollout. */
export function rolloutAddedToInformerEvent(namespace: string, name: string): RolloutEvent {
  return { type: 'Normal', reason: REASONS.RolloutAddedToInformer, message: MESSAGES.rolloutAddedToInformer(namespace, name) };
}

export function rolloutUpdatedEvent(revision: string): RolloutEvent {
  return { type: 'Normal', reason: REASONS.RolloutUpdated, message: MESSAGES.rolloutUpdated(revision) };
}

/** Argo's createDesiredReplicaSet: the ReplicaSet created for a new pod template. */
export function newReplicaSetEvent(rs: V1ReplicaSet): RolloutEvent {
  return { type: 'Normal', reason: REASONS.NewReplicaSet, message: MESSAGES.newReplicaSetDetailed(rs.metadata?.name ?? '', revisionOf(rs) ?? 0) };
}

/** Argo's scaleReplicaSetAndRecordEvent: a ReplicaSet's size changed. */
export function scalingReplicaSetEvent(rs: V1ReplicaSet, from: number, to: number): RolloutEvent {
  return {
    type: 'Normal',
    reason: REASONS.ScalingReplicaSet,
    message: MESSAGES.scalingReplicaSet(to > from ? 'up' : 'down', rs.metadata?.name ?? '', revisionOf(rs) ?? 0, from, to),
  };
}

export function analysisRunCreateErrorEvent(kind: string, err: unknown): RolloutEvent {
  return { type: 'Warning', reason: REASONS.AnalysisRunCreateError, message: MESSAGES.analysisRunCreateError(kind, (err as Error).message) };
}
