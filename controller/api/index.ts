/**
 * The argoproj.io/v1alpha1 API: zod schemas (the single source of truth), the types inferred from
 * them, semantic validation and the helpers that interpret durations and int-or-percent values.
 */
export * from './kit.ts';
export * from './metric.ts';
export * from './provider-specs.ts';
export * from './analysis-ref.ts';
export * from './traffic.ts';
export * from './gatewayapi.ts';
export * from './canary.ts';
export * from './bluegreen.ts';
export * from './rollout.ts';
export * from './analysistemplate.ts';
export * from './clusteranalysistemplate.ts';
export * from './analysisrun.ts';
export * from './experiment.ts';
export * from './duration.ts';
export * from './intstr.ts';
export * from './defaults.ts';
export * from './validation/index.ts';
export * from './structural.ts';
export * from './crd.ts';
