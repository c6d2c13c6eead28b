import type { Rollout } from '../../api/index.ts';
import { ROLLOUT_ABORTED_REASON, TIMED_OUT_REASON, WORKLOAD_GENERATION_ANNOTATION } from './labels.ts';

export interface PhaseAndMessage {
  phase: 'Healthy' | 'Progressing' | 'Paused' | 'Degraded';
  message: string;
}

/**
 * Argo's rolloututil.GetRolloutPhase: the phase and message a client shows. The controller's
 * status.phase wins once it has observed the current generation; otherwise it is computed from
 * the spec and status as CalculateRolloutPhase does.
 */
export function rolloutPhase(ro: Rollout): PhaseAndMessage {
  if (!isGenerationObserved(ro)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  }
  if (isUnpausing(ro)) return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  if (ro.spec.workloadRef !== undefined && !isWorkloadGenerationObserved(ro)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed for the reference workload' };
  }
  const status = ro.status;
  if (status?.phase) return { phase: status.phase, message: status.message ?? '' };
  return calculateRolloutPhase(ro);
}

function isGenerationObserved(ro: Rollout): boolean {
  const observed = ro.status?.observedGeneration;
  // A non-numeric observedGeneration is a pre-0.10 hash: nothing to compare against.
  if (observed === undefined || !/^\d+$/.test(observed)) return true;
  const generation = ro.metadata.generation ?? 0;
  const value = Number(observed);
  return value > generation || value === generation;
}

/** The user cleared the pause conditions but the controller has not reacted yet. */
export function isUnpausing(ro: Rollout): boolean {
  return ro.status?.controllerPause === true && (ro.status.pauseConditions ?? []).length === 0;
}

function isWorkloadGenerationObserved(ro: Rollout): boolean {
  const annotation = ro.metadata.annotations?.[WORKLOAD_GENERATION_ANNOTATION];
  if (annotation === undefined) return true;
  const observed = ro.status?.workloadObservedGeneration;
  if (observed === undefined || !/^\d+$/.test(observed)) return true;
  return Number(observed) === Number(annotation);
}

export function isFullyPromoted(ro: Rollout): boolean {
  return (ro.status?.stableRS ?? '') === (ro.status?.currentPodHash ?? '');
}

/** Argo's CalculateRolloutPhase, for rollouts whose controller does not write status.phase. */
export function calculateRolloutPhase(ro: Rollout): PhaseAndMessage {
  const status = ro.status ?? {};
  for (const cond of status.conditions ?? []) {
    if (cond.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${cond.message}` };
    if (cond.reason === ROLLOUT_ABORTED_REASON || cond.reason === TIMED_OUT_REASON) {
      return { phase: 'Degraded', message: `${cond.reason}: ${cond.message}` };
    }
  }
  if (ro.spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const firstPause = (status.pauseConditions ?? [])[0];
  if (firstPause !== undefined) return { phase: 'Paused', message: firstPause.reason };
  if (ro.spec.restartAt !== undefined && (status.restartedAt === undefined || Date.parse(ro.spec.restartAt) !== Date.parse(status.restartedAt))) {
    return { phase: 'Progressing', message: 'rollout is restarting' };
  }
  const desired = ro.spec.replicas ?? 1;
  if ((status.updatedReplicas ?? 0) < desired) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < (status.updatedReplicas ?? 0)) {
    return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  }
  const stable = status.stableRS ?? '';
  if (ro.spec.strategy.blueGreen !== undefined) {
    const active = status.blueGreen?.activeSelector ?? '';
    if (active === '' || active !== (status.currentPodHash ?? '')) {
      return { phase: 'Progressing', message: 'active service cutover pending' };
    }
    if (stable === '' || !isFullyPromoted(ro)) {
      const post = status.blueGreen?.postPromotionAnalysisRunStatus?.status;
      const postDone = post === 'Successful' || post === 'Failed' || post === 'Error' || post === 'Inconclusive';
      if (ro.spec.strategy.blueGreen.postPromotionAnalysis !== undefined && !postDone) {
        return { phase: 'Progressing', message: 'waiting for analysis to complete' };
      }
      return { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' };
    }
  } else if (ro.spec.strategy.canary !== undefined) {
    // Only a basic canary: blue-green and traffic-routed canaries keep old pods for scaleDownDelay.
    if (ro.spec.strategy.canary.trafficRouting === undefined && (status.replicas ?? 0) > (status.updatedReplicas ?? 0)) {
      return { phase: 'Progressing', message: 'old replicas are pending termination' };
    }
    if (stable === '' || !isFullyPromoted(ro)) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}
