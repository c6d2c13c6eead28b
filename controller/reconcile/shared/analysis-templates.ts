import { flattenTemplates } from '../../analysis/build.ts';
import { composeTemplates, reachableTemplates, type ComposedTemplates, type TemplateLookup, type TemplateRef } from '../../analysis/compose.ts';
import type { AnalysisTemplate, ClusterAnalysisTemplate, FieldError, Rollout, RolloutAnalysis } from '../../api/index.ts';
import { unsupportedInMetric, unsupportedInTemplate, unsupportedMessage } from '../../api/support.ts';
import { formatValue, forbidden, invalid } from '../../api/validation/field-error.ts';

/** The AnalysisTemplates and ClusterAnalysisTemplates a Rollout's analyses name, and those missing. */

export interface AnalysisTemplates {
  /** AnalysisTemplates in the Rollout's namespace, by name (those composed by others included). */
  templates?: ReadonlyMap<string, AnalysisTemplate>;
  /** ClusterAnalysisTemplates, by name (those composed by others included). */
  clusterTemplates?: ReadonlyMap<string, ClusterAnalysisTemplate>;
}

function lookupIn(templates: AnalysisTemplates): TemplateLookup {
  return { template: (name) => templates.templates?.get(name), clusterTemplate: (name) => templates.clusterTemplates?.get(name) };
}

/** The templates one analysis runs: those it names and, recursively, those they compose. */
export function composedTemplates(refs: readonly TemplateRef[] | undefined, templates: AnalysisTemplates): ComposedTemplates {
  return composeTemplates(refs ?? [], lookupIn(templates));
}

const nameOf = (t: { metadata?: { name?: string } }) => t.metadata?.name ?? '';

/** One analysis block of a Rollout: where it is, whether it runs in the background, what it names. */
interface AnalysisBlock {
  field: string;
  background: boolean;
  analysis: RolloutAnalysis;
}

function analysisBlocks(rollout: Rollout): AnalysisBlock[] {
  const blocks: Array<[string, boolean, RolloutAnalysis | undefined]> = [];
  const bg = rollout.spec.strategy.blueGreen;
  for (const field of ['prePromotionAnalysis', 'postPromotionAnalysis'] as const) blocks.push([`spec.strategy.blueGreen.${field}.templates`, false, bg?.[field]]);
  const canary = rollout.spec.strategy.canary;
  for (const [i, step] of (canary?.steps ?? []).entries()) blocks.push([`spec.strategy.canary.steps[${i}].analysis.templates`, false, step.analysis]);
  blocks.push(['spec.strategy.canary.analysis.templates', true, canary?.analysis]);
  return blocks.flatMap(([field, background, analysis]) => (analysis ? [{ field, background, analysis }] : []));
}

/**
 * Argo's ValidateAnalysisTemplatesWithType for the templates that exist: every argument a template
 * leaves open is given by the Rollout ("args.x was not resolved"), and a metric of a step or a
 * promotion analysis must end (a count, or no interval): one that runs indefinitely would hold
 * the step forever.
 */
export function analysisTemplateErrors(rollout: Rollout, templates: AnalysisTemplates): FieldError[] {
  const errors: FieldError[] = [];
  for (const { field, background, analysis } of analysisBlocks(rollout)) {
    const composed = composedTemplates(analysis.templates, templates);
    const found = [...composed.templates, ...composed.clusterTemplates].map((template) => ({ name: nameOf(template), template }));
    if (found.length === 0) continue;
    // Argo's GetAnalysisTemplateNames: the templates run, composed ones included.
    const value = `templateNames: [${found.map((f) => f.name).join(' ')}]`;
    let flattenedArgs;
    try {
      flattenedArgs = flattenTemplates(found.map((f) => f.template)).args;
    } catch (err) {
      errors.push(invalid(field, value, (err as Error).message));
      continue;
    }
    const given = new Set((analysis.args ?? []).map((a) => a.name));
    const open = flattenedArgs.filter((a) => a.value === undefined && a.valueFrom === undefined && !given.has(a.name));
    if (open[0]) {
      errors.push(invalid(field, value, `args.${open[0].name} was not resolved`));
      continue;
    }
    if (background) continue;
    for (const { name, template } of found) {
      for (const metric of template.spec?.metrics ?? []) {
        const count = metric.count;
        const unset = count === undefined || count === 0 || count === '0';
        if (unset && metric.interval) {
          errors.push(invalid(field, name, `AnalysisTemplate ${name} has metric ${metric.name} which runs indefinitely. Invalid value for count: ${count ?? '<nil>'}`));
        }
      }
    }
  }
  return errors;
}

