export { type FieldError, formatValue, invalidSpecMessage } from './field-error.ts';
export { LIMITS } from './limits.ts';
export { validateRollout, validateRolloutSpec, type RolloutValidation, type ValidationResult } from './rollout.ts';
export {
  validateAnalysisTemplate,
  validateAnalysisRun,
  validateAnalysisSpec,
  validateMetrics,
  validateMetric,
  analysisRunSpecError,
  type AnalysisTemplateValidation,
  type AnalysisRunValidation,
} from './analysis.ts';
export { selectorMatches } from './selector.ts';
export { metricNameMatches, RULE_MATCHES_NO_METRIC, type MetricRules, type SpecProblem } from './metric-rules.ts';
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
export { validateExperiment, validateExperimentSpec, type ExperimentValidation } from './experiment.ts';
