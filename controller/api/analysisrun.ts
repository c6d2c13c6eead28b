import { z } from 'zod';
import { ObjectMetaSchema, time } from './kit.ts';
import {
  AnalysisPhaseSchema,
  ArgumentSchema,
  DryRunSchema,
  MeasurementRetentionSchema,
  MetricResultSchema,
  MetricSchema,
  RunSummarySchema,
  TTLStrategySchema,
} from './metric.ts';

export const AnalysisRunSpecSchema = z.strictObject({
  metrics: z.array(MetricSchema),
  args: z.array(ArgumentSchema).optional(),
  /** Set to stop the run early, e.g. when the rollout finished and the analysis is no longer wanted. */
  terminate: z.boolean().optional(),
  dryRun: z.array(DryRunSchema).optional(),
  measurementRetention: z.array(MeasurementRetentionSchema).optional(),
  ttlStrategy: TTLStrategySchema.optional(),
});
export type AnalysisRunSpec = z.infer<typeof AnalysisRunSpecSchema>;

export const AnalysisRunStatusSchema = z.looseObject({
  phase: AnalysisPhaseSchema.optional(),
  message: z.string().optional(),
  metricResults: z.array(MetricResultSchema).optional(),
  startedAt: time().optional(),
  completedAt: time().optional(),
  runSummary: RunSummarySchema.optional(),
  dryRunSummary: RunSummarySchema.optional(),
});
export type AnalysisRunStatus = z.infer<typeof AnalysisRunStatusSchema>;

export const AnalysisRunSchema = z.strictObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('AnalysisRun'),
  metadata: ObjectMetaSchema,
  spec: AnalysisRunSpecSchema,
  status: AnalysisRunStatusSchema.optional(),
});
export type AnalysisRun = z.infer<typeof AnalysisRunSchema>;
