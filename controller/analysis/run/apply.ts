// Folds taken measurements into an AnalysisRun's status and decides what
// comes next: Argo's runMeasurements bookkeeping, assessRunStatus,
// garbageCollectMeasurements and calculateNextReconcileTime, as one pure step.
import { parseGoDurationMillis } from '../../api/duration.ts';
import { formatTime } from '../../api/kit.ts';
import {
  isCompleted,
  type AnalysisRun,
  type AnalysisRunStatus,
  type Measurement,
  type Metric,
  type MetricResult,
  type RunSummary,
} from '../types.ts';
import { intValue } from '../../api/intstr.ts';
import { assessRunStatus } from './assess.ts';
import {
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  DEFAULT_MEASUREMENT_HISTORY_LIMIT,
  effectiveCount,
  getResult,
  isTerminating,
  lastMeasurement,
  metricCompleted,
  parseTime,
} from './helpers.ts';
import { checkSpec } from './plan.ts';
import { dryRunMetricNames, measurementRetentionByMetric } from './rules.ts';

export interface TakenMeasurement {
  metricName: string;
  measurement: Measurement;
  // True when this measurement is an in-flight one resumed or terminated,
  // which replaces the last entry instead of adding one.
  replacesLast: boolean;
  // Provider metadata recorded on the metric result when it is first created
  // (for example the resolved Prometheus query).
  resultMetadata?: Record<string, string>;
}

export interface ApplyOptions {
  // Secret values to mask in measurement messages.
  secrets?: readonly string[];
}

export interface GarbageCollection {
  metricName: string;
  // Keep this many of the newest measurements (and their jobs).
  limit: number;
}

export interface ApplyResult {
  status: AnalysisRunStatus;
  // When the run should be looked at again; undefined when nothing is pending.
  requeueAfterMs: number | undefined;
  // Metrics whose history was trimmed: their providers may clean up too.
  garbageCollect: GarbageCollection[];
}

export function applyMeasurements(
  run: AnalysisRun,
  now: number,
  taken: readonly TakenMeasurement[],
  options: ApplyOptions = {},
): ApplyResult {
  if (isCompleted(run.status?.phase)) {
    return { status: run.status ?? {}, requeueAfterMs: undefined, garbageCollect: [] };
  }
  const checked = checkSpec(run, now);
  if ('status' in checked) return { status: checked.status, requeueAfterMs: undefined, garbageCollect: [] };
  const metrics = checked.metrics;
  const dryRun = dryRunMetricNames(run.spec.dryRun, metrics);
  const retention = measurementRetentionByMetric(run.spec.measurementRetention, metrics);

  const results = (run.status?.metricResults ?? []).map(copyResult);
  for (const t of taken) record(results, t, dryRun.has(t.metricName), now, options.secrets ?? []);

  const measured: AnalysisRun = { ...run, status: { ...run.status, metricResults: results } };
  const terminating = isTerminating(measured);
  const assessment = assessRunStatus(measured, metrics, dryRun, terminating, now);

  const status: AnalysisRunStatus = {
    ...run.status,
    metricResults: assessment.metricResults,
    startedAt: assessment.startedAt,
    runSummary: compactSummary(assessment.runSummary),
    dryRunSummary: compactSummary(assessment.dryRunSummary),
  };
  if (assessment.phase !== run.status?.phase) {
    status.phase = assessment.phase;
    status.message = assessment.message;
    if (status.message === '') delete status.message;
    if (isCompleted(assessment.phase) && !status.completedAt) status.completedAt = formatTime(new Date(now));
  }

  const garbageCollect: GarbageCollection[] = [];
  status.metricResults = status.metricResults!.map((r) => {
    const rule = retention.get(r.name);
    const limit = rule && rule.limit > 0 ? rule.limit : DEFAULT_MEASUREMENT_HISTORY_LIMIT;
    const ms = r.measurements ?? [];
    if (ms.length <= limit) return compactResult(r);
    garbageCollect.push({ metricName: r.name, limit });
    return compactResult({ ...r, measurements: ms.slice(ms.length - limit) });
  });

  const requeueAt = isCompleted(status.phase) ? undefined : nextReconcileTime({ ...run, status }, metrics, now);
  return {
    status,
    requeueAfterMs: requeueAt === undefined ? undefined : Math.max(0, requeueAt - now),
    garbageCollect,
  };
}

function copyResult(r: MetricResult): MetricResult {
  return { ...r, measurements: [...(r.measurements ?? [])] };
}

