import type { V1ReplicaSet } from '@kubernetes/client-node';
import { isCompleted } from '../../analysis/types.ts';
import type { Experiment, Rollout, RolloutExperimentStep, WeightDestination } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import type { AnalysisGate } from '../../machine/canary.ts';
import { analysisRunsToDelete, gateOf } from '../shared/rollout-analysis.ts';
import { MESSAGES, REASONS } from '../shared/messages.ts';
import type { Effect, RolloutEvent } from '../types.ts';
import { renderStepExperiment, stepExperimentName } from './experiment-render.ts';

/**
 * The Experiments of a canary's `experiment` steps, as Argo's reconcileExperiments keeps them:
 * the one the status names (`status.canary.currentExperiment`) gates the step (Successful moves
 * on, Failed or Error aborts, Inconclusive pauses with InconclusiveExperiment); after the machine
 * decided, the step's Experiment is created, the others terminated, and finished ones beyond
 * spec.analysis's history limits deleted. An abort or a full promotion terminates them all. Pure.
 */

export const INCONCLUSIVE_EXPERIMENT_PAUSE = 'InconclusiveExperiment';

export interface CanaryExperimentInput {
  /** The Rollout as observed: its status is the one the last pass wrote. */
  rollout: Rollout;
  newHash: string;
  newRS: V1ReplicaSet;
  /** The stable ReplicaSet; Argo creates no experiment before there is one. */
  stableRS?: V1ReplicaSet;
  /** Experiments controlled by the Rollout. */
  experiments: readonly Experiment[];
  replicaSets: readonly V1ReplicaSet[];
}

/** The experiment of the current step: observed, or only recorded when the cache has not seen it yet. */
export interface CurrentExperiment {
  name: string;
  phase?: string;
  message?: string;
}

export interface CanaryExperimentView {
  current?: CurrentExperiment;
  gate: AnalysisGate;
  /** The running experiment's templates that carry a weight: their Services and shares of traffic. */
  weightDestinations: WeightDestination[];
}

const hasPause = (rollout: Rollout, reason: string): boolean => (rollout.status?.pauseConditions ?? []).some((p) => p.reason === reason);
const hashOf = (ex: Experiment): string | undefined => ex.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
const controlledBy = (ex: Experiment, uid: string | undefined): boolean =>
  (ex.metadata.ownerReferences ?? []).some((ref) => (ref as { uid?: string; controller?: boolean }).uid === uid && (ref as { controller?: boolean }).controller === true);
const going = (ex: Experiment): boolean => !ex.spec.terminate && !isCompleted(ex.status?.phase);

function fromExperiment(ex: Experiment): CurrentExperiment {
  const message = ex.status?.message;
  return { name: ex.metadata.name ?? '', ...(ex.status?.phase ? { phase: ex.status.phase } : {}), ...(message ? { message } : {}) };
}

/** Argo's GetCurrentExperiment: the one the status names, if it belongs to this revision. */
function recordedExperiment(input: CanaryExperimentInput): CurrentExperiment | undefined {
  const { rollout, newHash } = input;
  const recorded = rollout.status?.canary?.currentExperiment;
  if (!recorded) return undefined;
  const found = input.experiments.find((ex) => ex.metadata.name === recorded);
  if (found) return hashOf(found) === newHash ? fromExperiment(found) : undefined;
  // Created by the last pass, not in the cache yet.
  return rollout.status?.currentPodHash === newHash ? { name: recorded } : undefined;
}

/** Argo's calculateWeightDestinationsFromExperiment: a running experiment's weighted templates, as its status names their Services. */
function weightDestinations(step: RolloutExperimentStep, experiment: Experiment | undefined): WeightDestination[] {
  if (experiment?.status?.phase !== 'Running') return [];
  const weights = new Map(step.templates.filter((t) => t.weight !== undefined).map((t) => [t.name, t.weight!]));
  return (experiment.status.templateStatuses ?? []).flatMap((ts) => {
    const weight = weights.get(ts.name);
    // A template without a Service yet (or whose pods declare no port, so it gets none) has nothing to route to.
    return weight === undefined || !ts.serviceName ? [] : [{ weight, serviceName: ts.serviceName, podTemplateHash: ts.podTemplateHash ?? '' }];
  });
}

