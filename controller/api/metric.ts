import { z } from 'zod';
import type { V1JobSpec } from '@kubernetes/client-node';
import { CloudWatchMetricSchema, KayentaMetricSchema, SkyWalkingMetricSchema } from './provider-specs.ts';
import { durationString, int32, int64, intOrString, opaqueObject, ObjectMetaSchema, PRESERVE_UNKNOWN, stringMap, time } from './kit.ts';

/** Metric definitions and results shared by AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun. */

export const ANALYSIS_PHASES = ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] as const;
export const AnalysisPhaseSchema = z.enum(ANALYSIS_PHASES);
export type AnalysisPhase = z.infer<typeof AnalysisPhaseSchema>;

export const WebMetricHeaderSchema = z.strictObject({
  key: z.string(),
  value: z.string(),
});

export const OAuth2ConfigSchema = z.strictObject({
  tokenUrl: z.string().optional(),
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  scopes: z.array(z.string()).optional(),
});

export const Sigv4ConfigSchema = z.strictObject({
  region: z.string().optional(),
  profile: z.string().optional(),
  roleArn: z.string().optional(),
});

export const BasicAuthSchema = z.strictObject({
  username: z.string().optional(),
  password: z.string().optional(),
});

export const AuthenticationSchema = z.strictObject({
  sigv4: Sigv4ConfigSchema.optional(),
  oauth2: OAuth2ConfigSchema.optional(),
  basicAuth: BasicAuthSchema.optional(),
});

/** A Prometheus range query: start and end are expressions over now(), step a duration. */
export const PrometheusRangeQuerySchema = z.strictObject({
  start: z.string().optional(),
  end: z.string().optional(),
  step: z.string().optional(),
});

export const PrometheusMetricSchema = z.strictObject({
  address: z.string().optional(),
  query: z.string().optional(),
  authentication: AuthenticationSchema.optional(),
  /** Seconds allowed for the query (Argo's `timeout`). */
  timeout: int64().optional(),
  insecure: z.boolean().optional(),
  headers: z.array(WebMetricHeaderSchema).optional(),
  /** A PEM CA bundle trusted for the server's certificate, verification kept on. */
  caCert: z.string().optional(),
  rangeQuery: PrometheusRangeQuerySchema.optional(),
});
export type PrometheusMetric = z.infer<typeof PrometheusMetricSchema>;

export const WEB_METRIC_METHODS = ['GET', 'POST', 'PUT'] as const;
export const WebMetricSchema = z.strictObject({
  method: z.enum(WEB_METRIC_METHODS).optional(),
  url: z.string(),
  headers: z.array(WebMetricHeaderSchema).optional(),
  body: z.string().optional(),
  timeoutSeconds: int64().optional(),
  jsonPath: z.string().optional(),
  insecure: z.boolean().optional(),
  jsonBody: opaqueObject().optional(),
  authentication: AuthenticationSchema.optional(),
});
export type WebMetric = z.infer<typeof WebMetricSchema>;

/**
 * batchv1.JobSpec. The API server validates the Job when it is created, so only the shape is
 * checked here.
 */
export const JobSpecSchema = z
  .looseObject({
    template: z.looseObject({}),
  })
  .meta({ [PRESERVE_UNKNOWN]: true }) as unknown as z.ZodType<V1JobSpec>;

export const JobMetricSchema = z.strictObject({
  metadata: ObjectMetaSchema.optional(),
  spec: JobSpecSchema,
});
export type JobMetric = z.infer<typeof JobMetricSchema>;

/** Datadog: v1 `query`, or v2 `queries` (name → query) combined by `formula`; credentials from a Secret. */
export const DATADOG_API_VERSIONS = ['v1', 'v2'] as const;
export const DATADOG_AGGREGATORS = ['avg', 'min', 'max', 'sum', 'last', 'percentile', 'mean', 'l2norm', 'area'] as const;
export const DatadogSecretRefSchema = z.strictObject({
  name: z.string().optional(),
  /** The Secret is in the metric's namespace rather than the controller's. */
  namespaced: z.boolean().optional(),
});
export const DatadogMetricSchema = z.strictObject({
  /** The query's time window, ending now (default 5m). */
  interval: durationString().optional(),
  query: z.string().optional(),
  queries: stringMap().optional(),
  formula: z.string().optional(),
  apiVersion: z.enum(DATADOG_API_VERSIONS).optional(),
  aggregator: z.enum(DATADOG_AGGREGATORS).optional(),
  secretRef: DatadogSecretRefSchema.optional(),
  requestTimeout: durationString().optional(),
});
export type DatadogMetric = z.infer<typeof DatadogMetricSchema>;

export const NewRelicMetricSchema = z.strictObject({
  /** The Secret holding the account's credentials (default `newrelic`). */
  profile: z.string().optional(),
  query: z.string(),
  /** Seconds NRQL may run (default 5). */
  timeout: int64().optional(),
});
export type NewRelicMetric = z.infer<typeof NewRelicMetricSchema>;

export const WavefrontMetricSchema = z.strictObject({
  /** The Wavefront host, also the key of its token in the `wavefront-api-tokens` Secret. */
  address: z.string().optional(),
  query: z.string().optional(),
});
export type WavefrontMetric = z.infer<typeof WavefrontMetricSchema>;

export const GraphiteMetricSchema = z.strictObject({
  address: z.string().optional(),
  query: z.string().optional(),
});
export type GraphiteMetric = z.infer<typeof GraphiteMetricSchema>;

