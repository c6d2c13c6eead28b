import { z } from 'zod';
import { durationString, int32, intOrString, LabelSelectorSchema, opaqueObject, PodTemplateMetadataSchema } from './kit.ts';
import {
  AnalysisRunArgumentSchema,
  AnalysisRunMetadataSchema,
  RolloutAnalysisBackgroundSchema,
  RolloutAnalysisSchema,
} from './analysis-ref.ts';
import { DryRunSchema } from './metric.ts';
import { RolloutTrafficRoutingSchema } from './traffic.ts';

/** spec.strategy.canary */

export const RolloutPauseSchema = z.strictObject({
  /** Seconds as an integer or a string ("30", "30s", "5m", "1h"); omitted pauses until promoted. */
  duration: intOrString().optional(),
});
export type RolloutPause = z.infer<typeof RolloutPauseSchema>;

export const SetCanaryScaleSchema = z.strictObject({
  /** Percentage of spec.replicas for the canary ReplicaSet. */
  weight: int32().optional(),
  /** Absolute number of replicas for the canary ReplicaSet. */
  replicas: int32().optional(),
  /** Undo an earlier weight or replicas: scale the canary with the traffic weight again. */
  matchTrafficWeight: z.boolean().optional(),
});
export type SetCanaryScale = z.infer<typeof SetCanaryScaleSchema>;

export const StringMatchSchema = z.strictObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type StringMatch = z.infer<typeof StringMatchSchema>;

export const HeaderRoutingMatchSchema = z.strictObject({
  headerName: z.string(),
  headerValue: StringMatchSchema,
});

export const SetHeaderRouteSchema = z.strictObject({
  /** Must be listed in trafficRouting.managedRoutes. */
  name: z.string().optional(),
  /** Omitted or empty removes the route. */
  match: z.array(HeaderRoutingMatchSchema).optional(),
});
export type SetHeaderRoute = z.infer<typeof SetHeaderRouteSchema>;

export const RouteMatchSchema = z.strictObject({
  method: StringMatchSchema.optional(),
  path: StringMatchSchema.optional(),
  headers: z.record(z.string(), StringMatchSchema).optional(),
});

export const SetMirrorRouteSchema = z.strictObject({
  /** Must be listed in trafficRouting.managedRoutes. */
  name: z.string(),
  /** Omitted or empty removes the route. */
  match: z.array(RouteMatchSchema).optional(),
  percentage: int32().optional(),
});
export type SetMirrorRoute = z.infer<typeof SetMirrorRouteSchema>;

export const REPLICA_SET_SPEC_REFS = ['canary', 'stable'] as const;

export const RolloutExperimentTemplateSchema = z.strictObject({
  name: z.string(),
  specRef: z.enum(REPLICA_SET_SPEC_REFS),
  replicas: int32().optional(),
  metadata: PodTemplateMetadataSchema.optional(),
  selector: LabelSelectorSchema.optional(),
  weight: int32().optional(),
  service: z.strictObject({ name: z.string().optional() }).optional(),
});

export const RolloutExperimentStepAnalysisTemplateRefSchema = z.strictObject({
  name: z.string(),
  templateName: z.string(),
  clusterScope: z.boolean().optional(),
  args: z.array(AnalysisRunArgumentSchema).optional(),
  requiredForCompletion: z.boolean().optional(),
});

export const RolloutExperimentStepSchema = z.strictObject({
  templates: z.array(RolloutExperimentTemplateSchema),
  duration: durationString().optional(),
  analyses: z.array(RolloutExperimentStepAnalysisTemplateRefSchema).optional(),
  dryRun: z.array(DryRunSchema).optional(),
  analysisRunMetadata: AnalysisRunMetadataSchema.optional(),
  scaleDownDelaySeconds: int32().optional(),
});
export type RolloutExperimentStep = z.infer<typeof RolloutExperimentStepSchema>;

export const PluginStepSchema = z.strictObject({
  name: z.string(),
  config: opaqueObject().optional(),
});
export type PluginStep = z.infer<typeof PluginStepSchema>;

/** One step of a canary; exactly one of its fields is set. */
export const CanaryStepSchema = z.strictObject({
  setWeight: int32().optional(),
  pause: RolloutPauseSchema.optional(),
  experiment: RolloutExperimentStepSchema.optional(),
  analysis: RolloutAnalysisSchema.optional(),
  setCanaryScale: SetCanaryScaleSchema.optional(),
  setHeaderRoute: SetHeaderRouteSchema.optional(),
  setMirrorRoute: SetMirrorRouteSchema.optional(),
  plugin: PluginStepSchema.optional(),
});
export type CanaryStep = z.infer<typeof CanaryStepSchema>;
export const CANARY_STEP_KINDS = Object.keys(CanaryStepSchema.shape) as (keyof CanaryStep)[];

export const AntiAffinitySchema = z.strictObject({
  preferredDuringSchedulingIgnoredDuringExecution: z.strictObject({ weight: int32() }).optional(),
  requiredDuringSchedulingIgnoredDuringExecution: z.strictObject({}).optional(),
});
export type AntiAffinity = z.infer<typeof AntiAffinitySchema>;

export const PingPongSpecSchema = z.strictObject({
  pingService: z.string(),
  pongService: z.string(),
});

/** How many canary pods must be available before a step counts as reached: "Percent" or "Pods". */
export const ReplicaProgressThresholdSchema = z.strictObject({
  type: z.string(),
  value: int32(),
});

export const CanaryStrategySchema = z.strictObject({
  /** Service selecting only canary pods. */
  canaryService: z.string().optional(),
  /** Service selecting only stable pods. */
  stableService: z.string().optional(),
  steps: z.array(CanaryStepSchema).optional(),
  trafficRouting: RolloutTrafficRoutingSchema.optional(),
  /** Default "25%", rounded down. */
  maxUnavailable: intOrString().optional(),
  /** Default "25%", rounded up. */
  maxSurge: intOrString().optional(),
  analysis: RolloutAnalysisBackgroundSchema.optional(),
  antiAffinity: AntiAffinitySchema.optional(),
  canaryMetadata: PodTemplateMetadataSchema.optional(),
  stableMetadata: PodTemplateMetadataSchema.optional(),
  /** Delay before scaling down the old ReplicaSet with traffic routing (default 30). */
  scaleDownDelaySeconds: int32().optional(),
  scaleDownDelayRevisionLimit: int32().optional(),
  /** Delay before scaling down the canary after an abort with traffic routing (default 30, 0 = never). */
  abortScaleDownDelaySeconds: int32().optional(),
  /** Scale the stable ReplicaSet down as traffic moves to the canary. */
  dynamicStableScale: z.boolean().optional(),
  pingPong: PingPongSpecSchema.optional(),
  minPodsPerReplicaSet: int32().optional(),
  replicaProgressThreshold: ReplicaProgressThresholdSchema.optional(),
});
export type CanaryStrategy = z.infer<typeof CanaryStrategySchema>;
