import { z } from 'zod';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { int32, int64, LabelSelectorSchema, ObjectMetaSchema, PRESERVE_UNKNOWN, stringMap, time } from './kit.ts';
import { AnalysisRunStrategySchema } from './analysis-ref.ts';
import { BlueGreenStrategySchema } from './bluegreen.ts';
import { CanaryStrategySchema } from './canary.ts';
import { AnalysisPhaseSchema } from './metric.ts';

/**
 * corev1.PodTemplateSpec. The API server validates pods when the ReplicaSet is created; only the
 * labels and annotations are read here, to check the selector and to compute the pod hash.
 */
export const PodTemplateSpecSchema = z
  .looseObject({
    metadata: z
      .looseObject({
        labels: stringMap().optional(),
        annotations: stringMap().optional(),
      })
      .optional(),
    spec: z.looseObject({}).optional(),
  })
  .meta({ [PRESERVE_UNKNOWN]: true }) as unknown as z.ZodType<V1PodTemplateSpec>;

export const WORKLOAD_REF_SCALE_DOWN = ['never', 'onsuccess', 'progressively'] as const;

/** A Deployment (or other workload) whose pod template the Rollout uses. */
export const ObjectRefSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  /** What to do with the referenced Deployment: "never", "onsuccess" or "progressively". */
  scaleDown: z.string().optional(),
});
export type ObjectRef = z.infer<typeof ObjectRefSchema>;

export const RolloutStrategySchema = z.strictObject({
  blueGreen: BlueGreenStrategySchema.optional(),
  canary: CanaryStrategySchema.optional(),
});
export type RolloutStrategy = z.infer<typeof RolloutStrategySchema>;

export const RollbackWindowSpecSchema = z.strictObject({
  revisions: int32().optional(),
});

export const RolloutSpecSchema = z.strictObject({
  /** Default 1. */
  replicas: int32().optional(),
  selector: LabelSelectorSchema.optional(),
  template: PodTemplateSpecSchema.optional(),
  workloadRef: ObjectRefSchema.optional(),
  minReadySeconds: int32().optional(),
  /** Rolling back to one of the last `revisions` ReplicaSets skips steps and analysis. */
  rollbackWindow: RollbackWindowSpecSchema.optional(),
  strategy: RolloutStrategySchema.default({}),
  /** Old ReplicaSets to keep (default 10). */
  revisionHistoryLimit: int32().optional(),
  paused: z.boolean().optional(),
  /** Seconds without progress before the rollout is Degraded with ProgressDeadlineExceeded (default 600). */
  progressDeadlineSeconds: int32().optional(),
  /** Abort the update when the progress deadline is exceeded. */
  progressDeadlineAbort: z.boolean().optional(),
  /** Restart every pod created before this time. */
  restartAt: time().optional(),
  analysis: AnalysisRunStrategySchema.optional(),
});
export type RolloutSpec = z.infer<typeof RolloutSpecSchema>;

export const PAUSE_REASONS = ['InconclusiveAnalysisRun', 'InconclusiveExperiment', 'CanaryPauseStep', 'BlueGreenPause'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export const PauseConditionSchema = z.looseObject({
  reason: z.string(),
  startTime: time(),
});
export type PauseCondition = z.infer<typeof PauseConditionSchema>;

export const ROLLOUT_PHASES = ['Healthy', 'Degraded', 'Progressing', 'Paused'] as const;
export const RolloutPhaseSchema = z.enum(ROLLOUT_PHASES);
export type RolloutPhase = z.infer<typeof RolloutPhaseSchema>;

export const ROLLOUT_CONDITION_TYPES = [
  'InvalidSpec',
  'Available',
  'Progressing',
  'ReplicaFailure',
  'Paused',
  'Completed',
  'Healthy',
] as const;
export type RolloutConditionType = (typeof ROLLOUT_CONDITION_TYPES)[number];

export const RolloutConditionSchema = z.looseObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  lastUpdateTime: time(),
  lastTransitionTime: time(),
  reason: z.string(),
  message: z.string(),
});
export type RolloutCondition = z.infer<typeof RolloutConditionSchema>;

export const RolloutAnalysisRunStatusSchema = z.looseObject({
  name: z.string(),
  status: AnalysisPhaseSchema,
  message: z.string().optional(),
});
export type RolloutAnalysisRunStatus = z.infer<typeof RolloutAnalysisRunStatusSchema>;

export const WeightDestinationSchema = z.looseObject({
  weight: int32(),
  serviceName: z.string().optional(),
  podTemplateHash: z.string().optional(),
});
export type WeightDestination = z.infer<typeof WeightDestinationSchema>;

export const TrafficWeightsSchema = z.looseObject({
  canary: WeightDestinationSchema,
  stable: WeightDestinationSchema,
  additional: z.array(WeightDestinationSchema).optional(),
  verified: z.boolean().optional(),
});
export type TrafficWeights = z.infer<typeof TrafficWeightsSchema>;

export const STEP_PLUGIN_PHASES = ['Running', 'Successful', 'Failed', 'Error'] as const;
export const STEP_PLUGIN_OPERATIONS = ['Run', 'Terminate', 'Abort'] as const;

