// Spec checks Argo runs before measuring, with its messages.
import { parseGoDurationMillis } from '../api/duration.ts';
import type { DryRun, IntOrString, MeasurementRetention, Metric } from './types.ts';

const PROVIDER_KEYS = [
  'prometheus', 'job', 'web', 'wavefront', 'kayenta', 'datadog', 'newRelic', 'cloudWatch', 'graphite', 'influxdb', 'skywalking',
];

// Kubernetes' IntOrString.IntValue(): strings that are not integers count as 0.
export function intValue(v: IntOrString | undefined): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return Math.trunc(v);
  const n = Number.parseInt(v, 10);
  return /^[+-]?\d+$/.test(v.trim()) && Number.isFinite(n) ? n : 0;
}

export function validateMetrics(metrics: readonly Metric[]): void {
  if (metrics.length === 0) throw new Error('no metrics specified');
  const seen = new Set<string>();
  metrics.forEach((metric, i) => {
    if (seen.has(metric.name)) throw new Error(`metrics[${i}]: duplicate name '${metric.name}'`);
    seen.add(metric.name);
    try {
      validateMetric(metric);
    } catch (err) {
      throw new Error(`metrics[${i}]: ${(err as Error).message}`);
    }
  });
}

export function validateMetric(metric: Metric): void {
  const count = intValue(metric.count);
  const failureLimit = intValue(metric.failureLimit);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  if (count > 0) {
    if (count < failureLimit) throw new Error('count must be >= failureLimit');
    if (count < inconclusiveLimit) throw new Error('count must be >= inconclusiveLimit');
  }
  if (count > 1 && !metric.interval) throw new Error('interval must be specified when count > 1');
  if (metric.interval) {
    try {
      parseGoDurationMillis(metric.interval);
    } catch (err) {
      throw new Error(`invalid interval string: ${(err as Error).message}`);
    }
  }
  if (metric.initialDelay) {
    try {
      parseGoDurationMillis(metric.initialDelay);
    } catch (err) {
      throw new Error(`invalid startDelay string: ${(err as Error).message}`);
    }
  }
  if (failureLimit < 0) throw new Error('failureLimit must be >= 0');
  if (inconclusiveLimit < 0) throw new Error('inconclusiveLimit must be >= 0');
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) {
    throw new Error('consecutiveErrorLimit must be >= 0');
  }
  const provider = (metric.provider ?? {}) as Record<string, unknown>;
  let providers = PROVIDER_KEYS.filter((k) => provider[k] !== undefined && provider[k] !== null).length;
  const plugin = provider['plugin'];
  if (plugin && typeof plugin === 'object') providers += Object.keys(plugin).length;
  if (providers === 0) throw new Error('no provider specified');
  if (providers > 1) throw new Error('multiple providers specified');
}

// Go's regexp.MatchString: an unanchored search; a pattern that does not
// compile matches nothing.
function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

export function dryRunMetricNames(rules: readonly DryRun[] = [], metrics: readonly Metric[]): Set<string> {
  const names = new Set<string>();
  rules.forEach((rule, i) => {
    const matched = metrics.filter((m) => matches(rule.metricName, m.name));
    if (matched.length === 0) throw new Error(`dryRun[${i}]: Rule didn't match any metric name(s)`);
    for (const m of matched) names.add(m.name);
  });
  return names;
}

export function measurementRetentionByMetric(
  rules: readonly MeasurementRetention[] = [],
  metrics: readonly Metric[],
): Map<string, MeasurementRetention> {
  const byName = new Map<string, MeasurementRetention>();
  rules.forEach((rule, i) => {
    const matched = metrics.filter((m) => matches(rule.metricName, m.name));
    if (matched.length === 0) throw new Error(`measurementRetention[${i}]: Rule didn't match any metric name(s)`);
    for (const m of matched) byName.set(m.name, rule);
  });
  return byName;
}
