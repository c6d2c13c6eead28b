import { z } from 'zod';
import { durationString, int32, LabelSelectorSchema, ObjectMetaSchema, time } from './kit.ts';
import { AnalysisRunMetadataSchema } from './analysis-ref.ts';
import { AnalysisPhaseSchema, ArgumentSchema, DryRunSchema, MeasurementRetentionSchema } from './metric.ts';
import { PodTemplateSpecSchema, RolloutConditionSchema } from './rollout.ts';

/**
 * An Experiment: ReplicaSets of chosen pod templates run side by side for a while, with analyses
 * judging them (Argo's experiment_types.go).
 */

/** A Service for a template's pods; `name` defaults to the ReplicaSet's name. */
export const TemplateServiceSchema = z.strictObject({
  name: z.string().optional(),
});

export const ExperimentTemplateSchema = z.strictObject({
  name: z.string(),
  /** Default 1. */
  replicas: int32().optional(),
  minReadySeconds: int32().optional(),
  selector: LabelSelectorSchema,
  template: PodTemplateSpecSchema,
  service: TemplateServiceSchema.optional(),
});
export type ExperimentTemplate = z.infer<typeof ExperimentTemplateSchema>;

export const ExperimentAnalysisTemplateRefSchema = z.strictObject({
  name: z.string(),
  templateName: z.string(),
  clusterScope: z.boolean().optional(),
  args: z.array(ArgumentSchema).optional(),
  /** The experiment (without a duration) ends when every required analysis has completed. */
  requiredForCompletion: z.boolean().optional(),
});
export type ExperimentAnalysisTemplateRef = z.infer<typeof ExperimentAnalysisTemplateRefSchema>;

export const ExperimentSpecSchema = z.strictObject({
  templates: z.array(ExperimentTemplateSchema),
  /** How long the experiment runs once every template is available; forever without it. */
  duration: durationString().optional(),
  /** Seconds a template may take to become available (default 600). */
  progressDeadlineSeconds: int32().optional(),
  terminate: z.boolean().optional(),
  analyses: z.array(ExperimentAnalysisTemplateRefSchema).optional(),
  /** Seconds to keep the templates' pods after the experiment ends (default 30). */
  scaleDownDelaySeconds: int32().optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  analysisRunMetadata: AnalysisRunMetadataSchema.optional(),
});
export type ExperimentSpec = z.infer<typeof ExperimentSpecSchema>;

export const TEMPLATE_STATUS_CODES = ['Progressing', 'Running', 'Successful', 'Failed', 'Error'] as const;
export type TemplateStatusCode = (typeof TEMPLATE_STATUS_CODES)[number];

export const TemplateStatusSchema = z.looseObject({
  name: z.string(),
  replicas: int32(),
  updatedReplicas: int32(),
  readyReplicas: int32(),
  availableReplicas: int32(),
  collisionCount: int32().optional(),
  status: z.enum(TEMPLATE_STATUS_CODES).optional(),
  message: z.string().optional(),
  lastTransitionTime: time().optional(),
  serviceName: z.string().optional(),
  podTemplateHash: z.string().optional(),
});
export type TemplateStatus = z.infer<typeof TemplateStatusSchema>;

export const ExperimentAnalysisRunStatusSchema = z.looseObject({
  name: z.string(),
  analysisRun: z.string(),
  phase: AnalysisPhaseSchema,
  message: z.string().optional(),
});
export type ExperimentAnalysisRunStatus = z.infer<typeof ExperimentAnalysisRunStatusSchema>;

/** Argo's ExperimentConditionType: Progressing and InvalidSpec. */
export const ExperimentConditionSchema = RolloutConditionSchema;
export type ExperimentCondition = z.infer<typeof ExperimentConditionSchema>;

export const ExperimentStatusSchema = z.looseObject({
  phase: AnalysisPhaseSchema.optional(),
  message: z.string().optional(),
  templateStatuses: z.array(TemplateStatusSchema).optional(),
  /** When every template first became available: the duration counts from here. */
  availableAt: time().optional(),
  conditions: z.array(ExperimentConditionSchema).optional(),
  analysisRuns: z.array(ExperimentAnalysisRunStatusSchema).optional(),
});
export type ExperimentStatus = z.infer<typeof ExperimentStatusSchema>;

export const ExperimentSchema = z.strictObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('Experiment'),
  metadata: ObjectMetaSchema,
  spec: ExperimentSpecSchema,
  status: ExperimentStatusSchema.optional(),
});
export type Experiment = z.infer<typeof ExperimentSchema>;
