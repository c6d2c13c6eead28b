// The analysis API types come from the shared schemas in controller/api;
// this module adds the few shapes that folder does not define yet.
import type { AnalysisPhase, PrometheusMetric as ApiPrometheusMetric } from '../api/index.ts';

export type {
  AnalysisPhase,
  AnalysisRun,
  AnalysisRunSpec,
  AnalysisRunStatus,
  AnalysisTemplate,
  AnalysisTemplateSpec,
  Argument,
  ClusterAnalysisTemplate,
  DryRun,
  IntOrString,
  JobMetric,
  Measurement,
  MeasurementRetention,
  Metric,
  MetricResult,
  ObjectMeta,
  RunSummary,
  WebMetric,
} from '../api/index.ts';

export type { OwnerReference } from '../kube/resources.ts';

export type PrometheusMetric = ApiPrometheusMetric;

const COMPLETED_PHASES: ReadonlySet<string> = new Set<AnalysisPhase>(['Successful', 'Failed', 'Error', 'Inconclusive']);

export function isCompleted(phase: string | undefined): phase is AnalysisPhase {
  return phase !== undefined && COMPLETED_PHASES.has(phase);
}