export const StepPluginStatusSchema = z.looseObject({
  index: int32(),
  name: z.string(),
  operation: z.string(),
  phase: z.string().optional(),
  message: z.string().optional(),
  startedAt: time().optional(),
  updatedAt: time().optional(),
  finishedAt: time().optional(),
  executions: int32().optional(),
  backoff: z.string().optional(),
  disabled: z.boolean().optional(),
  status: z.record(z.string(), z.unknown()).meta({ [PRESERVE_UNKNOWN]: true }).optional(),
});
export type StepPluginStatus = z.infer<typeof StepPluginStatusSchema>;

export const CanaryStatusSchema = z.looseObject({
  currentStepAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
  currentBackgroundAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
  currentExperiment: z.string().optional(),
  weights: TrafficWeightsSchema.optional(),
  /** "ping" or "pong": which ping-pong service is stable. */
  stablePingPong: z.enum(['ping', 'pong']).optional(),
  stepPluginStatuses: z.array(StepPluginStatusSchema).optional(),
});
export type CanaryStatus = z.infer<typeof CanaryStatusSchema>;

export const BlueGreenStatusSchema = z.looseObject({
  previewSelector: z.string().optional(),
  activeSelector: z.string().optional(),
  scaleUpPreviewCheckPoint: z.boolean().optional(),
  prePromotionAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
  postPromotionAnalysisRunStatus: RolloutAnalysisRunStatusSchema.optional(),
});
export type BlueGreenStatus = z.infer<typeof BlueGreenStatusSchema>;

/** An AWS resource Argo's ALB router records; kept so that status survives a move between controllers. */
export const AwsResourceRefSchema = z.looseObject({
  name: z.string(),
  arn: z.string(),
  fullName: z.string().optional(),
});

export const ALBStatusSchema = z.looseObject({
  loadBalancer: AwsResourceRefSchema.optional(),
  canaryTargetGroup: AwsResourceRefSchema.optional(),
  stableTargetGroup: AwsResourceRefSchema.optional(),
  ingress: z.string().optional(),
});

/** Timing of the current rollout attempt (Argo's RolloutDurationStatus). */
export const RolloutDurationStatusSchema = z.looseObject({
  /** When this attempt started: a new template or steps, or a retry after an abort. */
  rolloutStartedAt: time().optional(),
  /** When the pause only a person can end (spec.paused, an indefinite pause step, …) began. */
  manualPauseStartedAt: time().optional(),
  /** Seconds spent in such pauses, summed when each ends. */
  totalManualPauseDurationSeconds: int64().optional(),
  /** When the attempt ended: promoted and available, aborted or superseded. */
  finishedAt: time().optional(),
  /** Promoted, FastPromoted, Aborted, Superseded, RolledBack or FastRolledBack; may precede finishedAt. */
  completionStatus: z.string().optional(),
});
export type RolloutDurationStatus = z.infer<typeof RolloutDurationStatusSchema>;

export const RolloutStatusSchema = z.looseObject({
  phase: RolloutPhaseSchema.optional(),
  message: z.string().optional(),
  currentPodHash: z.string().optional(),
  /** Pod template hash of the ReplicaSet that fully rolled out last. */
  stableRS: z.string().optional(),
  currentStepIndex: int32().optional(),
  currentStepHash: z.string().optional(),
  pauseConditions: z.array(PauseConditionSchema).optional(),
  /** Set when the controller paused the rollout; stays set after a user clears pauseConditions. */
  controllerPause: z.boolean().optional(),
  abort: z.boolean().optional(),
  abortedAt: time().optional(),
  promoteFull: z.boolean().optional(),
  /** metadata.generation last reconciled, as a string (Argo's format). */
  observedGeneration: z.string().optional(),
  replicas: int32().optional(),
  updatedReplicas: int32().optional(),
  readyReplicas: int32().optional(),
  availableReplicas: int32().optional(),
  /** Pods receiving active traffic: the scale subresource's status replicas. */
  HPAReplicas: int32().optional(),
  /** Label selector string of the pods receiving active traffic, for the scale subresource. */
  selector: z.string().optional(),
  collisionCount: int32().optional(),
  restartedAt: time().optional(),
  workloadObservedGeneration: z.string().optional(),
  conditions: z.array(RolloutConditionSchema).optional(),
  blueGreen: BlueGreenStatusSchema.optional(),
  canary: CanaryStatusSchema.optional(),
  /** Written by Argo's ALB router, never by Ramp (which refuses trafficRouting.alb). */
  alb: ALBStatusSchema.optional(),
  albs: z.array(ALBStatusSchema).optional(),
  duration: RolloutDurationStatusSchema.optional(),
});
export type RolloutStatus = z.infer<typeof RolloutStatusSchema>;

export const RolloutSchema = z.strictObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('Rollout'),
  metadata: ObjectMetaSchema,
  spec: RolloutSpecSchema,
  status: RolloutStatusSchema.optional(),
});
export type Rollout = z.infer<typeof RolloutSchema>;
