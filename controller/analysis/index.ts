// Analysis: conditions, AnalysisRun bookkeeping, metric providers and the
// AnalysisRun builder the Rollout reconcile uses. The condition language is controller/expr/.
export { evalCondition, evaluateResult, type EvaluationOutcome } from './metric-conditions.ts';
export { buildAnalysisRun, mergeArgs, type BuildAnalysisRunOptions } from './build.ts';
export {
  buildArgumentsForRollout,
  resolveSecretArgs,
  type RolloutAnalysisArgument,
  type RolloutArgContext,
  type SecretPort,
} from './args.ts';
export { resolveArgs, resolveMetricArgs, resolveQuotedArgs, resolveTags } from './template.ts';
export * from './run/index.ts';
export { reconcileAnalysisRun, type AnalysisDeps, type ReconcileOutcome } from './run-controller/measure.ts';
export * from './providers/index.ts';
export { isCompleted } from './types.ts';
