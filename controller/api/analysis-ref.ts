import { z } from 'zod';
import { int32, stringMap } from './kit.ts';
import { AnalysisTemplateRefSchema, DryRunSchema, FieldRefSchema, MeasurementRetentionSchema } from './metric.ts';

/** How a Rollout asks for an AnalysisRun: templates to combine and arguments to pass. */

export const RolloutAnalysisTemplateSchema = AnalysisTemplateRefSchema;

export const POD_TEMPLATE_HASH_VALUES = ['Stable', 'Latest'] as const;

export const ArgumentValueFromSchema = z.strictObject({
  podTemplateHashValue: z.enum(POD_TEMPLATE_HASH_VALUES).optional(),
  fieldRef: FieldRefSchema.optional(),
});

export const AnalysisRunArgumentSchema = z.strictObject({
  name: z.string(),
  value: z.string().optional(),
  valueFrom: ArgumentValueFromSchema.optional(),
});
export type AnalysisRunArgument = z.infer<typeof AnalysisRunArgumentSchema>;

export const AnalysisRunMetadataSchema = z.strictObject({
  labels: stringMap().optional(),
  annotations: stringMap().optional(),
});

const rolloutAnalysisShape = {
  templates: z.array(RolloutAnalysisTemplateSchema).optional(),
  args: z.array(AnalysisRunArgumentSchema).optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  analysisRunMetadata: AnalysisRunMetadataSchema.optional(),
};

export const RolloutAnalysisSchema = z.strictObject(rolloutAnalysisShape);
export type RolloutAnalysis = z.infer<typeof RolloutAnalysisSchema>;

/** Background analysis of a canary: runs alongside the steps from `startingStep` on. */
export const RolloutAnalysisBackgroundSchema = z.strictObject({
  ...rolloutAnalysisShape,
  startingStep: int32().optional(),
});
export type RolloutAnalysisBackground = z.infer<typeof RolloutAnalysisBackgroundSchema>;

/** spec.analysis: how many finished AnalysisRuns and Experiments to keep. */
export const AnalysisRunStrategySchema = z.strictObject({
  successfulRunHistoryLimit: int32().optional(),
  unsuccessfulRunHistoryLimit: int32().optional(),
});
export type AnalysisRunStrategy = z.infer<typeof AnalysisRunStrategySchema>;
