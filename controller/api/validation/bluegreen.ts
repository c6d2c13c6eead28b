import { revisionHistoryLimitOrDefault } from '../defaults.ts';
import type { BlueGreenStrategy } from '../bluegreen.ts';
import type { Rollout } from '../rollout.ts';
import { type FieldError, child, invalid, required } from './field-error.ts';
import { nonNegative, validateAntiAffinity, validateIntOrPercent, validateRolloutAnalysis } from './common.ts';
import * as M from './messages.ts';

export function validateBlueGreen(rollout: Rollout, path: string): FieldError[] {
  const blueGreen = rollout.spec.strategy.blueGreen as BlueGreenStrategy;
  const errors: FieldError[] = [];
  if (blueGreen.activeService === '') {
    errors.push(required(child(path, 'activeService'), M.MissingFieldMessage('.spec.strategy.blueGreen.activeService')));
  } else if (blueGreen.activeService === blueGreen.previewService) {
    errors.push(invalid(child(path, 'activeService'), blueGreen.activeService, M.DuplicatedServicesBlueGreenMessage));
  }
  if (blueGreen.scaleDownDelayRevisionLimit !== undefined && revisionHistoryLimitOrDefault(rollout) < blueGreen.scaleDownDelayRevisionLimit) {
    errors.push(invalid(child(path, 'scaleDownDelayRevisionLimit'), blueGreen.scaleDownDelayRevisionLimit, M.ScaleDownLimitLargerThanRevisionLimit));
  }
  errors.push(
    ...nonNegative(path, {
      previewReplicaCount: blueGreen.previewReplicaCount,
      autoPromotionSeconds: blueGreen.autoPromotionSeconds,
      scaleDownDelaySeconds: blueGreen.scaleDownDelaySeconds,
      scaleDownDelayRevisionLimit: blueGreen.scaleDownDelayRevisionLimit,
      abortScaleDownDelaySeconds: blueGreen.abortScaleDownDelaySeconds,
    }),
  );
  errors.push(...validateIntOrPercent(child(path, 'maxUnavailable'), blueGreen.maxUnavailable, 100));
  errors.push(...validateRolloutAnalysis(blueGreen.prePromotionAnalysis, child(path, 'prePromotionAnalysis')));
  errors.push(...validateRolloutAnalysis(blueGreen.postPromotionAnalysis, child(path, 'postPromotionAnalysis')));
  errors.push(...validateAntiAffinity(blueGreen.antiAffinity, child(path, 'antiAffinity')));
  return errors;
}