/** What the machine reads of the current experiment step, from the position the last pass wrote. */
export function observeCanaryExperiment(input: CanaryExperimentInput): CanaryExperimentView {
  const { rollout } = input;
  const status = rollout.status ?? {};
  const step = rollout.spec.strategy.canary?.steps?.[status.currentStepIndex ?? 0];
  if (!step?.experiment) return { gate: 'pending', weightDestinations: [] };
  const current = recordedExperiment(input);
  const observed = current ? input.experiments.find((ex) => ex.metadata.name === current.name) : undefined;
  const withCurrent = { ...(current ? { current } : {}), weightDestinations: weightDestinations(step.experiment, observed) };
  // Argo's reconcileExperiments does nothing while aborted, promoted in full or paused on an inconclusive experiment.
  if (!current || status.abort || status.promoteFull || hasPause(rollout, INCONCLUSIVE_EXPERIMENT_PAUSE)) return { ...withCurrent, gate: 'pending' };
  return { ...withCurrent, current, gate: gateOf(current.phase) };
}

export interface CanaryExperimentDecision {
  aborted: boolean;
  /** status.promoteFull after this pass, or the revision became stable. */
  promotingFull: boolean;
  /** This pass started a new revision: the observed step facts say nothing about its steps. */
  newRevision: boolean;
  /** The step index after this pass. */
  stepIndex: number;
  /** An InconclusiveExperiment pause is on after this pass. */
  inconclusivePaused: boolean;
}

export interface CanaryExperimentPlan {
  effects: Effect[];
  events: RolloutEvent[];
  /** status.canary.currentExperiment after this pass. */
  currentExperiment?: string;
  /** Why the rollout aborted, when the current experiment failed. */
  abortMessage?: string;
}

/** The step's Experiment under Argo's name, or a running one of ours a lost status write left behind; `-N` past others. */
function chooseExperiment(input: CanaryExperimentInput, stepIndex: number): { adopt?: Experiment; name?: string } {
  const base = stepExperimentName(input.rollout, input.newHash, stepIndex);
  const byName = new Map(input.experiments.map((ex) => [ex.metadata.name ?? '', ex]));
  for (let n = 0; n <= input.experiments.length; n++) {
    const name = n === 0 ? base : `${base}-${n}`;
    const existing = byName.get(name);
    if (!existing) return { name };
    if (controlledBy(existing, input.rollout.metadata.uid) && hashOf(existing) === input.newHash && going(existing)) return { adopt: existing };
  }
  return {};
}

export function planCanaryExperiment(input: CanaryExperimentInput, view: CanaryExperimentView, decision: CanaryExperimentDecision): CanaryExperimentPlan {
  const { rollout } = input;
  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  const out: CanaryExperimentPlan = { effects, events };
  const terminate = (exs: readonly Experiment[], reason: string) => {
    for (const ex of exs) if (going(ex) && !ex.metadata.deletionTimestamp) effects.push({ kind: 'terminateExperiment', name: ex.metadata.name ?? '', reason });
  };

  if (decision.aborted && view.gate === 'failed') out.abortMessage = MESSAGES.experimentStepFailed(view.current?.message);
  if (decision.aborted || decision.promotingFull) {
    terminate(input.experiments, decision.aborted ? 'rollout aborted' : 'rollout promoted in full');
    return out;
  }
  if (decision.inconclusivePaused) return out;

  const observedIndex = rollout.status?.currentStepIndex ?? 0;
  const step = rollout.spec.strategy.canary?.steps?.[decision.stepIndex]?.experiment;
  let current: CurrentExperiment | undefined;
  if (step && !decision.newRevision) {
    current = decision.stepIndex === observedIndex ? view.current : undefined;
    if (!current && input.stableRS) {
      const chosen = chooseExperiment(input, decision.stepIndex);
      if (chosen.adopt) current = fromExperiment(chosen.adopt);
      else if (chosen.name) {
        try {
          const experiment = renderStepExperiment({ rollout, step, stepIndex: decision.stepIndex, newHash: input.newHash, newRS: input.newRS, stableRS: input.stableRS, name: chosen.name });
          effects.push({ kind: 'createExperiment', experiment, reason: `experiment step ${decision.stepIndex}` });
          events.push({ type: 'Normal', reason: REASONS.ExperimentCreated, message: MESSAGES.experimentCreated(chosen.name) });
          current = { name: chosen.name };
        } catch (err) {
          // Argo fails the pass; here the Rollout stays at the step and the next pass tries again.
          events.push({ type: 'Warning', reason: REASONS.ExperimentCreateError, message: MESSAGES.experimentCreateError((err as Error).message) });
        }
      }
    }
  }
  // Argo records only an experiment still going; a finished one is kept while the step waits on it, so it is not started again.
  if (current) out.currentExperiment = current.name;

  const others = input.experiments.filter((ex) => ex.metadata.name !== current?.name);
  terminate(others, 'no longer current');
  for (const ex of analysisRunsToDelete(others, input.replicaSets, rollout)) {
    effects.push({ kind: 'deleteExperiment', name: ex.metadata.name ?? '', reason: 'experiment history limit' });
  }
  return out;
}
