export { type FieldError, formatValue, invalidSpecMessage } from './field-error.ts';
export { LIMITS } from './limits.ts';
export { validateRollout, validateRolloutSpec, type RolloutValidation, type ValidationResult } from './rollout.ts';
export {
  validateAnalysisTemplate,
  validateAnalysisRun,
  validateAnalysisSpec,
  validateMetrics,
  validateMetric,
  type AnalysisTemplateValidation,
  type AnalysisRunValidation,
} from './analysis.ts';
export { selectorMatches } from './selector.ts';
export { StringMapValue } from './field-error.ts';
export {
  validateReferencedResources,
  validateService,
  validateIngress,
  POD_TEMPLATE_HASH_LABEL,
  MANAGED_BY_ROLLOUTS_ANNOTATION,
  type ReferencedResources,
  type ServiceType,
  type ServiceWithType,
} from './references.ts';
