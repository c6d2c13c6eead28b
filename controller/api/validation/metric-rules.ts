import { compile, ExprError } from '../../expr/index.ts';
import { DurationError, parseGoDuration, parseGoDurationMillis } from '../duration.ts';
import { intValue } from '../intstr.ts';
import { type Argument, type DryRun, type MeasurementRetention, type Metric, METRIC_CONDITION_NAMES, METRIC_PROVIDER_KINDS } from '../metric.ts';
import { type FieldError, child, duplicate, forbidden, invalid, required, tooMany } from './field-error.ts';
import { unsupportedInMetric, unsupportedMessage } from '../support.ts';
import { LIMITS } from './limits.ts';

/**
 * Argo's ValidateMetrics, written once for both of its readers:
 * - `'argo'`: exactly Argo's checks, on metrics whose arguments are resolved. The AnalysisRun
 *   controller reports the first problem as the run's Error message, in Argo's words.
 * - `'manifest'`: the same checks on a template or run as written (argument references still in
 *   place), plus stricter ones that catch a mistake before any run is created, each problem a field
 *   error.
 */
export type MetricRules = 'argo' | 'manifest';

export interface SpecProblem {
  error: FieldError;
  /** The problem as Argo words it in a run's message, such as "metrics[0]: count must be >= failureLimit". */
  argo: string;
}

export interface AnalysisSpecLike {
  metrics: readonly Metric[];
  args?: readonly Argument[] | undefined;
  dryRun?: readonly DryRun[] | undefined;
  measurementRetention?: readonly MeasurementRetention[] | undefined;
}

/** Argo's words for a dryRun or measurementRetention rule that names no metric. */
export const RULE_MATCHES_NO_METRIC = "Rule didn't match any metric name(s)";

/** Argo matches rules with Go's regexp.MatchString: an unanchored search; a pattern that does not compile matches nothing. */
export function metricNameMatches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return false;
  }
}

/** Written manifests may also say "*" for every metric, or name one exactly with a pattern JavaScript cannot compile. */
function manifestRuleMatches(pattern: string, metrics: readonly Metric[]): boolean {
  if (pattern === '*') return metrics.length > 0;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return metrics.some((m) => m.name === pattern);
  }
  return metrics.some((m) => regex.test(m.name));
}

/** Argument references such as "{{args.count}}" are resolved when the run is created. */
function isArgumentReference(value: string): boolean {
  return /\{\{.*\}\}/.test(value);
}

const problem = (error: FieldError, argoPrefix: string, reason: string): SpecProblem => ({
  error,
  argo: argoPrefix === '' ? reason : `${argoPrefix}: ${reason}`,
});

/** Every problem of an analysis spec under `path`, in the order Argo finds them. */
export function analysisSpecProblems(spec: AnalysisSpecLike, rules: MetricRules, path: string): SpecProblem[] {
  const problems = metricsProblems(spec.metrics, rules, child(path, 'metrics'));
  if (rules === 'manifest') problems.push(...argumentProblems(spec.args ?? [], child(path, 'args')));
  const ruleLists = [
    ['dryRun', spec.dryRun ?? []],
    ['measurementRetention', spec.measurementRetention ?? []],
  ] as const;
  for (const [key, list] of ruleLists) {
    list.forEach((rule: DryRun | MeasurementRetention, i) => {
      const rulePath = child(child(path, key), i);
      const matched = rules === 'argo' ? spec.metrics.some((m) => metricNameMatches(rule.metricName, m.name)) : manifestRuleMatches(rule.metricName, spec.metrics);
      if (!matched) problems.push(problem(invalid(child(rulePath, 'metricName'), rule.metricName, RULE_MATCHES_NO_METRIC), `${key}[${i}]`, RULE_MATCHES_NO_METRIC));
      if (rules === 'manifest' && 'limit' in rule && rule.limit < 0) {
        problems.push(problem(invalid(child(rulePath, 'limit'), rule.limit, 'must be greater than or equal to 0'), `${key}[${i}]`, 'limit must be >= 0'));
      }
    });
  }
  return problems;
}

function argumentProblems(args: readonly Argument[], path: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  args.forEach((arg, i) => {
    const argPath = child(path, i);
    if (arg.name === '') problems.push(problem(required(child(argPath, 'name')), `args[${i}]`, 'name is required'));
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      const reason = `arg '${arg.name}' has both Value and ValueFrom fields`;
      problems.push(problem(invalid(argPath, arg.name, reason), `args[${i}]`, reason));
    }
  });
  return problems;
}

/** At least one metric, unique names, and each metric sound. */
export function metricsProblems(metrics: readonly Metric[], rules: MetricRules, path: string): SpecProblem[] {
  if (metrics.length === 0) return [problem(required(path, 'no metrics specified'), '', 'no metrics specified')];
  if (rules === 'manifest' && metrics.length > LIMITS.maxMetrics) {
    return [problem(tooMany(path, metrics.length, LIMITS.maxMetrics), '', `more than ${LIMITS.maxMetrics} metrics`)];
  }
  const problems: SpecProblem[] = [];
  const names = new Set<string>();
  metrics.forEach((metric, i) => {
    const namePath = child(child(path, i), 'name');
    if (rules === 'manifest' && metric.name === '') problems.push(problem(required(namePath), `metrics[${i}]`, 'name is required'));
    else if (names.has(metric.name)) problems.push(problem(duplicate(namePath, metric.name), `metrics[${i}]`, `duplicate name '${metric.name}'`));
    names.add(metric.name);
    problems.push(...metricProblems(metric, rules, child(path, i), `metrics[${i}]`));
  });
  return problems;
}

