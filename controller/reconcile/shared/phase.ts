import type { Rollout, RolloutPhase, RolloutSpec, RolloutStatus } from '../../api/index.ts';
import { REASONS } from './messages.ts';
import { DEFAULTS } from '../../api/defaults.ts';
import { toMillis } from './time.ts';
import { WORKLOAD_GENERATION_ANNOTATION } from '../../api/labels.ts';


/**
 * The phase and message of a Rollout, as Argo Rollouts computes them (utils/rollout/rolloututil.go):
 * Degraded > Paused > Progressing > Healthy. The controller writes calculateRolloutPhase into
 * status.phase / status.message; clients read rolloutPhase, which also notices a spec change the
 * controller has not seen yet.
 */

export interface PhaseResult {
  phase: RolloutPhase;
  message: string;
}


/** Argo's IsFullyPromoted: the stable hash is the desired one. */
export function isFullyPromoted(rollout: { status?: RolloutStatus }): boolean {
  return (rollout.status?.stableRS ?? '') === (rollout.status?.currentPodHash ?? '');
}

/** Argo's IsUnpausing: the controller paused it and a user has since cleared the pause conditions. */
export function isUnpausing(rollout: Rollout): boolean {
  return !!rollout.status?.controllerPause && (rollout.status.pauseConditions ?? []).length === 0;
}

function parseGoInt(value: string | undefined): number | undefined {
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** status.observedGeneration (a string, as Argo writes it) has caught up with metadata.generation. */
export function isGenerationObserved(rollout: Rollout): boolean {
  const observed = parseGoInt(rollout.status?.observedGeneration);
  // Before numeric observed generations (Argo v0.9) there is nothing to compare.
  if (observed === undefined) return true;
  return observed >= (rollout.metadata.generation ?? 0);
}

function isWorkloadGenerationObserved(rollout: Rollout): boolean {
  const annotation = rollout.metadata.annotations?.[WORKLOAD_GENERATION_ANNOTATION];
  if (annotation === undefined) return true;
  const observed = parseGoInt(rollout.status?.workloadObservedGeneration);
  if (observed === undefined) return true;
  return observed === (parseGoInt(annotation) ?? 0);
}

/**
 * Argo's GetRolloutPhase: the phase clients show. Until the controller has observed the latest
 * spec (or the referenced workload's), or while a user's resume has not been acted on, it is
 * Progressing; then the phase the controller wrote, or computed here for a status without one.
 */
export function rolloutPhase(rollout: Rollout): PhaseResult {
  if (!isGenerationObserved(rollout)) return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed' };
  if (isUnpausing(rollout)) return { phase: 'Progressing', message: 'waiting for rollout to unpause' };
  if (rollout.spec.workloadRef && !isWorkloadGenerationObserved(rollout)) {
    return { phase: 'Progressing', message: 'waiting for rollout spec update to be observed for the reference workload' };
  }
  if (rollout.status?.phase) return { phase: rollout.status.phase, message: rollout.status.message ?? '' };
  return calculateRolloutPhase(rollout.spec, rollout.status ?? {});
}

const COMPLETED_ANALYSIS_PHASES = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

/** Argo's CalculateRolloutPhase: the phase the controller records for a spec and a freshly computed status. */
export function calculateRolloutPhase(spec: RolloutSpec, status: RolloutStatus): PhaseResult {
  for (const condition of status.conditions ?? []) {
    if (condition.type === 'InvalidSpec') return { phase: 'Degraded', message: `InvalidSpec: ${condition.message}` };
    if (condition.reason === REASONS.RolloutAborted || condition.reason === REASONS.TimedOut) {
      return { phase: 'Degraded', message: `${condition.reason}: ${condition.message}` };
    }
  }
  if (spec.paused) return { phase: 'Paused', message: 'manually paused' };
  const [pause] = status.pauseConditions ?? [];
  if (pause) return { phase: 'Paused', message: pause.reason };
  const restartAt = toMillis(spec.restartAt);
  if (restartAt !== undefined && toMillis(status.restartedAt) !== restartAt) {
    return { phase: 'Progressing', message: 'rollout is restarting' };
  }
  const updated = status.updatedReplicas ?? 0;
  if (updated < (spec.replicas ?? DEFAULTS.replicas)) return { phase: 'Progressing', message: 'more replicas need to be updated' };
  if ((status.availableReplicas ?? 0) < updated) return { phase: 'Progressing', message: 'updated replicas are still becoming available' };
  const fullyPromoted = isFullyPromoted({ status });
  const stableRS = status.stableRS ?? '';
  const blueGreen = spec.strategy.blueGreen;
  const canary = spec.strategy.canary;
  if (blueGreen) {
    const activeSelector = status.blueGreen?.activeSelector ?? '';
    if (activeSelector === '' || activeSelector !== (status.currentPodHash ?? '')) {
      return { phase: 'Progressing', message: 'active service cutover pending' };
    }
    if (stableRS === '' || !fullyPromoted) {
      // The active service already points at the new pods; what remains is post-promotion
      // analysis or verification (e.g. of the load balancer's target group).
      const postPromotion = status.blueGreen?.postPromotionAnalysisRunStatus;
      if (blueGreen.postPromotionAnalysis && (!postPromotion || !COMPLETED_ANALYSIS_PHASES.has(postPromotion.status))) {
        return { phase: 'Progressing', message: 'waiting for analysis to complete' };
      }
      return { phase: 'Progressing', message: 'waiting for post-promotion verification to complete' };
    }
  } else if (canary) {
    // Only a basic canary: traffic routing and blue-green keep old pods during scaleDownDelay.
    if (!canary.trafficRouting && (status.replicas ?? 0) > updated) {
      return { phase: 'Progressing', message: 'old replicas are pending termination' };
    }
    if (stableRS === '' || !fullyPromoted) return { phase: 'Progressing', message: 'waiting for all steps to complete' };
  }
  return { phase: 'Healthy', message: '' };
}
