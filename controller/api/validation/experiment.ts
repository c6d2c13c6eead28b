import { DEFAULTS } from '../defaults.ts';
import { tryParseDuration } from '../duration.ts';
import { type Experiment, ExperimentSchema } from '../experiment.ts';
import { type FieldError, child, duplicate, forbidden, invalid, required } from './field-error.ts';
import { checkSize, LIMITS } from './limits.ts';
import { unsupportedInExperiment, unsupportedMessage } from '../support.ts';
import { nonNegative } from './common.ts';
import { selectorMatches, validateLabelSelector } from './selector.ts';
import { lookupOf, zodIssuesToFieldErrors } from './zod-errors.ts';
import * as M from './messages.ts';

export type ExperimentValidation = { ok: true; experiment: Experiment } | { ok: false; errors: FieldError[] };

const knownExperimentKeys = lookupOf(ExperimentSchema);

/**
 * Parses and checks an Experiment: Argo's VerifyExperimentSpec (a selector per template, not
 * selecting everything, minReadySeconds within the progress deadline, named and unique templates)
 * and what Ramp needs to carry the rest out (a duration it can read, selectors that match their
 * pod templates, unique analysis names, argument values it can resolve).
 */
export function validateExperiment(obj: unknown): ExperimentValidation {
  const sizeErrors = checkSize(obj);
  if (sizeErrors.length > 0) return { ok: false, errors: sizeErrors };
  const parsed = ExperimentSchema.safeParse(obj);
  if (!parsed.success) {
    return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, obj, knownExperimentKeys).slice(0, LIMITS.maxErrors) };
  }
  const errors = validateExperimentSpec(parsed.data);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, LIMITS.maxErrors) };
  return { ok: true, experiment: parsed.data };
}

export function validateExperimentSpec(experiment: Experiment): FieldError[] {
  const spec = experiment.spec;
  const errors: FieldError[] = [];
  const deadline = spec.progressDeadlineSeconds ?? DEFAULTS.progressDeadlineSeconds;
  errors.push(
    ...nonNegative('spec', { progressDeadlineSeconds: spec.progressDeadlineSeconds, scaleDownDelaySeconds: spec.scaleDownDelaySeconds }),
  );
  if (spec.templates.length === 0) errors.push(required('spec.templates', 'an experiment needs at least one template'));
  const names = new Set<string>();
  for (const [i, template] of spec.templates.entries()) {
    const path = `spec.templates[${i}]`;
    if (template.name === '') errors.push(required(child(path, 'name'), `Experiment ${experiment.metadata.name ?? ''} has empty template name at index ${i}`));
    else if (names.has(template.name)) errors.push(duplicate(child(path, 'name'), template.name));
    names.add(template.name);
    errors.push(...nonNegative(path, { replicas: template.replicas, minReadySeconds: template.minReadySeconds }));
    if ((template.minReadySeconds ?? 0) > deadline) {
      errors.push(invalid(child(path, 'minReadySeconds'), template.minReadySeconds, `MinReadySeconds cannot be longer than ProgressDeadlineSeconds. Check template index ${i}`));
    }
    const selectorPath = child(path, 'selector');
    const selectorErrors = validateLabelSelector(template.selector, selectorPath);
    errors.push(...selectorErrors);
    const terms = Object.keys(template.selector.matchLabels ?? {}).length + (template.selector.matchExpressions ?? []).length;
    if (terms === 0) {
      errors.push(invalid(selectorPath, template.selector, `This experiment is selecting all pods at index ${i}. A non-empty selector is required.`));
    } else if (selectorErrors.length === 0 && !selectorMatches(template.selector, template.template.metadata?.labels ?? {})) {
      errors.push(invalid(`${path}.template.metadata.labels`, template.template.metadata?.labels ?? {}, M.SelectorDoesNotMatchTemplate));
    }
  }
  if (spec.duration !== undefined && tryParseDuration(spec.duration) === undefined) {
    errors.push(invalid('spec.duration', spec.duration, 'expected a duration such as "30s", "5m" or "1h"'));
  }
  const analyses = new Set<string>();
  for (const [i, analysis] of (spec.analyses ?? []).entries()) {
    const path = `spec.analyses[${i}]`;
    if (analysis.name === '') errors.push(required(child(path, 'name')));
    else if (analyses.has(analysis.name)) errors.push(duplicate(child(path, 'name'), analysis.name));
    analyses.add(analysis.name);
    if (analysis.templateName === '') errors.push(required(child(path, 'templateName')));
  }
  // Argo passes an experiment's argument values only: a valueFrom would be dropped.
  for (const use of unsupportedInExperiment(experiment)) errors.push(forbidden(use.path, unsupportedMessage(use.entry)));
  return errors;
}
