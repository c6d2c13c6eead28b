import { resolveMetricArgs } from '../template.ts';
import { isCompleted, type AnalysisPhase, type AnalysisRun, type Argument, type Measurement, type Metric, type MetricResult } from '../types.ts';

// Argo's own defaults (analysis/analysis.go, utils/defaults).
export const DEFAULT_MEASUREMENT_HISTORY_LIMIT = 10;
export const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
export const DEFAULT_ERROR_RETRY_INTERVAL_MS = 10_000;

export function parseTime(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function getResult(results: readonly MetricResult[] | undefined, name: string): MetricResult | undefined {
  return results?.find((r) => r.name === name);
}

export function lastMeasurement(result: MetricResult | undefined): Measurement | undefined {
  const ms = result?.measurements;
  return ms && ms.length > 0 ? ms[ms.length - 1] : undefined;
}

export function metricCompleted(results: readonly MetricResult[] | undefined, name: string): boolean {
  return isCompleted(getResult(results, name)?.phase);
}

// A run stops taking new measurements once asked to, or once a metric that
// counts (not dry-run) has ended badly.
export function isTerminating(run: AnalysisRun): boolean {
  if (run.spec.terminate) return true;
  return (run.status?.metricResults ?? []).some(
    (r) => !r.dryRun && (r.phase === 'Failed' || r.phase === 'Error' || r.phase === 'Inconclusive'),
  );
}

// Best to worst, as Argo orders them when several metrics finish differently.
const PHASE_ORDER: AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

export function isWorse(current: AnalysisPhase, next: AnalysisPhase): boolean {
  return Math.max(0, PHASE_ORDER.indexOf(next)) > Math.max(0, PHASE_ORDER.indexOf(current));
}

// Count is unset or 0: one measurement without an interval, endless with one.
export function effectiveCount(metric: Metric, intValue: (v: Metric['count']) => number): number | undefined {
  const count = intValue(metric.count);
  if (count === 0) return metric.interval ? undefined : 1;
  return count;
}

// Secret values are only fetched to take a measurement; bookkeeping sees a
// stand-in so that the run's status never depends on (or leaks) them.
export function resolveMetricsWithoutSecrets(metrics: readonly Metric[], args: readonly Argument[] = []): Metric[] {
  const standIns = args.map((arg) =>
    arg.valueFrom?.secretKeyRef ? { name: arg.name, value: 'temp-for-secret' } : { ...arg },
  );
  return metrics.map((m) => resolveMetricArgs(m, standIns));
}
