/**
 * Figures of a chaos run from its raw records: quantiles of command latency and the controllers'
 * per-lane waits merged across every process the run started (pure).
 */
import type { MetricSample } from '../metrics-text.ts';

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface WaitFigures {
  count: number;
  meanSeconds: number;
  /** Interpolated within the histogram's buckets, as Prometheus's histogram_quantile. */
  p50Seconds: number;
  p99Seconds: number;
}

/** One histogram family, merged over processes, for the samples whose labels match. */
export function mergedHistogram(processes: Iterable<readonly MetricSample[]>, family: string, match: Record<string, string>): WaitFigures {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  const matches = (labels: Record<string, string>): boolean => Object.entries(match).every(([k, v]) => labels[k] === v);
  for (const samples of processes) {
    for (const s of samples) {
      if (!matches(s.labels)) continue;
      if (s.name === `${family}_bucket`) {
        const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
        buckets.set(le, (buckets.get(le) ?? 0) + s.value);
      } else if (s.name === `${family}_count`) count += s.value;
      else if (s.name === `${family}_sum`) sum += s.value;
    }
  }
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (count === 0) return NaN;
    const rank = q * count;
    let prevBound = 0;
    let prevCount = 0;
    for (const b of bounds) {
      const c = buckets.get(b)!;
      if (c >= rank) {
        if (b === Infinity) return prevBound;
        return prevBound + ((b - prevBound) * (rank - prevCount)) / Math.max(1, c - prevCount);
      }
      prevBound = b;
      prevCount = c;
    }
    return prevBound;
  };
  return { count, meanSeconds: count > 0 ? sum / count : NaN, p50Seconds: at(0.5), p99Seconds: at(0.99) };
}

/** A counter summed over processes for matching labels. */
export function mergedCounter(processes: Iterable<readonly MetricSample[]>, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const samples of processes) {
    for (const s of samples) if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}
