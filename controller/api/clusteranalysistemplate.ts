import { z } from 'zod';
import { ObjectMetaSchema } from './kit.ts';
import { AnalysisTemplateSpecSchema } from './metric.ts';

export const ClusterAnalysisTemplateSchema = z.strictObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('ClusterAnalysisTemplate'),
  metadata: ObjectMetaSchema,
  spec: AnalysisTemplateSpecSchema,
});
export type ClusterAnalysisTemplate = z.infer<typeof ClusterAnalysisTemplateSchema>;
