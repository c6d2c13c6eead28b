// The AnalysisRun shapes this folder reads and writes, spelled exactly as
// Argo Rollouts' argoproj.io/v1alpha1 API spells them. They are structural, so
// objects typed by the shared schemas in controller/api fit them as they are.

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

export type IntOrString = number | string;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  resourceVersion?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface SecretKeyRef {
  name: string;
  key: string;
}

export interface FieldRef {
  fieldPath: string;
}

export interface ValueFrom {
  secretKeyRef?: SecretKeyRef;
  fieldRef?: FieldRef;
}

export interface Argument {
  name: string;
  value?: string;
  valueFrom?: ValueFrom;
}

export interface WebMetricHeader {
  key: string;
  value: string;
}

export interface PrometheusAuth {
  sigv4?: { region?: string; profile?: string; roleArn?: string };
  oauth2?: { tokenUrl?: string; clientId?: string; clientSecret?: string; scopes?: string[] };
  basicAuth?: { username?: string; password?: string };
}

export interface PrometheusRangeQuery {
  start?: string;
  end?: string;
  step?: string;
}

export interface PrometheusMetric {
  address?: string;
  query?: string;
  authentication?: PrometheusAuth;
  timeout?: number;
  insecure?: boolean;
  caCert?: string;
  headers?: WebMetricHeader[];
  rangeQuery?: PrometheusRangeQuery;
}

export interface WebMetric {
  method?: string;
  url: string;
  headers?: WebMetricHeader[];
  body?: string;
  timeoutSeconds?: number;
  jsonPath?: string;
  insecure?: boolean;
  jsonBody?: unknown;
}

export interface JobMetric {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface MetricProviderSpec {
  prometheus?: PrometheusMetric;
  web?: WebMetric;
  job?: JobMetric;
  [other: string]: unknown;
}

export interface Metric {
  name: string;
  interval?: string;
  initialDelay?: string;
  count?: IntOrString;
  successCondition?: string;
  failureCondition?: string;
  failureLimit?: IntOrString;
  inconclusiveLimit?: IntOrString;
  consecutiveErrorLimit?: IntOrString;
  provider: MetricProviderSpec;
}

export interface DryRun {
  metricName: string;
}

export interface MeasurementRetention {
  metricName: string;
  limit: number;
}

export interface AnalysisTemplateSpec {
  metrics: Metric[];
  args?: Argument[];
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
}

export interface AnalysisTemplate {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: AnalysisTemplateSpec;
}

export type ClusterAnalysisTemplate = AnalysisTemplate;

export interface AnalysisRunSpec {
  metrics: Metric[];
  args?: Argument[];
  terminate?: boolean;
  dryRun?: DryRun[];
  measurementRetention?: MeasurementRetention[];
}

export interface Measurement {
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  value?: string;
  metadata?: Record<string, string>;
  resumeAt?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  measurements?: Measurement[];
  message?: string;
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
  consecutiveError?: number;
  dryRun?: boolean;
  metadata?: Record<string, string>;
}

export interface RunSummary {
  count?: number;
  successful?: number;
  failed?: number;
  inconclusive?: number;
  error?: number;
}

export interface AnalysisRunStatus {
  phase?: AnalysisPhase | '';
  message?: string;
  metricResults?: MetricResult[];
  startedAt?: string;
  completedAt?: string;
  runSummary?: RunSummary;
  dryRunSummary?: RunSummary;
}

export interface AnalysisRun {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: AnalysisRunSpec;
  status?: AnalysisRunStatus;
}

export const COMPLETED_PHASES: ReadonlySet<string> = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

export function isCompleted(phase: string | undefined): boolean {
  return phase !== undefined && COMPLETED_PHASES.has(phase);
}
