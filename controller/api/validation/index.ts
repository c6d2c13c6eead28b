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