export const InfluxdbMetricSchema = z.strictObject({
  /** The Secret holding address, authToken and org (default `influxdb`). */
  profile: z.string().optional(),
  /** A Flux query. */
  query: z.string().optional(),
});
export type InfluxdbMetric = z.infer<typeof InfluxdbMetricSchema>;

/** Exactly one provider is set; the ones this project does not run are kept as written. */
export const MetricProviderSchema = z.strictObject({
  prometheus: PrometheusMetricSchema.optional(),
  web: WebMetricSchema.optional(),
  job: JobMetricSchema.optional(),
  kayenta: KayentaMetricSchema.optional(),
  datadog: DatadogMetricSchema.optional(),
  wavefront: WavefrontMetricSchema.optional(),
  newRelic: NewRelicMetricSchema.optional(),
  cloudWatch: CloudWatchMetricSchema.optional(),
  graphite: GraphiteMetricSchema.optional(),
  influxdb: InfluxdbMetricSchema.optional(),
  skywalking: SkyWalkingMetricSchema.optional(),
  plugin: opaqueObject().optional(),
});
export type MetricProvider = z.infer<typeof MetricProviderSchema>;
export const METRIC_PROVIDER_KINDS = Object.keys(MetricProviderSchema.shape) as (keyof MetricProvider)[];

/** The names a successCondition or failureCondition may use: the measured value and the run's arguments. */
export const METRIC_CONDITION_NAMES = ['result', 'args'] as const;

export const MetricSchema = z.strictObject({
  name: z.string(),
  /** Time between measurements ("30s", "5m"); omitted means a single measurement. */
  interval: durationString().optional(),
  initialDelay: durationString().optional(),
  /** Number of measurements; may be a template argument such as "{{args.count}}". */
  count: intOrString().optional(),
  successCondition: z.string().optional(),
  failureCondition: z.string().optional(),
  failureLimit: intOrString().optional(),
  inconclusiveLimit: intOrString().optional(),
  consecutiveErrorLimit: intOrString().optional(),
  consecutiveSuccessLimit: intOrString().optional(),
  provider: MetricProviderSchema,
});
export type Metric = z.infer<typeof MetricSchema>;

export const SecretKeyRefSchema = z.strictObject({
  name: z.string(),
  key: z.string(),
});

export const FieldRefSchema = z.strictObject({
  fieldPath: z.string(),
});

export const ValueFromSchema = z.strictObject({
  secretKeyRef: SecretKeyRefSchema.optional(),
  fieldRef: FieldRefSchema.optional(),
});

/** An argument declared by a template (value optional) or passed to a run. */
export const ArgumentSchema = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: ValueFromSchema.optional(),
});
export type Argument = z.infer<typeof ArgumentSchema>;

export const DryRunSchema = z.strictObject({
  /** Metric name, or "*" for every metric. */
  metricName: z.string(),
});
export type DryRun = z.infer<typeof DryRunSchema>;

export const MeasurementRetentionSchema = z.strictObject({
  metricName: z.string(),
  limit: int32(),
});
export type MeasurementRetention = z.infer<typeof MeasurementRetentionSchema>;

export const MeasurementSchema = z.looseObject({
  phase: AnalysisPhaseSchema,
  message: z.string().optional(),
  startedAt: time().optional(),
  finishedAt: time().optional(),
  value: z.string().optional(),
  metadata: stringMap().optional(),
  resumeAt: time().optional(),
});
export type Measurement = z.infer<typeof MeasurementSchema>;

export const MetricResultSchema = z.looseObject({
  name: z.string(),
  phase: AnalysisPhaseSchema,
  measurements: z.array(MeasurementSchema).optional(),
  message: z.string().optional(),
  count: int32().optional(),
  successful: int32().optional(),
  failed: int32().optional(),
  inconclusive: int32().optional(),
  error: int32().optional(),
  consecutiveError: int32().optional(),
  consecutiveSuccess: int32().optional(),
  dryRun: z.boolean().optional(),
  metadata: stringMap().optional(),
});
export type MetricResult = z.infer<typeof MetricResultSchema>;

export const RunSummarySchema = z.looseObject({
  count: int32().optional(),
  successful: int32().optional(),
  failed: int32().optional(),
  inconclusive: int32().optional(),
  error: int32().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const TTLStrategySchema = z.strictObject({
  secondsAfterCompletion: int32().optional(),
  secondsAfterFailure: int32().optional(),
  secondsAfterSuccess: int32().optional(),
});
export type TTLStrategy = z.infer<typeof TTLStrategySchema>;

/** A template named by another, or by a Rollout's analysis: its metrics are combined into one run. */
export const AnalysisTemplateRefSchema = z.strictObject({
  templateName: z.string().optional(),
  /** Look the template up as a ClusterAnalysisTemplate. */
  clusterScope: z.boolean().optional(),
});

/** AnalysisTemplateSpec, shared by AnalysisTemplate and ClusterAnalysisTemplate. */
export const AnalysisTemplateSpecSchema = z.strictObject({
  // Optional as in Argo's CRD: a template made only of `templates` is stored, and validation says
  // what is wrong with it rather than the API server refusing it.
  metrics: z.array(MetricSchema).default([]),
  /** Template composition: other templates whose metrics this one includes. */
  templates: z.array(AnalysisTemplateRefSchema).optional(),
  args: z.array(ArgumentSchema).optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
});
export type AnalysisTemplateSpec = z.infer<typeof AnalysisTemplateSpecSchema>;
