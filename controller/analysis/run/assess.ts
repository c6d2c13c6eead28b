// Metric and run phases from measurements: Argo's assessMetricStatus and
// assessRunStatus, pure.
import { isCompleted, type AnalysisPhase, type AnalysisRun, type Metric, type MetricResult, type RunSummary } from '../types.ts';
import { intValue } from '../../api/intstr.ts';
import { formatTime } from '../../api/kit.ts';
import { DEFAULT_CONSECUTIVE_ERROR_LIMIT, effectiveCount, isWorse, lastMeasurement } from './helpers.ts';

export function failureInconclusiveOrError(metric: Metric, result: MetricResult): { phase?: AnalysisPhase; message: string } {
  let phase: AnalysisPhase | undefined;
  let message = '';
  const failed = result.failed ?? 0;
  const failureLimit = intValue(metric.failureLimit);
  if (failed > failureLimit) {
    phase = 'Failed';
    message = `failed (${failed}) > failureLimit (${failureLimit})`;
  }
  const inconclusive = result.inconclusive ?? 0;
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  if (inconclusive > inconclusiveLimit) {
    phase = 'Inconclusive';
    message = `inconclusive (${inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`;
  }
  const consecutiveError = result.consecutiveError ?? 0;
  const errorLimit =
    metric.consecutiveErrorLimit === undefined ? DEFAULT_CONSECUTIVE_ERROR_LIMIT : intValue(metric.consecutiveErrorLimit);
  if (consecutiveError > errorLimit) {
    phase = 'Error';
    message = `consecutiveErrors (${consecutiveError}) > consecutiveErrorLimit (${errorLimit})`;
  }
  return phase === undefined ? { message } : { phase, message };
}

export function assessMetricStatus(metric: Metric, result: MetricResult, terminating: boolean): AnalysisPhase {
  if (isCompleted(result.phase)) return result.phase;
  const last = lastMeasurement(result);
  if (last === undefined) return terminating ? 'Successful' : 'Pending';
  if (!isCompleted(last.phase)) return 'Running';
  const bad = failureInconclusiveOrError(metric, result);
  if (bad.phase !== undefined) return bad.phase;
  const successLimit = intValue(metric.consecutiveSuccessLimit);
  if (successLimit > 0 && (result.consecutiveSuccess ?? 0) >= successLimit) return 'Successful';
  const count = effectiveCount(metric, intValue);
  // With a consecutiveSuccessLimit, reaching the count (or being stopped) without the streak and
  // without exceeding failureLimit decides nothing: Argo calls that Inconclusive.
  const ended = successLimit > 0 ? 'Inconclusive' : 'Successful';
  if (count !== undefined && (result.count ?? 0) >= count) return ended;
  // An endless metric (interval, no count) ends when the run is stopped.
  return terminating ? ended : 'Running';
}

export interface RunAssessment {
  phase: AnalysisPhase;
  message: string;
  metricResults: MetricResult[];
  startedAt: string;
  runSummary: RunSummary;
  dryRunSummary: RunSummary;
}

export function assessRunStatus(
  run: AnalysisRun,
  metrics: readonly Metric[],
  dryRun: ReadonlySet<string>,
  terminating: boolean,
  now: number,
): RunAssessment {
  const results = (run.status?.metricResults ?? []).map((r) => ({ ...r }));
  const startedAt = run.status?.startedAt || formatTime(new Date(now));
  let worstStatus: AnalysisPhase | undefined;
  let worstMessage = run.spec.terminate ? 'Run Terminated' : '';
  let everythingCompleted = true;
  const runSummary = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };
  const dryRunSummary = { count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0 };

  for (const metric of metrics) {
    const isDryRun = dryRun.has(metric.name);
    const summary = isDryRun ? dryRunSummary : runSummary;
    summary.count++;
    const index = results.findIndex((r) => r.name === metric.name);
    const result = results[index];
    if (result === undefined) {
      // Not started yet, e.g. still waiting for its initialDelay.
      everythingCompleted = false;
      continue;
    }
    const metricStatus = assessMetricStatus(metric, result, terminating);
    if (result.phase !== metricStatus) {
      const last = lastMeasurement(result);
      if (last !== undefined) result.message = last.message ?? '';
      result.phase = metricStatus;
    }
    if (!isCompleted(metricStatus)) {
      everythingCompleted = false;
      continue;
    }
    const { phase, message } = failureInconclusiveOrError(metric, result);
    if (!isDryRun) {
      if (worstStatus === undefined || isWorse(worstStatus, metricStatus)) {
        worstStatus = metricStatus;
        if (message !== '') {
          worstMessage = `Metric "${metric.name}" assessed ${metricStatus} due to ${message}`;
          if (result.message) worstMessage += `: "Error Message: ${result.message}"`;
        }
      }
    } else {
      // A dry-run metric never decides the run; it only shows in its own summary.
      if (worstStatus === undefined) worstStatus = 'Successful';
      if (message !== '') result.message = `Metric assessed ${metricStatus} due to ${message}`;
    }
    if (phase === 'Error') summary.error++;
    else if (phase === 'Failed') summary.failed++;
    else if (phase === 'Inconclusive') summary.inconclusive++;
    else summary.successful++;
  }

  worstMessage = worstMessage.trim();
  const base = { metricResults: results, startedAt, runSummary, dryRunSummary };
  if (terminating) return { ...base, phase: worstStatus ?? 'Successful', message: worstMessage };
  if (!everythingCompleted || worstStatus === undefined) return { ...base, phase: 'Running', message: '' };
  return { ...base, phase: worstStatus, message: worstMessage };
}
