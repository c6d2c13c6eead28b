import { progressDeadlineSecondsOrDefault, replicasOrDefault, revisionHistoryLimitOrDefault } from '../defaults.ts';
import { type Rollout, RolloutSchema } from '../rollout.ts';
import { type FieldError, StringMapValue, child, forbidden, internalError, invalid, notSupported, required, tooMany } from './field-error.ts';
import { unsupportedInRollout, unsupportedMessage } from '../support.ts';
import { LIMITS, checkSize } from './limits.ts';
import { selectorMatches, validateLabelSelector } from './selector.ts';
import { nonNegative } from './common.ts';
import { validateBlueGreen } from './bluegreen.ts';
import { validateCanary } from './canary.ts';
import { lookupOf, zodIssuesToFieldErrors } from './zod-errors.ts';
import * as M from './messages.ts';

export type ValidationResult<K extends string, T> = ({ ok: true } & { [P in K]: T }) | { ok: false; errors: FieldError[] };
export type RolloutValidation = ValidationResult<'rollout', Rollout>;

const knownRolloutKeys = lookupOf(RolloutSchema);

/**
 * Parses and checks a Rollout as Argo's ValidateRollout does. Schema errors (wrong types, unknown
 * fields) are reported alone; semantic checks run on a well-typed Rollout.
 */
export function validateRollout(obj: unknown): RolloutValidation {
  // The step limit first: a list of 10,000 steps is too many steps before it is too long a list.
  const stepsErrors = checkStepCount(obj);
  if (stepsErrors.length > 0) return { ok: false, errors: stepsErrors };
  const sizeErrors = checkSize(obj);
  if (sizeErrors.length > 0) return { ok: false, errors: sizeErrors };

  const parsed = RolloutSchema.safeParse(obj);
  if (!parsed.success) {
    return { ok: false, errors: zodIssuesToFieldErrors(parsed.error.issues, obj, knownRolloutKeys).slice(0, LIMITS.maxErrors) };
  }
  const errors = validateRolloutSpec(parsed.data);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, LIMITS.maxErrors) };
  return { ok: true, rollout: parsed.data };
}

/** A huge step list is refused before parsing so it produces one clear error. */
function checkStepCount(obj: unknown): FieldError[] {
  const steps = (obj as { spec?: { strategy?: { canary?: { steps?: unknown } } } } | null)?.spec?.strategy?.canary?.steps;
  if (Array.isArray(steps) && steps.length > LIMITS.maxSteps) {
    return [tooMany('spec.strategy.canary.steps', steps.length, LIMITS.maxSteps)];
  }
  return [];
}

function templateIsEmpty(rollout: Rollout): boolean {
  const template = rollout.spec.template;
  if (!template) return true;
  const labels = Object.keys(template.metadata?.labels ?? {}).length;
  const annotations = Object.keys(template.metadata?.annotations ?? {}).length;
  const spec = Object.keys(template.spec ?? {}).length;
  return labels + annotations + spec === 0;
}

