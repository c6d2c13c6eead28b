import { transition } from 'xstate';
import { canaryMachine, type CanaryActionName, type CanaryFacts, type CanaryStepKind } from './canary.ts';

export type CanaryPhaseName =
  | 'choosingStep'
  | CanaryStepKind
  | 'promoting'
  | 'promotingFull'
  | 'userPaused';
export type CanaryStateValue = 'healthy' | 'aborted' | { progressing: CanaryPhaseName };

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

const actionNames: ReadonlySet<string> = new Set<CanaryActionName>([
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

export interface CanaryDecision {
  state: CanaryStateValue;
  /** Named actions taken on the way, in order. */
  actions: CanaryActionName[];
  /** The facts after the machine's own updates (step index, pauses, stable hash, abort). */
  facts: CanaryFacts;
}

/** One pure step: rebuild the state from the status, feed it this pass's facts, return where it lands. */
export function decideCanary(status: CanaryStatusView, facts: CanaryFacts): CanaryDecision {
  const observed: CanaryFacts = { ...facts, moved: false, pausesCleared: false };
  const snapshot = canaryMachine.resolveState({ value: canaryStateFromStatus(status), context: { facts: observed } });
  const [next, actions] = transition(canaryMachine, snapshot, { type: 'OBSERVE', facts: observed });
  return {
    state: next.value as CanaryStateValue,
    actions: actions.map((a) => a.type).filter((t): t is CanaryActionName => actionNames.has(t)),
    facts: next.context.facts,
  };
}

export function canaryStateName(state: CanaryStateValue): string {
  return typeof state === 'string' ? state : `progressing.${state.progressing}`;
}
