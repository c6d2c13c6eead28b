import { z } from 'zod';
import { int32, intOrString, PodTemplateMetadataSchema } from './kit.ts';
import { RolloutAnalysisSchema } from './analysis-ref.ts';
import { AntiAffinitySchema } from './canary.ts';

/** spec.strategy.blueGreen */
export const BlueGreenStrategySchema = z.strictObject({
  /** Service switched to the new ReplicaSet on promotion. */
  activeService: z.string(),
  /** Service pointed at the new ReplicaSet before promotion. */
  previewService: z.string().optional(),
  previewReplicaCount: int32().optional(),
  /** Default true. */
  autoPromotionEnabled: z.boolean().optional(),
  /** Seconds to wait, once the preview is fully available, before promoting automatically. */
  autoPromotionSeconds: int32().optional(),
  /** Default "25%". */
  maxUnavailable: intOrString().optional(),
  /** Delay before scaling down the previous ReplicaSet (default 30). */
  scaleDownDelaySeconds: int32().optional(),
  scaleDownDelayRevisionLimit: int32().optional(),
  /** Delay before scaling down the preview after an abort (default 30, 0 = never). */
  abortScaleDownDelaySeconds: int32().optional(),
  prePromotionAnalysis: RolloutAnalysisSchema.optional(),
  postPromotionAnalysis: RolloutAnalysisSchema.optional(),
  antiAffinity: AntiAffinitySchema.optional(),
  previewMetadata: PodTemplateMetadataSchema.optional(),
  activeMetadata: PodTemplateMetadataSchema.optional(),
});
export type BlueGreenStrategy = z.infer<typeof BlueGreenStrategySchema>;
