import { z } from 'zod';
import { compile, ExprError } from '../../expr/index.ts';
import { DurationError, parseGoDuration } from '../duration.ts';
import type { IntOrString } from '../kit.ts';
import { type AnalysisTemplate, AnalysisTemplateSchema } from '../analysistemplate.ts';
import { type ClusterAnalysisTemplate, ClusterAnalysisTemplateSchema } from '../clusteranalysistemplate.ts';
import { type AnalysisRun, AnalysisRunSchema } from '../analysisrun.ts';
import { type Argument, type DryRun, type MeasurementRetention, type Metric, METRIC_PROVIDER_KINDS } from '../metric.ts';
import { type FieldError, child, duplicate, invalid, required, tooMany } from './field-error.ts';
import { LIMITS, checkSize } from './limits.ts';
import { type ValidationResult } from './rollout.ts';
import { lookupOf, zodIssuesToFieldErrors } from './zod-errors.ts';

export type AnalysisTemplateValidation = ValidationResult<'template', AnalysisTemplate | ClusterAnalysisTemplate>;
export type AnalysisRunValidation = ValidationResult<'run', AnalysisRun>;

const TemplateSchema = z.discriminatedUnion('kind', [AnalysisTemplateSchema, ClusterAnalysisTemplateSchema]);
const knownTemplateKeys = lookupOf(AnalysisTemplateSchema);
const knownRunKeys = lookupOf(AnalysisRunSchema);

/** Parses and checks an AnalysisTemplate or ClusterAnalysisTemplate as Argo's ValidateMetrics does. */
export function validateAnalysisTemplate(obj: unknown): AnalysisTemplateValidation {
  const sizeErrors = checkSize(obj);
  if (sizeErrors.length > 0) return { ok: false, errors: sizeErrors };
  const kind = (obj as { kind?: unknown } | null)?.kind;
  const schema = kind === 'ClusterAnalysisTemplate' ? ClusterAnalysisTemplateSchema : kind === 'AnalysisTemplate' ? AnalysisTemplateSchema : TemplateSchema;
  const parsed = schema.safeParse(obj);
  if (!parsed.success) {
    return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, obj, knownTemplateKeys).slice(0, LIMITS.maxErrors) };
  }
  const template = parsed.data as AnalysisTemplate | ClusterAnalysisTemplate;
  const errors = validateAnalysisSpec(template.spec, 'spec');
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, LIMITS.maxErrors) };
  return { ok: true, template };
}

/** Parses and checks an AnalysisRun's spec with the same metric rules. */
export function validateAnalysisRun(obj: unknown): AnalysisRunValidation {
  const sizeErrors = checkSize(obj);
  if (sizeErrors.length > 0) return { ok: false, errors: sizeErrors };
  const parsed = AnalysisRunSchema.safeParse(obj);
  if (!parsed.success) {
    return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, obj, knownRunKeys).slice(0, LIMITS.maxErrors) };
  }
  const errors = validateAnalysisSpec(parsed.data.spec, 'spec');
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, LIMITS.maxErrors) };
  return { ok: true, run: parsed.data };
}

interface AnalysisSpecLike {
  metrics: readonly Metric[];
  args?: readonly Argument[] | undefined;
  dryRun?: readonly DryRun[] | undefined;
  measurementRetention?: readonly MeasurementRetention[] | undefined;
}

export function validateAnalysisSpec(spec: AnalysisSpecLike, path: string): FieldError[] {
  const errors = validateMetrics(spec.metrics, child(path, 'metrics'));
  (spec.args ?? []).forEach((arg, i) => {
    const argPath = child(child(path, 'args'), i);
    if (arg.name === '') errors.push(required(child(argPath, 'name')));
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      errors.push(invalid(argPath, arg.name, `arg '${arg.name}' has both Value and ValueFrom fields`));
    }
  });
  (spec.dryRun ?? []).forEach((rule, i) => {
    if (!ruleMatchesAnyMetric(rule.metricName, spec.metrics)) {
      errors.push(invalid(child(child(child(path, 'dryRun'), i), 'metricName'), rule.metricName, "Rule didn't match any metric name(s)"));
    }
  });
  (spec.measurementRetention ?? []).forEach((rule, i) => {
    const rulePath = child(child(path, 'measurementRetention'), i);
    if (!ruleMatchesAnyMetric(rule.metricName, spec.metrics)) {
      errors.push(invalid(child(rulePath, 'metricName'), rule.metricName, "Rule didn't match any metric name(s)"));
    }
    if (rule.limit < 0) errors.push(invalid(child(rulePath, 'limit'), rule.limit, 'must be greater than or equal to 0'));
  });
  return errors;
}

/** dryRun and measurementRetention rules name a metric by regular expression, or "*" for all. */
function ruleMatchesAnyMetric(pattern: string, metrics: readonly Metric[]): boolean {
  if (pattern === '*') return metrics.length > 0;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return metrics.some((m) => m.name === pattern);
  }
  return metrics.some((m) => regex.test(m.name));
}

