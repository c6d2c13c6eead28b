import type { V1ReplicaSet } from '@kubernetes/client-node';
import { formatTime } from '../../api/kit.ts';
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../../api/labels.ts';
import { nameOf } from './replicaset-identity.ts';

/** The scale-down deadline annotation a ReplicaSet waits out before it is scaled down. */

export type ScaleDownDeadline = { kind: 'none' } | { kind: 'at'; at: Date } | { kind: 'invalid'; message: string };

export function hasScaleDownDeadline(rs: V1ReplicaSet | undefined): boolean {
  return (rs?.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '') !== '';
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function scaleDownDeadlineOf(rs: V1ReplicaSet): ScaleDownDeadline {
  if (!hasScaleDownDeadline(rs)) return { kind: 'none' };
  const value = rs.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] ?? '';
  const ms = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) return { kind: 'invalid', message: `unable to read scaleDownAt label on rs '${nameOf(rs)}'` };
  return { kind: 'at', at: new Date(ms) };
}

/** The annotation value for a scale-down `delaySeconds` from `now`, as Argo writes it. */
export function formatScaleDownDeadline(now: Date, delaySeconds: number): string {
  return formatTime(new Date(now.getTime() + delaySeconds * 1000));
}

/**
 * Argo's GetTimeRemainingBeforeScaleDownDeadline: how long until the ReplicaSet may be scaled
 * down; `none` when it has no deadline or the deadline has passed.
 */
export function timeRemainingBeforeScaleDownDeadline(
  rs: V1ReplicaSet,
  now: Date,
): { kind: 'none' } | { kind: 'waiting'; remainingMs: number } | { kind: 'invalid'; message: string } {
  const deadline = scaleDownDeadlineOf(rs);
  if (deadline.kind !== 'at') return deadline;
  const remainingMs = deadline.at.getTime() - now.getTime();
  return remainingMs > 0 ? { kind: 'waiting', remainingMs } : { kind: 'none' };
}
