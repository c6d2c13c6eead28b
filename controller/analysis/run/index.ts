export { planMeasurements, checkSpec, type MetricTask, type Plan } from './plan.ts';
export {
  applyMeasurements,
  type ApplyOptions,
  type ApplyResult,
  type GarbageCollection,
  type TakenMeasurement,
} from './apply.ts';
export { assessMetricStatus, assessRunStatus } from './assess.ts';
export {
  DEFAULT_CONSECUTIVE_ERROR_LIMIT,
  DEFAULT_ERROR_RETRY_INTERVAL_MS,
  DEFAULT_MEASUREMENT_HISTORY_LIMIT,
  isTerminating,
} from './helpers.ts';