/** Argo's ValidateMetrics: at least one metric, unique names, and each metric sound. */
export function validateMetrics(metrics: readonly Metric[], path: string): FieldError[] {
  if (metrics.length === 0) return [required(path, 'no metrics specified')];
  if (metrics.length > LIMITS.maxMetrics) return [tooMany(path, metrics.length, LIMITS.maxMetrics)];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  metrics.forEach((metric, i) => {
    const metricPath = child(path, i);
    if (metric.name === '') errors.push(required(child(metricPath, 'name')));
    else if (names.has(metric.name)) errors.push(duplicate(child(metricPath, 'name'), metric.name));
    names.add(metric.name);
    errors.push(...validateMetric(metric, metricPath));
  });
  return errors;
}

/** Argument references such as "{{args.count}}" are resolved when the run is created. */
function isArgumentReference(value: string): boolean {
  return /\{\{.*\}\}/.test(value);
}

/** intstr IntValue(): the integer, or 0 for a string that is not one (such as an argument reference). */
function intValue(value: IntOrString | undefined): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  return /^[-+]?\d+$/.test(value.trim()) ? Number(value.trim()) : 0;
}

function intOrArgument(value: IntOrString | undefined, path: string): FieldError[] {
  if (value === undefined || typeof value === 'number') return [];
  if (/^[-+]?\d+$/.test(value.trim()) || isArgumentReference(value)) return [];
  return [invalid(path, value, 'must be an integer or an argument reference such as "{{args.name}}"')];
}

export function validateMetric(metric: Metric, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit'] as const) {
    errors.push(...intOrArgument(metric[key], child(path, key)));
  }
  const count = intValue(metric.count);
  const failureLimit = intValue(metric.failureLimit);
  const inconclusiveLimit = intValue(metric.inconclusiveLimit);
  if (count > 0) {
    if (count < failureLimit) errors.push(invalid(child(path, 'count'), metric.count, 'count must be >= failureLimit'));
    if (count < inconclusiveLimit) errors.push(invalid(child(path, 'count'), metric.count, 'count must be >= inconclusiveLimit'));
  }
  if (count > 1 && !metric.interval) errors.push(required(child(path, 'interval'), 'interval must be specified when count > 1'));
  errors.push(...durationErrors(metric.interval, child(path, 'interval'), 'invalid interval string'));
  errors.push(...durationErrors(metric.initialDelay, child(path, 'initialDelay'), 'invalid startDelay string'));
  if (failureLimit < 0) errors.push(invalid(child(path, 'failureLimit'), metric.failureLimit, 'failureLimit must be >= 0'));
  if (inconclusiveLimit < 0) errors.push(invalid(child(path, 'inconclusiveLimit'), metric.inconclusiveLimit, 'inconclusiveLimit must be >= 0'));
  if (metric.consecutiveErrorLimit !== undefined && intValue(metric.consecutiveErrorLimit) < 0) {
    errors.push(invalid(child(path, 'consecutiveErrorLimit'), metric.consecutiveErrorLimit, 'consecutiveErrorLimit must be >= 0'));
  }
  if (metric.consecutiveSuccessLimit !== undefined && intValue(metric.consecutiveSuccessLimit) < 0) {
    errors.push(invalid(child(path, 'consecutiveSuccessLimit'), metric.consecutiveSuccessLimit, 'consecutiveSuccessLimit must be >= 0'));
  }

  for (const key of ['successCondition', 'failureCondition'] as const) errors.push(...conditionErrors(metric[key], child(path, key)));

  const provider = metric.provider;
  const providers = METRIC_PROVIDER_KINDS.flatMap((kind) => {
    const value = provider[kind];
    if (value === undefined) return [];
    // Each key of `plugin` names one plugin provider.
    if (kind === 'plugin') return Object.keys(value).map((name) => `plugin.${name}`);
    return [kind];
  });
  if (providers.length === 0) errors.push(required(child(path, 'provider'), 'no provider specified'));
  if (providers.length > 1) errors.push(invalid(child(path, 'provider'), providers.join(', '), 'multiple providers specified'));
  return errors;
}

function durationErrors(value: string | undefined, path: string, prefix: string): FieldError[] {
  if (value === undefined || value === '' || isArgumentReference(value)) return [];
  try {
    if (parseGoDuration(value) < 0) return [invalid(path, value, `${prefix}: must not be negative`)];
    return [];
  } catch (err) {
    if (!(err instanceof DurationError)) throw err;
    return [invalid(path, value, `${prefix}: ${err.message}`)];
  }
}

/** The names a condition may use, as the measurement evaluates it (controller/analysis/conditions.ts). */
const CONDITION_NAMES = ['result', 'args'] as const;

/** A condition that cannot compile would make every measurement an Error: say so before the run starts. */
function conditionErrors(condition: string | undefined, path: string): FieldError[] {
  // Argument references are substituted when the run is created; the result is checked then.
  if (condition === undefined || condition.trim() === '' || isArgumentReference(condition)) return [];
  try {
    compile(condition, { names: CONDITION_NAMES });
    return [];
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    return [invalid(path, condition, `the condition does not compile: ${err.message}`)];
  }
}
