import { setup, transition } from 'xstate';
import type { AnalysisPhase } from '../api/index.ts';

/**
 * An Experiment's phase (Argo's calculateStatus) as a machine: a new experiment is Pending; from
 * Pending or Running the templates' and the analyses' assessments lead on; a completed phase is
 * final. plan() assesses the templates and analyses; the machine only decides.
 */
export interface ExperimentFacts {
  /** The templates' worst status as a phase (Argo's assessTemplates). */
  templates: { phase: AnalysisPhase; message: string };
  /** The analyses' worst phase, Running while any is Pending (Argo's assessAnalysisRuns). */
  analyses: { phase: AnalysisPhase; message: string };
  /** Some analysis is requiredForCompletion. */
  hasRequiredAnalyses: boolean;
  /** Every required analysis (and there is one) is Successful. */
  requiredAnalysesSuccessful: boolean;
}

export type ExperimentState = 'new' | 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

const COMPLETED = new Set<AnalysisPhase>(['Successful', 'Failed', 'Error', 'Inconclusive']);
const completed = (phase: AnalysisPhase): boolean => COMPLETED.has(phase);

/** Which assessment the experiment takes its phase and message from. */
export function phaseSource(f: ExperimentFacts): 'templates' | 'analyses' {
  if (completed(f.templates.phase)) {
    const analysesDone = completed(f.analyses.phase) || f.hasRequiredAnalyses;
    return f.templates.phase === 'Successful' && analysesDone ? 'analyses' : 'templates';
  }
  if (completed(f.analyses.phase) && f.analyses.phase !== 'Successful') return 'analyses';
  return f.requiredAnalysesSuccessful ? 'analyses' : 'templates';
}

const target = (f: ExperimentFacts): AnalysisPhase => f[phaseSource(f)].phase;
const goes = (phase: AnalysisPhase) => ({ context }: { context: { facts: ExperimentFacts } }) => target(context.facts) === phase;

const assessed = [
  { target: 'Successful', guard: goes('Successful') },
  { target: 'Failed', guard: goes('Failed') },
  { target: 'Error', guard: goes('Error') },
  { target: 'Inconclusive', guard: goes('Inconclusive') },
  { target: 'Running', guard: goes('Running') },
  { target: 'Pending', guard: goes('Pending') },
] as const;

export const experimentMachine = setup({
  types: {
    context: {} as { facts: ExperimentFacts },
    input: {} as { facts: ExperimentFacts },
    events: {} as { type: 'OBSERVE'; facts: ExperimentFacts },
  },
}).createMachine({
  id: 'experiment',
  context: ({ input }) => ({ facts: input.facts }),
  initial: 'new',
  states: {
    new: { on: { OBSERVE: 'Pending' } },
    Pending: { on: { OBSERVE: [...assessed] } },
    Running: { on: { OBSERVE: [...assessed] } },
    Successful: { type: 'final' },
    Failed: { type: 'final' },
    Error: { type: 'final' },
    Inconclusive: { type: 'final' },
  },
});

/** One pure step from the phase in the status; returns the next phase and the message to write. */
export function decideExperimentPhase(current: AnalysisPhase | undefined, facts: ExperimentFacts): { phase: AnalysisPhase; message?: string } {
  const snapshot = experimentMachine.resolveState({ value: current ?? 'new', context: { facts } });
  if (current !== undefined && completed(current)) return { phase: current };
  const [next] = transition(experimentMachine, snapshot, { type: 'OBSERVE', facts });
  const phase = next.value as AnalysisPhase;
  if (current === undefined) return { phase };
  return { phase, message: facts[phaseSource(facts)].message };
}
