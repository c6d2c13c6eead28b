import type { AnalysisPhase, Experiment, ExperimentStatus, ExperimentTemplate } from '../api/index.ts';
import { parseDuration } from '../api/duration.ts';
import { toMillis } from '../reconcile/shared/time.ts';
import { templateReplicasOf } from './render.ts';

/** Argo's utils/experiment predicates over an Experiment and a status. */

const COMPLETED: ReadonlySet<string> = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);
export const isCompletedPhase = (phase: string | undefined): phase is AnalysisPhase => phase !== undefined && COMPLETED.has(phase);

export function requiredAnalysisRunsSuccessful(ex: Experiment, status: ExperimentStatus | undefined): boolean {
  const required = (ex.spec.analyses ?? []).filter((a) => a.requiredForCompletion);
  return required.length > 0 && required.every((a) => status?.analysisRuns?.find((r) => r.name === a.name)?.phase === 'Successful');
}

export const hasRequiredAnalysisRuns = (ex: Experiment): boolean => (ex.spec.analyses ?? []).some((a) => a.requiredForCompletion);

/** Argo's IsTerminating: asked to, finished, a template or an analysis went wrong, or required analyses passed. */
export function isTerminating(ex: Experiment, status: ExperimentStatus | undefined): boolean {
  if (ex.spec.terminate) return true;
  if (isCompletedPhase(status?.phase)) return true;
  if ((status?.templateStatuses ?? []).some((t) => t.status === 'Failed' || t.status === 'Error')) return true;
  if ((status?.analysisRuns ?? []).some((r) => r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive')) return true;
  return requiredAnalysisRunsSuccessful(ex, status);
}

/** Milliseconds left of the duration once available; undefined without a duration or before. */
export function durationRemainingMs(ex: Experiment, status: ExperimentStatus | undefined, now: Date): number | undefined {
  if (!ex.spec.duration) return undefined;
  const availableAt = toMillis(status?.availableAt);
  if (availableAt === undefined) return undefined;
  return availableAt + parseDuration(ex.spec.duration) * 1000 - now.getTime();
}

/** Argo's PassedDurations. */
export function passedDuration(ex: Experiment, status: ExperimentStatus | undefined, now: Date): boolean {
  const remaining = durationRemainingMs(ex, status, now);
  return remaining !== undefined && remaining < 0;
}

/** Argo's CalculateTemplateReplicasCount: none once finished, terminating or the template completed. */
export function desiredReplicas(ex: Experiment, status: ExperimentStatus | undefined, template: ExperimentTemplate): number {
  if (isTerminating(ex, status)) return 0;
  const ts = status?.templateStatuses?.find((t) => t.name === template.name);
  if (isCompletedPhase(ts?.status)) return 0;
  return templateReplicasOf(template);
}
