import { z } from 'zod';
import { durationString, int64, intOrString } from './kit.ts';

/** The CloudWatch, SkyWalking and Kayenta metric providers, field for field as Argo's analysis_types.go. */

export const CloudWatchMetricDataQuerySchema = z.strictObject({
  id: z.string().optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  metricStat: z
    .strictObject({
      metric: z
        .strictObject({
          dimensions: z.array(z.strictObject({ name: z.string().optional(), value: z.string().optional() })).optional(),
          metricName: z.string().optional(),
          namespace: z.string().optional(),
        })
        .optional(),
      period: intOrString().optional(),
      stat: z.string().optional(),
      unit: z.string().optional(),
    })
    .optional(),
  period: intOrString().optional(),
  returnData: z.boolean().optional(),
});
export type CloudWatchMetricDataQuery = z.infer<typeof CloudWatchMetricDataQuerySchema>;

export const CloudWatchMetricSchema = z.strictObject({
  interval: durationString().optional(),
  metricDataQueries: z.array(CloudWatchMetricDataQuerySchema),
});
export type CloudWatchMetric = z.infer<typeof CloudWatchMetricSchema>;

export const SkyWalkingMetricSchema = z.strictObject({
  address: z.string().optional(),
  query: z.string().optional(),
  interval: durationString().optional(),
});
export type SkyWalkingMetric = z.infer<typeof SkyWalkingMetricSchema>;

const ScopeDetailSchema = z.strictObject({
  scope: z.string(),
  region: z.string(),
  step: int64(),
  start: z.string().optional(),
  end: z.string().optional(),
});

export const KayentaMetricSchema = z.strictObject({
  address: z.string(),
  application: z.string(),
  canaryConfigName: z.string(),
  metricsAccountName: z.string(),
  configurationAccountName: z.string(),
  storageAccountName: z.string(),
  threshold: z.strictObject({ pass: int64(), marginal: int64() }),
  scopes: z.array(z.strictObject({ name: z.string(), controlScope: ScopeDetailSchema, experimentScope: ScopeDetailSchema })),
  lookback: z.boolean().optional(),
});
export type KayentaMetric = z.infer<typeof KayentaMetricSchema>;
