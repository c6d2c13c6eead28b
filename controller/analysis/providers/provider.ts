import { formatTime } from '../../api/kit.ts';
import { evaluateResult } from '../metric-conditions.ts';
import type { AnalysisRun, Measurement, Metric } from '../types.ts';

export interface ProviderContext {
  run: AnalysisRun;
  // The metric with every `{{args.x}}` already substituted, secrets included.
  metric: Metric;
  // Milliseconds since the epoch; injected so tests control time.
  now(): number;
}

// One metric source (Prometheus, a web endpoint, a Job). `run` starts a
// measurement; a provider whose measurements outlive one call (Job) also
// resumes and terminates them. Optional methods are absent when a provider
// has nothing to do there.
export interface MetricProvider {
  readonly type: string;
  run(ctx: ProviderContext): Promise<Measurement>;
  resume?(ctx: ProviderContext, measurement: Measurement): Promise<Measurement>;
  terminate?(ctx: ProviderContext, measurement: Measurement): Promise<Measurement>;
  garbageCollect?(ctx: ProviderContext, limit: number): Promise<void>;
  // Recorded on the metric result when it is created (MetricResult.metadata).
  metadata?(metric: Metric): Record<string, string> | undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Argo's metricutil.MarkMeasurementError.
export function markMeasurementError(measurement: Measurement, err: unknown, now: number): Measurement {
  return {
    ...measurement,
    phase: 'Error',
    message: errorMessage(err),
    finishedAt: measurement.finishedAt ?? formatTime(new Date(now)),
  };
}

export function startMeasurement(now: number): Measurement {
  return { phase: 'Running', startedAt: formatTime(new Date(now)) };
}

// A measurement whose value came back: its phase from the metric's
// conditions, or Error when they cannot be evaluated over `result`.
export function concludeMeasurement(measurement: Measurement, ctx: ProviderContext, result: unknown, value: string): Measurement {
  const outcome = evaluateResult(result, ctx.metric);
  if (outcome.error !== undefined) return markMeasurementError(measurement, new Error(outcome.error), ctx.now());
  return { ...measurement, phase: outcome.phase, value, finishedAt: formatTime(new Date(ctx.now())) };
}