export function validateRolloutSpec(rollout: Rollout): FieldError[] {
  const spec = rollout.spec;
  const path = 'spec';
  const errors: FieldError[] = [];

  const replicas = replicasOrDefault(rollout);
  if (replicas < 0) errors.push(invalid(child(path, 'replicas'), replicas, M.NonNegativeMessage));
  else if (replicas > LIMITS.maxReplicas) {
    errors.push(invalid(child(path, 'replicas'), replicas, `must be less than or equal to ${LIMITS.maxReplicas}`));
  }

  let selectorUsable = false;
  if (spec.workloadRef === undefined) {
    if (spec.selector === undefined) {
      errors.push(required(child(path, 'selector'), M.MissingFieldMessage('.spec.selector')));
    } else {
      const selectorErrors = validateLabelSelector(spec.selector, child(path, 'selector'));
      errors.push(...selectorErrors);
      const terms = Object.keys(spec.selector.matchLabels ?? {}).length + (spec.selector.matchExpressions ?? []).length;
      if (terms === 0) errors.push(invalid(child(path, 'selector'), spec.selector, M.EmptySelectorMessage));
      selectorUsable = selectorErrors.length === 0 && terms > 0;
    }
  }

  if (spec.workloadRef !== undefined && !templateIsEmpty(rollout)) {
    errors.push(internalError(child(path, 'template'), 'template must be empty for workload reference rollout'));
  }
  if (spec.workloadRef === undefined) {
    if (spec.template === undefined) {
      errors.push(required(child(path, 'template'), M.MissingFieldMessage('.spec.template or .spec.workloadRef')));
    } else {
      errors.push(...validatePodTemplate(rollout, selectorUsable));
    }
  } else if (!spec.workloadRef.name) {
    errors.push(required(child(child(path, 'workloadRef'), 'name')));
  } else {
    errors.push(...workloadKindErrors(spec.workloadRef, child(path, 'workloadRef')));
  }

  errors.push(...nonNegative(path, { minReadySeconds: spec.minReadySeconds, revisionHistoryLimit: revisionHistoryLimitOrDefault(rollout) }));
  const progressDeadlineSeconds = progressDeadlineSecondsOrDefault(rollout);
  errors.push(...nonNegative(path, { progressDeadlineSeconds }));
  if (progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    errors.push(invalid(child(path, 'progressDeadlineSeconds'), progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  if (spec.rollbackWindow) errors.push(...nonNegative(child(path, 'rollbackWindow'), { revisions: spec.rollbackWindow.revisions }));
  if (spec.analysis) {
    errors.push(
      ...nonNegative(child(path, 'analysis'), {
        successfulRunHistoryLimit: spec.analysis.successfulRunHistoryLimit,
        unsuccessfulRunHistoryLimit: spec.analysis.unsuccessfulRunHistoryLimit,
      }),
    );
  }
  errors.push(...validateStrategy(rollout, child(path, 'strategy')));
  // After Argo's own checks, so a Rollout Argo refuses gets Argo's message first.
  errors.push(...unsupportedInRollout(rollout).map((use) => forbidden(use.path, unsupportedMessage(use.entry))));
  return errors;
}

function validatePodTemplate(rollout: Rollout, selectorUsable: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const template = rollout.spec.template;
  if (!template) return errors;
  const path = 'spec.template';
  const labels = template.metadata?.labels ?? {};
  if (selectorUsable && rollout.spec.selector && !selectorMatches(rollout.spec.selector, labels)) {
    errors.push(invalid(`${path}.metadata.labels`, new StringMapValue(labels), M.SelectorDoesNotMatchTemplate));
  }
  const containers: unknown = (template.spec as { containers?: unknown } | undefined)?.containers;
  if (!Array.isArray(containers) || containers.length === 0) errors.push(required(`${path}.spec.containers`));
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always') {
    errors.push(notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']));
  }
  return errors;
}

function validateStrategy(rollout: Rollout, path: string): FieldError[] {
  const { blueGreen, canary } = rollout.spec.strategy;
  if (!blueGreen && !canary) {
    return [required(path, M.MissingFieldMessage('.spec.strategy.canary or .spec.strategy.blueGreen'))];
  }
  if (blueGreen && canary) {
    return [invalid(path, `blueGreen: true canary: true`, M.InvalidStrategyMessage)];
  }
  if (blueGreen) return validateBlueGreen(rollout, child(path, 'blueGreen'));
  return validateCanary(rollout, child(path, 'canary'));
}


/** Workload kinds Argo resolves a template from (rollout/templateref.go), by group and kind. */
const ARGO_WORKLOAD_KINDS = new Set(['/PodTemplate', 'apps/Deployment', 'apps/ReplicaSet']);

/**
 * Ramp takes the pod template from a Deployment only. Argo also reads PodTemplates and ReplicaSets:
 * those are refused by name rather than read as if they were Deployments; any other kind gets
 * Argo's own message.
 */
function workloadKindErrors(ref: { apiVersion?: string | undefined; kind?: string | undefined }, path: string): FieldError[] {
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = ref.kind ?? '';
  if (group === 'apps' && kind === 'Deployment') return [];
  if (ARGO_WORKLOAD_KINDS.has(`${group}/${kind}`)) {
    return [forbidden(path, `Ramp does not support a workloadRef of kind ${kind}; reference a Deployment (apps/v1) or set spec.template`)];
  }
  return [invalid(path, ref, `workload of type ${group}/${kind} is not supported`)];
}
