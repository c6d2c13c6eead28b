import { tryParseDuration, type CanaryStep, type Rollout } from '../../../controller/api/index.ts';
import { stepDescription } from '../../../controller/reconcile/canary/steps.ts';
import type { RolloutInfo } from '../../../client/info/types.ts';
import type { PauseView, StepKind, StepView } from '../../shared/api.ts';

const KINDS: readonly (keyof CanaryStep & StepKind)[] = [
  'setWeight',
  'pause',
  'analysis',
  'experiment',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
];

function stepKind(step: CanaryStep): StepKind {
  return KINDS.find((kind) => step[kind] !== undefined) ?? 'unknown';
}

/**
 * Every canary step with its state. Before the controller first records a step index the
 * rollout is on step 0, as Argo's GetCurrentCanaryStep reads it; past the last step all are done.
 */
export function stepTrack(ro: Rollout): StepView[] {
  const steps = ro.spec.strategy.canary?.steps ?? [];
  const current = ro.status?.currentStepIndex ?? 0;
  const experiment = ro.status?.canary?.currentExperiment;
  return steps.map((step, index) => {
    const view: StepView = {
      index,
      kind: stepKind(step),
      label: stepDescription(step),
      state: index < current ? 'done' : index === current ? 'current' : 'pending',
    };
    if (step.pause?.duration !== undefined) {
      const seconds = tryParseDuration(step.pause.duration);
      if (seconds !== undefined) view.durationSeconds = seconds;
    }
    if (view.kind === 'experiment' && view.state === 'current' && experiment) view.experiment = experiment;
    return view;
  });
}

function addSeconds(time: string, seconds: number): string | undefined {
  const start = Date.parse(time);
  if (Number.isNaN(start)) return undefined;
  return new Date(start + seconds * 1000).toISOString();
}

/**
 * The pause the rollout waits on, with its end when it ends by itself: a canary pause step with a
 * duration, or a blue-green pause with autoPromotionSeconds. Pauses for inconclusive analysis,
 * pause steps without a duration and blue-green pauses without auto-promotion wait for a promote.
 */
export function currentPause(info: RolloutInfo): PauseView | undefined {
  const condition = info.pauseConditions[0];
  if (condition === undefined) return undefined;
  const view: PauseView = { reason: condition.reason, startTime: condition.startTime };
  let seconds: number | undefined;
  if (condition.reason === 'CanaryPauseStep') seconds = info.pauseDurationSeconds;
  if (condition.reason === 'BlueGreenPause' && info.autoPromotionEnabled) seconds = info.autoPromotionSeconds;
  if (seconds !== undefined) {
    view.durationSeconds = seconds;
    const endsAt = addSeconds(condition.startTime, seconds);
    if (endsAt !== undefined) view.endsAt = endsAt;
  }
  return view;
}
