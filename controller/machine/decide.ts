import { transition, type AnyStateMachine, type ContextFrom } from 'xstate';

/** Where a strategy's machine stands: settled, aborted, or one phase of `progressing`. */
export type StrategyStateValue<Phase extends string> = 'healthy' | 'aborted' | { progressing: Phase };

/** What one pure step returns, for either strategy. */
export interface Decision<Phase extends string, Action extends string, Facts> {
  state: StrategyStateValue<Phase>;
  /** Named actions taken on the way, in order. */
  actions: Action[];
  /** The facts after the machine's own updates. */
  facts: Facts;
}

/** The facts of one pass: both strategies' machines keep them as their whole context. */
type FactsOf<M extends AnyStateMachine> = ContextFrom<M> extends { facts: infer F } ? F : never;

/**
 * One pure step: rebuild the state from what the status says, feed it this pass's facts and let
 * the eventless transitions settle. Only the planner's named actions are returned (`actionNames`),
 * not the machine's own fact updates.
 */
export function decide<M extends AnyStateMachine, Phase extends string, Action extends string>(
  machine: M,
  value: StrategyStateValue<Phase>,
  facts: FactsOf<M>,
  actionNames: ReadonlySet<Action>,
): Decision<Phase, Action, FactsOf<M>> {
  // Typed by the caller's machine above; XState's generics do not carry through a generic body.
  const m: AnyStateMachine = machine;
  const snapshot = m.resolveState({ value, context: { facts } });
  const [next, actions] = transition(m, snapshot, { type: 'OBSERVE', facts });
  return {
    state: next.value as StrategyStateValue<Phase>,
    actions: actions.map((a): string => a.type).filter((t): t is Action => (actionNames as ReadonlySet<string>).has(t)),
    facts: (next.context as { facts: FactsOf<M> }).facts,
  };
}

/** The state as one dotted name (`healthy`, `progressing.paused`), for messages and tests. */
export function stateName(state: StrategyStateValue<string>): string {
  return typeof state === 'string' ? state : `progressing.${state.progressing}`;
}
