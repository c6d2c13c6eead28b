// Which metrics need a measurement now: Argo's generateMetricTasks, pure.
import { parseGoDurationMillis } from '../../api/duration.ts';
import { formatTime } from '../../api/kit.ts';
import { isCompleted, type AnalysisRun, type AnalysisRunStatus, type Measurement, type Metric } from '../types.ts';
import { intValue } from '../../api/intstr.ts';
import { analysisRunSpecError } from '../../api/validation/analysis.ts';
import {
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  effectiveCount,
  getResult,
  isTerminating,
  lastMeasurement,
  metricCompleted,
  parseTime,
  resolveMetricsWithoutSecrets,
} from './helpers.ts';

export interface MetricTask {
  // The metric as written in the run (args not yet substituted): the executor
  // resolves it with secret values just before measuring.
  metric: Metric;
  // run: start a new measurement; resume: poll an in-flight one;
  // terminate: stop an in-flight one because the run is ending.
  action: 'run' | 'resume' | 'terminate';
  incomplete?: Measurement;
}

export type Plan =
  | { kind: 'completed' }
  | { kind: 'invalid'; status: AnalysisRunStatus }
  | { kind: 'measure'; tasks: MetricTask[] };

export function planMeasurements(run: AnalysisRun, now: number): Plan {
  if (isCompleted(run.status?.phase)) return { kind: 'completed' };
  const checked = checkSpec(run, now);
  if ('status' in checked) return { kind: 'invalid', status: checked.status };
  return { kind: 'measure', tasks: dueTasks(run, checked.metrics, now) };
}

// The spec errors Argo reports as an Error phase before measuring anything.
export function checkSpec(run: AnalysisRun, now: number): { metrics: Metric[] } | { status: AnalysisRunStatus } {
  const invalid = (message: string) => ({ status: errorStatus(run, message, now) });
  let metrics: Metric[];
  try {
    metrics = resolveMetricsWithoutSecrets(run.spec.metrics ?? [], run.spec.args);
  } catch (err) {
    return invalid(`Unable to resolve metric arguments: ${(err as Error).message}`);
  }
  const specError = analysisRunSpecError({ ...run.spec, metrics });
  if (specError !== undefined) return invalid(`Analysis spec invalid: ${specError}`);
  return { metrics };
}

export function errorStatus(run: AnalysisRun, message: string, now: number): AnalysisRunStatus {
  return {
    ...run.status,
    metricResults: run.status?.metricResults ?? [],
    phase: 'Error',
    message,
    completedAt: run.status?.completedAt ?? formatTime(new Date(now)),
  };
}

function dueTasks(run: AnalysisRun, resolved: Metric[], now: number): MetricTask[] {
  const results = run.status?.metricResults;
  const terminating = isTerminating(run);
  const tasks: MetricTask[] = [];
  resolved.forEach((metric, i) => {
    const specMetric = run.spec.metrics[i]!;
    if (metricCompleted(results, metric.name)) return;
    const result = getResult(results, metric.name);
    const last = lastMeasurement(result);
    if (last !== undefined && !last.finishedAt) {
      // As Argo: a terminated run stops an in-flight measurement at once, whenever it was to resume.
      const resumeAt = parseTime(last.resumeAt);
      if (!terminating && resumeAt !== undefined && resumeAt > now) return;
      tasks.push({ metric: specMetric, action: terminating ? 'terminate' : 'resume', incomplete: last });
      return;
    }
    if (terminating) return;
    if (last === undefined) {
      if (metric.initialDelay) {
        const startedAt = parseTime(run.status?.startedAt);
        if (startedAt === undefined) return;
        if (startedAt + parseGoDurationMillis(metric.initialDelay) > now) return;
      }
      tasks.push({ metric: specMetric, action: 'run' });
      return;
    }
    const count = effectiveCount(metric, intValue);
    if (count !== undefined && (result?.count ?? 0) >= count) return;
    // Without an interval the metric is only retried after an error.
    let interval = DEFAULT_ERROR_RETRY_INTERVAL_MS;
    if (last.phase !== 'Error' && metric.interval) interval = parseGoDurationMillis(metric.interval);
    const finishedAt = parseTime(last.finishedAt) ?? 0;
    if (now > finishedAt + interval) tasks.push({ metric: specMetric, action: 'run' });
  });
  return tasks;
}
