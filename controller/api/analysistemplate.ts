import { z } from 'zod';
import { ObjectMetaSchema } from './kit.ts';
import { AnalysisTemplateSpecSchema } from './metric.ts';

export const AnalysisTemplateSchema = z.strictObject({
  apiVersion: z.literal('argoproj.io/v1alpha1'),
  kind: z.literal('AnalysisTemplate'),
  metadata: ObjectMetaSchema,
  spec: AnalysisTemplateSpecSchema,
});
export type AnalysisTemplate = z.infer<typeof AnalysisTemplateSchema>;
