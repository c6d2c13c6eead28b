// Pure decisions around one AnalysisRun pass: the status write, the events
// Argo records on the run, and when a finished run's ttlStrategy deletes it.
import { createMergePatch, type JsonObject } from '../../kube/merge-patch.ts';
import { isCompleted, type AnalysisRun, type AnalysisRunStatus } from '../types.ts';

export interface RunEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The merge patch for the status subresource, or null when nothing changed. */
export function statusPatch(run: AnalysisRun, next: AnalysisRunStatus): JsonObject | null {
  return createMergePatch(run.status ?? {}, next);
}

const warningPhase = (phase: string | undefined): boolean => phase === 'Failed' || phase === 'Error';

/**
 * Argo's events on the run: "Metric<Phase>" when a metric completes and "AnalysisRun<Phase>"
 * when the run does, Warning for Failed and Error.
 */
export function runEvents(before: AnalysisRunStatus | undefined, after: AnalysisRunStatus): RunEvent[] {
  const events: RunEvent[] = [];
  for (const result of after.metricResults ?? []) {
    const previous = before?.metricResults?.find((r) => r.name === result.name)?.phase;
    if (result.phase === previous || !isCompleted(result.phase)) continue;
    events.push({
      type: warningPhase(result.phase) ? 'Warning' : 'Normal',
      reason: `Metric${result.phase}`,
      message: `Metric '${result.name}' Completed. Result: ${result.phase}`,
    });
  }
  if (after.phase !== before?.phase && isCompleted(after.phase)) {
    events.push({
      type: warningPhase(after.phase) ? 'Warning' : 'Normal',
      reason: `AnalysisRun${after.phase}`,
      message: `Analysis Completed. Result: ${after.phase}`,
    });
  }
  return events;
}

export type TtlDecision = { kind: 'keep' } | { kind: 'delete' } | { kind: 'wait'; ms: number };

/**
 * Argo's isAnalysisRunTtlExceeded: a completed run with a ttlStrategy is deleted once more whole
 * seconds than its TTL have passed since completedAt. secondsAfterSuccess applies to Successful
 * runs, secondsAfterFailure to Failed ones, secondsAfterCompletion to any other completed run.
 */
export function ttlDecision(run: AnalysisRun, now: number): TtlDecision {
  const ttl = run.spec.ttlStrategy;
  const phase = run.status?.phase;
  if (!ttl || !isCompleted(phase)) return { kind: 'keep' };
  const completedAt = run.status?.completedAt ? Date.parse(run.status.completedAt) : NaN;
  if (Number.isNaN(completedAt)) return { kind: 'keep' };
  let seconds: number | undefined;
  if (phase === 'Successful' && ttl.secondsAfterSuccess !== undefined) seconds = ttl.secondsAfterSuccess;
  else if (phase === 'Failed' && ttl.secondsAfterFailure !== undefined) seconds = ttl.secondsAfterFailure;
  else seconds = ttl.secondsAfterCompletion;
  if (seconds === undefined) return { kind: 'keep' };
  const elapsedSeconds = Math.floor((now - completedAt) / 1000);
  if (elapsedSeconds > seconds) return { kind: 'delete' };
  return { kind: 'wait', ms: Math.max(0, completedAt + (seconds + 1) * 1000 - now) };
}
