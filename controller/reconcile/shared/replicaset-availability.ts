import type { V1ReplicaSet } from '@kubernetes/client-node';
import { replicasOrDefault } from '../../api/defaults.ts';
import { type Rollout } from '../../api/index.ts';
import { DESIRED_REPLICAS_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION } from '../../api/labels.ts';

/** A ReplicaSet's desired-replicas annotation and whether its pods are available. */

/** The `rollout.argoproj.io/desired-replicas` annotation, or undefined when absent or not an int32. */
export function desiredReplicasAnnotation(rs: V1ReplicaSet | undefined): number | undefined {
  const value = rs?.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

/** Argo's ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(rs: V1ReplicaSet, desiredReplicas: number): boolean {
  const annotations = rs.metadata?.annotations;
  if (!annotations) return true;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desiredReplicas)) return true;
  return desiredReplicas === 0 && (annotations[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '') !== '';
}

/** Argo's IsSaturated: scaled to, annotated with, and fully available at spec.replicas. */
export function isSaturated(rollout: Rollout, rs: V1ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const replicas = replicasOrDefault(rollout);
  return desiredReplicasAnnotation(rs) === replicas && (rs.spec?.replicas ?? 0) === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

/** Argo's IsReplicaSetAvailable: scaled up and every desired pod available. */
export function isReplicaSetAvailable(rs: V1ReplicaSet | undefined): boolean {
  if (!rs || rs.spec?.replicas === undefined) return false;
  const available = rs.status?.availableReplicas ?? 0;
  return rs.spec.replicas !== 0 && available !== 0 && rs.spec.replicas <= available;
}

export function isReplicaSetPartiallyAvailable(rs: V1ReplicaSet): boolean {
  return (rs.status?.availableReplicas ?? 0) > 0;
}

/** controller.FilterActiveReplicaSets: has, or ought to have, pods. */
export function isActive(rs: V1ReplicaSet | undefined): boolean {
  return (rs?.spec?.replicas ?? 0) > 0;
}