const INT_FIELDS = ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit'] as const;

/** Argo's ValidateMetric for one metric at `path`; `argoPrefix` names it in Argo's messages. */
export function metricProblems(metric: Metric, rules: MetricRules, path: string, argoPrefix: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const add = (field: FieldError, reason: string): void => void problems.push(problem(field, argoPrefix, reason));
  const at = (key: string): string => child(path, key);
  if (rules === 'manifest') {
    for (const key of INT_FIELDS) {
      const value = metric[key];
      if (typeof value !== 'string' || /^[-+]?\d+$/.test(value.trim()) || isArgumentReference(value)) continue;
      const reason = 'must be an integer or an argument reference such as "{{args.name}}"';
      add(invalid(at(key), value, reason), `${key} ${reason}`);
    }
  }
  const count = intValue(metric.count);
  const failureLimit = intValue(metric.failureLimit);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  if (count > 0) {
    if (count < failureLimit) add(invalid(at('count'), metric.count, 'count must be >= failureLimit'), 'count must be >= failureLimit');
    if (count < inconclusiveLimit) add(invalid(at('count'), metric.count, 'count must be >= inconclusiveLimit'), 'count must be >= inconclusiveLimit');
  }
  if (count > 1 && !metric.interval) add(required(at('interval'), 'interval must be specified when count > 1'), 'interval must be specified when count > 1');
  problems.push(...durationProblems(metric.interval, rules, at('interval'), argoPrefix, 'invalid interval string'));
  problems.push(...durationProblems(metric.initialDelay, rules, at('initialDelay'), argoPrefix, 'invalid startDelay string'));
  if (failureLimit < 0) add(invalid(at('failureLimit'), metric.failureLimit, 'failureLimit must be >= 0'), 'failureLimit must be >= 0');
  if (inconclusiveLimit < 0) add(invalid(at('inconclusiveLimit'), metric.inconclusiveLimit, 'inconclusiveLimit must be >= 0'), 'inconclusiveLimit must be >= 0');
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) {
    add(invalid(at('consecutiveErrorLimit'), metric.consecutiveErrorLimit, 'consecutiveErrorLimit must be >= 0'), 'consecutiveErrorLimit must be >= 0');
  }
  if (rules === 'manifest') {
    if (metric.consecutiveSuccessLimit !== undefined && intValue(metric.consecutiveSuccessLimit) < 0) {
      add(invalid(at('consecutiveSuccessLimit'), metric.consecutiveSuccessLimit, 'consecutiveSuccessLimit must be >= 0'), 'consecutiveSuccessLimit must be >= 0');
    }
    for (const key of ['successCondition', 'failureCondition'] as const) {
      const reason = conditionError(metric[key]);
      if (reason !== undefined) add(invalid(at(key), metric[key], reason), `${key}: ${reason}`);
    }
  }
  const providers = providerNames(metric);
  if (providers.length === 0) add(required(at('provider'), 'no provider specified'), 'no provider specified');
  if (providers.length > 1) add(invalid(at('provider'), providers.join(', '), 'multiple providers specified'), 'multiple providers specified');
  // Ramp's contract: a provider it does not run is refused before a run starts, never measured into an Error.
  for (const use of unsupportedInMetric(metric, path)) add(forbidden(use.path, unsupportedMessage(use.entry)), unsupportedMessage(use.entry));
  return problems;
}

/** The providers a metric sets; each key of `plugin` names one plugin provider. */
function providerNames(metric: Metric): string[] {
  // A run read from the cluster is not parsed, so its provider may be missing or hold nulls.
  const provider = (metric.provider ?? {}) as Record<string, unknown>;
  return METRIC_PROVIDER_KINDS.flatMap((kind) => {
    const value = provider[kind];
    if (value === undefined || value === null) return [];
    if (kind === 'plugin') return typeof value === 'object' ? Object.keys(value).map((name) => `plugin.${name}`) : [];
    return [kind];
  });
}

function durationProblems(value: string | undefined, rules: MetricRules, path: string, argoPrefix: string, prefix: string): SpecProblem[] {
  if (!value) return [];
  if (rules === 'argo') {
    try {
      parseGoDurationMillis(value);
      return [];
    } catch (err) {
      const reason = `${prefix}: ${(err as Error).message}`;
      return [problem(invalid(path, value, reason), argoPrefix, reason)];
    }
  }
  if (isArgumentReference(value)) return [];
  try {
    if (parseGoDuration(value) < 0) return [problem(invalid(path, value, `${prefix}: must not be negative`), argoPrefix, `${prefix}: must not be negative`)];
    return [];
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    return [problem(invalid(path, value, `${prefix}: ${err.message}`), argoPrefix, `${prefix}: ${err.message}`)];
  }
}

/** A condition that cannot compile would make every measurement an Error: say so before the run starts. */
function conditionError(condition: string | undefined): string | undefined {
  // Argument references are substituted when the run is created; the result is checked then.
  if (condition === undefined || condition.trim() === '' || isArgumentReference(condition)) return undefined;
  try {
    compile(condition, { names: METRIC_CONDITION_NAMES });
    return undefined;
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    return `the condition does not compile: ${err.message}`;
  }
}
