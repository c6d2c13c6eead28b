import { z } from 'zod';
import { type AnalysisTemplate, AnalysisTemplateSchema } from '../analysistemplate.ts';
import { type ClusterAnalysisTemplate, ClusterAnalysisTemplateSchema } from '../clusteranalysistemplate.ts';
import { type AnalysisRun, AnalysisRunSchema } from '../analysisrun.ts';
import type { Metric } from '../metric.ts';
import { type FieldError, forbidden } from './field-error.ts';
import { unsupportedInTemplate, unsupportedMessage } from '../support.ts';
import { LIMITS, checkSize } from './limits.ts';
import { type AnalysisSpecLike, analysisSpecProblems, metricProblems, metricsProblems } from './metric-rules.ts';
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
  // Argo accepts a template whose metrics all come from `templates`: then "no metrics" is not the problem.
  const composedOnly = template.spec.metrics.length === 0 && (template.spec.templates ?? []).length > 0;
  const errors = [
    ...(composedOnly ? [] : validateAnalysisSpec(template.spec, 'spec')),
    ...unsupportedInTemplate(template).map((use) => forbidden(use.path, unsupportedMessage(use.entry))),
  ];
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

/** Every problem of a template's or run's spec as written, as field errors. */
export function validateAnalysisSpec(spec: AnalysisSpecLike, path: string): FieldError[] {
  return analysisSpecProblems(spec, 'manifest', path).map((p) => p.error);
}

/** Argo's ValidateMetrics on metrics as written: at least one metric, unique names, and each metric sound. */
export function validateMetrics(metrics: readonly Metric[], path: string): FieldError[] {
  return metricsProblems(metrics, 'manifest', path).map((p) => p.error);
}

export function validateMetric(metric: Metric, path: string): FieldError[] {
  return metricProblems(metric, 'manifest', path, '').map((p) => p.error);
}

/**
 * What the AnalysisRun controller checks before it measures: Argo's ValidateMetrics on a run's spec
 * with its arguments resolved. The first problem in Argo's words ("metrics[1]: duplicate name 'm'"),
 * or undefined when the spec is sound.
 */
export function analysisRunSpecError(spec: AnalysisSpecLike): string | undefined {
  return analysisSpecProblems(spec, 'argo', 'spec')[0]?.argo;
}
