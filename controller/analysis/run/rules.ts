// Which metrics the run's dryRun and measurementRetention rules name. The rules were checked
// before measuring (analysisRunSpecError); a rule that names nothing still throws, for callers
// such as the gauges that read runs nobody checked.
import { metricNameMatches, RULE_MATCHES_NO_METRIC } from '../../api/validation/metric-rules.ts';
import type { DryRun, MeasurementRetention, Metric } from '../types.ts';

function namedMetrics<R extends { metricName: string }>(key: string, rules: readonly R[], metrics: readonly Metric[]): Map<string, R> {
  const byName = new Map<string, R>();
  rules.forEach((rule, i) => {
    const matched = metrics.filter((m) => metricNameMatches(rule.metricName, m.name));
    if (matched.length === 0) throw new Error(`${key}[${i}]: ${RULE_MATCHES_NO_METRIC}`);
    for (const m of matched) byName.set(m.name, rule);
  });
  return byName;
}

export function dryRunMetricNames(rules: readonly DryRun[] = [], metrics: readonly Metric[]): Set<string> {
  return new Set(namedMetrics('dryRun', rules, metrics).keys());
}

export function measurementRetentionByMetric(rules: readonly MeasurementRetention[] = [], metrics: readonly Metric[]): Map<string, MeasurementRetention> {
  return namedMetrics('measurementRetention', rules, metrics);
}
