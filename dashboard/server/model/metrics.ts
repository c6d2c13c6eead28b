import type { AnalysisRun } from '../../../controller/api/index.ts';
import type { AnalysisRunInfo } from '../../../client/info/types.ts';
import type { MeasurementPoint, MetricSeries, Threshold } from '../../shared/api.ts';
import { metricQuery } from './query.ts';

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
/** `result`, `result[0]`, `asFloat(result)`, `float(result[0])`, `double(result)`: the value itself. */
const RESULT = String.raw`(?:(?:asFloat|asInt|float|double|int)\(\s*)?result(?:\s*\[\s*0\s*\])?(?:\s*\))?`;
const OPERATOR = String.raw`<=|>=|==|!=|<|>`;
const RESULT_FIRST = new RegExp(String.raw`^\s*${RESULT}\s*(${OPERATOR})\s*(${NUMBER})\s*$`);
const NUMBER_FIRST = new RegExp(String.raw`^\s*(${NUMBER})\s*(${OPERATOR})\s*${RESULT}\s*$`);
const FLIPPED: Record<Threshold['operator'], Threshold['operator']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * The number a condition compares the measured value against, for conditions of the form
 * `result[0] >= 0.95` (or `0.95 <= result`); anything more complex has no line to draw.
 */
export function parseThreshold(condition: string | undefined): Threshold | undefined {
  if (condition === undefined) return undefined;
  const forward = RESULT_FIRST.exec(condition);
  if (forward) return { operator: forward[1] as Threshold['operator'], value: Number(forward[2]), condition };
  const reversed = NUMBER_FIRST.exec(condition);
  if (reversed) return { operator: FLIPPED[reversed[2] as Threshold['operator']], value: Number(reversed[1]), condition };
  return undefined;
}

const FIRST_NUMBER = new RegExp(String.raw`^\[?\s*(${NUMBER})(?:[\s,\]]|$)`);

/**
 * A measurement's value as a number: providers record "0.97", "[0.97]" (a Prometheus vector) or
 * "[0.97 0.5]"; the first number is charted. Anything else (maps, text, empty) is not numeric.
 */
export function measurementNumber(value: string | undefined): number | null {
  if (value === undefined) return null;
  const match = FIRST_NUMBER.exec(value.trim());
  if (!match) return null;
  const n = Number(match[1]);
  return Number.isFinite(n) ? n : null;
}

/**
 * Each metric of each AnalysisRun as a series of measurements with its thresholds and, from the
 * runs' specs, what it asks its provider.
 */
export function metricSeries(runs: readonly AnalysisRunInfo[], specs: readonly AnalysisRun[] = []): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const run of runs) {
    const spec = specs.find((s) => s.metadata.name === run.name && s.metadata.namespace === run.namespace);
    for (const metric of run.metrics) {
      const series: MetricSeries = {
        analysisRun: run.name,
        metric: metric.name,
        phase: metric.phase,
        points: metric.measurements.map((m) => {
          const point: MeasurementPoint = { value: measurementNumber(m.value), phase: m.phase };
          const time = m.finishedAt ?? m.startedAt;
          if (time !== undefined) point.time = time;
          if (m.value !== undefined) point.raw = m.value;
          if (m.startedAt !== undefined) point.startedAt = m.startedAt;
          if (m.finishedAt !== undefined) point.finishedAt = m.finishedAt;
          if (m.message) point.message = m.message;
          return point;
        }),
      };
      const success = parseThreshold(metric.successCondition);
      const failure = parseThreshold(metric.failureCondition);
      if (success !== undefined) series.success = success;
      if (failure !== undefined) series.failure = failure;
      if (metric.successCondition !== undefined) series.successCondition = metric.successCondition;
      if (metric.failureCondition !== undefined) series.failureCondition = metric.failureCondition;
      const query = metricQuery(spec?.spec.metrics.find((m) => m.name === metric.name)?.provider);
      if (query !== undefined) series.query = query;
      out.push(series);
    }
  }
  return out;
}
