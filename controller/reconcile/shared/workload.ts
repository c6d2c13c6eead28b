import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutStatus } from '../../api/index.ts';
import { WORKLOAD_GENERATION_ANNOTATION } from '../../api/labels.ts';
import { revisionOf } from './revisions.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { Effect, Observed } from '../types.ts';

/**
 * spec.workloadRef: the Rollout takes its pod template from a Deployment (see plan's
 * withWorkloadTemplate), records which generation of it it has seen, and, as `scaleDown` asks,
 * scales the Deployment down while the Rollout takes over its pods, as Argo does when a
 * Deployment is migrated to a Rollout:
 * - `never` (the default) leaves the Deployment alone;
 * - `onsuccess` scales it to zero once the Rollout's first revision is Healthy;
 * - `progressively` takes one Deployment replica away for each available pod of the Rollout's
 *   first revision.
 * Only the first revision migrates: later updates are made to the Deployment's template, whose
 * pods are already gone.
 */

export interface WorkloadPlan {
  effects: Effect[];
  /** status.workloadObservedGeneration, when the Rollout references a workload. */
  workloadObservedGeneration?: string;
}

export function planWorkload(rollout: Rollout, workload: Observed['workloadTemplate'], newRS: V1ReplicaSet | undefined, status: RolloutStatus): WorkloadPlan {
  const ref = rollout.spec.workloadRef;
  if (!ref || !workload) return { effects: [] };
  const effects: Effect[] = [];
  const generation = workload.generation !== undefined ? String(workload.generation) : undefined;
  if (generation !== undefined && rollout.metadata.annotations?.[WORKLOAD_GENERATION_ANNOTATION] !== generation) {
    effects.push({ kind: 'annotateRollout', annotations: { [WORKLOAD_GENERATION_ANNOTATION]: generation }, reason: 'workload generation' });
  }
  const target = deploymentTarget(ref.scaleDown, rollout, newRS, status);
  if (target !== undefined && workload.replicas !== undefined && target < workload.replicas) {
    effects.push({ kind: 'scaleDeployment', name: ref.name ?? '', replicas: target, reason: `workloadRef.scaleDown ${ref.scaleDown}` });
  }
  return { effects, ...(generation !== undefined ? { workloadObservedGeneration: generation } : {}) };
}

/** How many replicas the Deployment should keep, or undefined to leave it as it is. */
function deploymentTarget(scaleDown: string | undefined, rollout: Rollout, newRS: V1ReplicaSet | undefined, status: RolloutStatus): number | undefined {
  if (!newRS || revisionOf(newRS) !== 1) return undefined;
  if (scaleDown === 'onsuccess') return status.phase === 'Healthy' ? 0 : undefined;
  if (scaleDown === 'progressively') return Math.max(0, replicasOrDefault(rollout) - (newRS.status?.availableReplicas ?? 0));
  return undefined;
}