/**
 * Argo's getReferencedRolloutAnalyses errors: every template a blue-green analysis, a canary
 * analysis step or a canary's background analysis names must exist.
 */
export function missingAnalysisTemplates(rollout: Rollout, templates: AnalysisTemplates): FieldError[] {
  const errors: FieldError[] = [];
  for (const { field, analysis } of analysisBlocks(rollout)) {
    for (const ref of composedTemplates(analysis.templates, templates).missing) {
      const name = ref.templateName ?? '';
      const resource = ref.clusterScope ? 'clusteranalysistemplate.argoproj.io' : 'analysistemplate.argoproj.io';
      errors.push(invalid(field, name, `${resource} ${formatValue(name)} not found`));
    }
  }
  return errors;
}

/**
 * Ramp's contract for analyses: a referenced template that uses what Ramp does not carry out (a
 * template field or a metric provider from the support table) makes the Rollout invalid before any
 * ReplicaSet changes, instead of an AnalysisRun that errors, or measures less, mid-update.
 */
export function unsupportedInReferencedTemplates(rollout: Rollout, templates: AnalysisTemplates): FieldError[] {
  const errors: FieldError[] = [];
  for (const { field, analysis } of analysisBlocks(rollout)) {
    const composed = composedTemplates(analysis.templates, templates);
    const found = [...composed.templates.map((t) => ['AnalysisTemplate', t] as const), ...composed.clusterTemplates.map((t) => ['ClusterAnalysisTemplate', t] as const)];
    for (const [kind, template] of found) {
      const name = nameOf(template);
      for (const use of unsupportedInTemplate(template)) {
        errors.push(forbidden(field, `${kind} ${formatValue(name)} (${use.path}): ${unsupportedMessage(use.entry)}`));
      }
      for (const metric of template.spec?.metrics ?? []) {
        for (const use of unsupportedInMetric(metric, '')) {
          errors.push(forbidden(field, `${kind} ${formatValue(name)} metric ${formatValue(metric.name)} (${use.path}): ${unsupportedMessage(use.entry)}`));
        }
      }
    }
  }
  return errors;
}

/**
 * Names of the templates a Rollout's analyses refer to (blue-green and canary alike), read from the
 * unvalidated spec so that observe() can fetch them before validation.
 */
export function referencedAnalysisTemplates(spec: unknown): { templates: string[]; clusterTemplates: string[] } {
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const strategy = record(record(spec)['strategy']);
  const blueGreen = record(strategy['blueGreen']);
  const canary = record(strategy['canary']);
  const steps = Array.isArray(canary['steps']) ? canary['steps'] : [];
  const analyses = [blueGreen['prePromotionAnalysis'], blueGreen['postPromotionAnalysis'], canary['analysis'], ...steps.map((s) => record(s)['analysis'])];
  const out = { templates: new Set<string>(), clusterTemplates: new Set<string>() };
  for (const analysis of analyses) {
    const refs = record(analysis)['templates'];
    for (const ref of Array.isArray(refs) ? refs : []) {
      const name = record(ref)['templateName'];
      if (typeof name !== 'string' || name === '') continue;
      (record(ref)['clusterScope'] === true ? out.clusterTemplates : out.templates).add(name);
    }
  }
  return { templates: [...out.templates], clusterTemplates: [...out.clusterTemplates] };
}

/**
 * Every template a Rollout's analyses reach, those composed by the named ones included, read from
 * the unvalidated spec through `lookup` (observe() fetches them before validation).
 */
export function reachableAnalysisTemplates(spec: unknown, lookup: TemplateLookup): Required<AnalysisTemplates> {
  const direct = referencedAnalysisTemplates(spec);
  const refs = [...direct.templates.map((templateName) => ({ templateName })), ...direct.clusterTemplates.map((templateName) => ({ templateName, clusterScope: true }))];
  return reachableTemplates(refs, lookup);
}