function record(results: MetricResult[], t: TakenMeasurement, dryRun: boolean, now: number, secrets: readonly string[]): void {
  let result = getResult(results, t.metricName);
  if (result === undefined) {
    result = { name: t.metricName, phase: 'Running', measurements: [] };
    if (dryRun) result.dryRun = true;
    if (t.resultMetadata && Object.keys(t.resultMetadata).length > 0) result.metadata = { ...t.resultMetadata };
    results.push(result);
  }
  const m: Measurement = { ...t.measurement };
  if (isCompleted(m.phase)) {
    if (!m.finishedAt) m.finishedAt = formatTime(new Date(now));
    // A streak of successes, for consecutiveSuccessLimit: anything else breaks it.
    result.consecutiveSuccess = m.phase === 'Successful' ? (result.consecutiveSuccess ?? 0) + 1 : 0;
    if (m.phase === 'Error') {
      result.error = (result.error ?? 0) + 1;
      result.consecutiveError = (result.consecutiveError ?? 0) + 1;
    } else {
      if (m.phase === 'Successful') result.successful = (result.successful ?? 0) + 1;
      if (m.phase === 'Failed') result.failed = (result.failed ?? 0) + 1;
      if (m.phase === 'Inconclusive') result.inconclusive = (result.inconclusive ?? 0) + 1;
      result.count = (result.count ?? 0) + 1;
      result.consecutiveError = 0;
    }
  }
  if (m.message) {
    for (const secret of secrets) if (secret !== '') m.message = m.message.split(secret).join('*****');
  }
  const measurements = result.measurements ?? [];
  if (t.replacesLast && measurements.length > 0) measurements[measurements.length - 1] = compactMeasurement(m);
  else measurements.push(compactMeasurement(m));
  result.measurements = measurements;
}

function nextReconcileTime(run: AnalysisRun, metrics: readonly Metric[], now: number): number | undefined {
  const results = run.status?.metricResults;
  let at: number | undefined;
  const consider = (t: number) => {
    if (at === undefined || t < at) at = t;
  };
  for (const metric of metrics) {
    if (metricCompleted(results, metric.name)) continue;
    const result = getResult(results, metric.name);
    const last = lastMeasurement(result);
    if (last === undefined) {
      if (metric.initialDelay) consider((parseTime(run.status?.startedAt) ?? now) + parseGoDurationMillis(metric.initialDelay));
      continue;
    }
    if (!last.finishedAt) {
      const resumeAt = parseTime(last.resumeAt);
      if (resumeAt !== undefined) consider(resumeAt);
      continue;
    }
    const count = effectiveCount(metric, intValue);
    if (count !== undefined && (result?.count ?? 0) >= count) continue;
    let interval: number;
    if (last.phase === 'Error') interval = DEFAULT_ERROR_RETRY_INTERVAL_MS;
    else if (metric.interval) interval = parseGoDurationMillis(metric.interval);
    else continue;
    consider((parseTime(last.finishedAt) ?? now) + interval);
  }
  return at;
}

// Argo's status fields are `omitempty`: zero counters and empty strings are
// left out of the object rather than written as 0 or "".
function compactResult(r: MetricResult): MetricResult {
  const out: MetricResult = { name: r.name, phase: r.phase };
  if (r.measurements && r.measurements.length > 0) out.measurements = r.measurements;
  if (r.message) out.message = r.message;
  for (const key of ['count', 'successful', 'failed', 'inconclusive', 'error', 'consecutiveError', 'consecutiveSuccess'] as const) {
    if (r[key]) out[key] = r[key];
  }
  if (r.dryRun) out.dryRun = true;
  if (r.metadata && Object.keys(r.metadata).length > 0) out.metadata = r.metadata;
  return out;
}

function compactMeasurement(m: Measurement): Measurement {
  const out: Measurement = { phase: m.phase };
  if (m.message) out.message = m.message;
  if (m.startedAt) out.startedAt = m.startedAt;
  if (m.finishedAt) out.finishedAt = m.finishedAt;
  if (m.value) out.value = m.value;
  if (m.metadata && Object.keys(m.metadata).length > 0) out.metadata = m.metadata;
  if (m.resumeAt) out.resumeAt = m.resumeAt;
  return out;
}

function compactSummary(s: RunSummary): RunSummary {
  const out: RunSummary = {};
  for (const key of ['count', 'successful', 'failed', 'inconclusive', 'error'] as const) if (s[key]) out[key] = s[key];
  return out;
}
