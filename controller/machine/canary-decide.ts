import { canaryMachine, type CanaryActionName, type CanaryFacts, type CanaryStepKind } from './canary.ts';
import { decide, type Decision, type StrategyStateValue } from './decide.ts';

export type CanaryPhaseName =
  | 'choosingStep'
  | CanaryStepKind
  | 'promoting'
  | 'promotingFull'
  | 'userPaused';
export type CanaryStateValue = StrategyStateValue<CanaryPhaseName>;

/** The status fields the canary state is rebuilt from: nothing else survives a restart. */
export interface CanaryStatusView {
  currentPodHash?: string;
  stableRS?: string;
  abort?: boolean;
  promoteFull?: boolean;
  currentStepIndex?: number;
  /** The kind of each step in the spec, in order. */
  stepKinds: CanaryStepKind[];
}

const actionNames: ReadonlySet<CanaryActionName> = new Set<CanaryActionName>([
  'startNewRevision', 'skipAllSteps', 'promoteFull', 'markStable', 'recordAbort', 'completeStep', 'addCanaryPause', 'addInconclusivePause',
]);

/** Where the machine stands according to what the last pass wrote into the status. */
export function canaryStateFromStatus(status: CanaryStatusView): CanaryStateValue {
  if (status.abort) return 'aborted';
  if (!status.currentPodHash) return 'healthy';
  if (status.stableRS && status.stableRS === status.currentPodHash) return 'healthy';
  const index = status.currentStepIndex ?? 0;
  // Until a pass has acted on promoteFull (moving past the last step), the step's state takes it.
  if (status.promoteFull && index >= status.stepKinds.length) return { progressing: 'promotingFull' };
  const kind = status.stepKinds[index];
  return { progressing: kind ?? 'promoting' };
}

export type CanaryDecision = Decision<CanaryPhaseName, CanaryActionName, CanaryFacts>;

/**
 * One pure step: rebuild the state from the status, feed it this pass's facts, return where it
 * lands. `moved` and `pausesCleared` start false: they record what this pass's transitions did.
 */
export function decideCanary(status: CanaryStatusView, facts: CanaryFacts): CanaryDecision {
  return decide(canaryMachine, canaryStateFromStatus(status), { ...facts, moved: false, pausesCleared: false }, actionNames);
}
