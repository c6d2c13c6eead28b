import type { V1ReplicaSet } from '@kubernetes/client-node';
import { isCompleted } from '../../analysis/types.ts';
import type { AnalysisRun, Rollout, RolloutAnalysis, RolloutAnalysisRunStatus } from '../../api/index.ts';
import type { AnalysisGate, CanaryActionName } from '../../machine/canary.ts';
import { analysisRunName, renderAnalysisRun } from '../shared/analysis-run-render.ts';
import { analysisRunStatusEvent, analysisRunsToDelete, findCurrentRun, gateOf, needsNewAnalysisRun, runHash, runKind, runStatusEntry, type CurrentRun } from '../shared/rollout-analysis.ts';
import type { AnalysisTemplates } from '../shared/analysis-templates.ts';
import { analysisRunCreateErrorEvent } from '../shared/events.ts';
import { MESSAGES } from '../shared/messages.ts';
import { SCALE_DOWN_DEADLINE_ANNOTATION } from '../../api/labels.ts';
import type { Effect, RolloutEvent } from '../types.ts';

/**
 * The AnalysisRuns of a canary, as Argo keeps them: one run per `analysis` step (named
 * `<rollout>-<hash>-<revision>-<stepIndex>`, labelled `rollout-type: Step` and `step-index`) and
 * one background run per revision (`<rollout>-<hash>-<revision>`, `rollout-type: Background`),
 * found by the names recorded in status.canary. Before the machine decides, their phases become
 * gates; after it, the runs the new position needs are created and the others terminated. Pure.
 */

export const STEP_INDEX_LABEL = 'step-index';
const INCONCLUSIVE_PAUSE = 'InconclusiveAnalysisRun';

export interface CanaryAnalysisInput {
  /** The Rollout as observed: its status is the one the last pass wrote. */
  rollout: Rollout;
  newHash: string;
  newRS: V1ReplicaSet;
  /** AnalysisRuns controlled by the Rollout. */
  analysisRuns: readonly AnalysisRun[];
  replicaSets: readonly V1ReplicaSet[];
  templates: AnalysisTemplates;
  /** The new template is an older ReplicaSet within spec.rollbackWindow. */
  rollbackWithinWindow: boolean;
}

export interface CanaryAnalysisView {
  /**
   * Argo's reconcileAnalysisRuns skips analysis (and terminates every run) while aborted, on a
   * full promotion, when rolling back to a ReplicaSet still within its scale-down delay, on the
   * first deploy and on a rollback within the rollback window.
   */
  skipped: boolean;
  step: { current?: CurrentRun; gate: AnalysisGate };
  background: { current?: CurrentRun; gate: AnalysisGate };
}

const pauseReasons = (rollout: Rollout): string[] => (rollout.status?.pauseConditions ?? []).map((p) => p.reason);

function skipped(input: CanaryAnalysisInput): boolean {
  const status = input.rollout.status ?? {};
  return (
    status.abort === true ||
    status.promoteFull === true ||
    input.newRS.metadata?.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION] !== undefined ||
    !status.stableRS ||
    input.rollbackWithinWindow
  );
}

/** The step run of this revision for the step at `index`. */
function stepRun(input: CanaryAnalysisInput, index: number): CurrentRun | undefined {
  const { rollout, newHash, analysisRuns } = input;
  const recorded = rollout.status?.canary?.currentStepAnalysisRunStatus;
  const belongs = (run: AnalysisRun) => runHash(run) === newHash && runKind(run) === 'Step' && run.metadata.labels?.[STEP_INDEX_LABEL] === String(index);
  const current = findCurrentRun(rollout, newHash, analysisRuns, recorded, belongs);
  // A recorded run trusted without being seen must still be the one of this step.
  if (current && !current.run && (rollout.status?.currentStepIndex ?? 0) !== index) return undefined;
  return current;
}

function backgroundRun(input: CanaryAnalysisInput): CurrentRun | undefined {
  const { rollout, newHash, analysisRuns } = input;
  const recorded = rollout.status?.canary?.currentBackgroundAnalysisRunStatus;
  return findCurrentRun(rollout, newHash, analysisRuns, recorded, (run) => runHash(run) === newHash && runKind(run) === 'Background');
}

/** While analysis is skipped Argo keeps whatever runs the status names (FilterCurrentRolloutAnalysisRuns). */
function recordedRun(input: CanaryAnalysisInput, recorded: RolloutAnalysisRunStatus | undefined): CurrentRun | undefined {
  if (!recorded) return undefined;
  const run = input.analysisRuns.find((r) => r.metadata.name === recorded.name);
  if (!run) return { name: recorded.name, phase: recorded.status, ...(recorded.message ? { message: recorded.message } : {}) };
  const message = run.status?.message;
  return { name: recorded.name, phase: run.status?.phase ?? recorded.status, ...(message ? { message } : {}), run };
}

const backgroundSpec = (rollout: Rollout): RolloutAnalysis | undefined => {
  const analysis = rollout.spec.strategy.canary?.analysis;
  return analysis && (analysis.templates ?? []).length > 0 ? analysis : undefined;
};

/** Argo's BeforeStartingStep: the background analysis waits until the step index reaches startingStep. */
function beforeStartingStep(rollout: Rollout, stepIndex: number): boolean {
  const startingStep = rollout.spec.strategy.canary?.analysis?.startingStep;
  if (startingStep === undefined || (rollout.spec.strategy.canary?.steps ?? []).length === 0) return false;
  return stepIndex < startingStep;
}

/** What the machine reads of the analysis, from the position the last pass wrote. */
export function observeCanaryAnalysis(input: CanaryAnalysisInput): CanaryAnalysisView {
  const { rollout } = input;
  const status = rollout.status ?? {};
  const index = status.currentStepIndex ?? 0;
  const steps = rollout.spec.strategy.canary?.steps ?? [];
  const isSkipped = skipped(input);
  const paused = pauseReasons(rollout).length > 0;

  if (isSkipped) {
    const stepCurrent = recordedRun(input, status.canary?.currentStepAnalysisRunStatus);
    const bgCurrent = recordedRun(input, status.canary?.currentBackgroundAnalysisRunStatus);
    return { skipped: true, step: { ...(stepCurrent ? { current: stepCurrent } : {}), gate: 'pending' }, background: { ...(bgCurrent ? { current: bgCurrent } : {}), gate: 'pending' } };
  }

  const stepCurrent = steps[index]?.analysis ? stepRun(input, index) : undefined;
  let stepGate: AnalysisGate = 'pending';
  // While any pause is on, Argo's reconcileStepBasedAnalysisRun neither pauses nor aborts again.
  if (stepCurrent && !paused && !needsNewAnalysisRun(stepCurrent, rollout)) stepGate = gateOf(stepCurrent.phase);

  const bgCurrent = backgroundSpec(rollout) ? backgroundRun(input) : undefined;
  let bgGate: AnalysisGate = 'pending';
  if (bgCurrent && !pauseReasons(rollout).includes(INCONCLUSIVE_PAUSE) && !needsNewAnalysisRun(bgCurrent, rollout)) bgGate = gateOf(bgCurrent.phase);

  return {
    skipped: false,
    step: { ...(stepCurrent ? { current: stepCurrent } : {}), gate: stepGate },
    background: { ...(bgCurrent ? { current: bgCurrent } : {}), gate: bgGate },
  };
}

export interface CanaryAnalysisDecision {
  /** Names of the actions the machine took this pass. */
  actions: readonly CanaryActionName[];
  aborted: boolean;
  /** The step index after this pass, and whether that step is an analysis step. */
  stepIndex: number;
  atAnalysisStep: boolean;
  /** The stable revision after this pass. */
  stableHash?: string;
  /** Pause conditions remain after this pass. */
  paused: boolean;
  /** An InconclusiveAnalysisRun pause is on after this pass. */
  inconclusivePaused: boolean;
}

export interface CanaryAnalysisPlan {
  effects: Effect[];
  events: RolloutEvent[];
  currentStepAnalysisRunStatus?: RolloutAnalysisRunStatus;
  currentBackgroundAnalysisRunStatus?: RolloutAnalysisRunStatus;
  /** Why the rollout aborted, when a current run failed: Argo appends it to the abort message. */
  abortMessage?: string;
}

/**
 * After the machine decided: create the step or background run the new position needs, record
 * both in the status, say why an abort happened, terminate runs that no longer count and delete
 * finished ones beyond spec.analysis's history limits.
 */
export function planCanaryAnalysis(input: CanaryAnalysisInput, view: CanaryAnalysisView, decision: CanaryAnalysisDecision): CanaryAnalysisPlan {
  const { rollout, newHash } = input;
  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  const out: CanaryAnalysisPlan = { effects, events };
  const taken = new Set(input.analysisRuns.map((r) => r.metadata.name ?? ''));
  const status = rollout.status ?? {};
  const newRevision = decision.actions.includes('startNewRevision');
  const fullyPromoted = decision.stableHash === newHash;
  const mayCreate = !view.skipped && !decision.aborted && !newRevision && !fullyPromoted;

  const create = (kind: 'Step' | 'Background', spec: RolloutAnalysis, infix: string, labels: Record<string, string>): CurrentRun | undefined => {
    const name = analysisRunName(rollout, newHash, infix, taken);
    try {
      const run = renderAnalysisRun(rollout, kind, spec, { newHash, ...(decision.stableHash ? { stableHash: decision.stableHash } : {}) }, input.templates, name, labels);
      effects.push({ kind: 'createAnalysisRun', analysisRun: run, reason: kind === 'Step' ? `analysis step ${infix}` : 'background analysis' });
      taken.add(name);
      return { name, run };
    } catch (err) {
      // Argo fails the pass; here the Rollout stays where it is and the next pass tries again.
      events.push(analysisRunCreateErrorEvent(kind, err));
      return undefined;
    }
  };

  // The step run: kept while the machine waits in an analysis step, else it no longer counts.
  let step: CurrentRun | undefined;
  if (newRevision || fullyPromoted) {
    step = undefined;
  } else if (view.skipped || decision.aborted) {
    step = view.step.current;
  } else if (decision.atAnalysisStep) {
    const index = decision.stepIndex;
    const stepSpec = rollout.spec.strategy.canary?.steps?.[index]?.analysis;
    step = index === (status.currentStepIndex ?? 0) ? view.step.current : stepRun(input, index);
    if (stepSpec && mayCreate && !decision.paused && needsNewAnalysisRun(step, rollout)) {
      step = create('Step', stepSpec, String(index), { [STEP_INDEX_LABEL]: String(index) });
    }
  }

  // The background run: from startingStep on until the revision is stable. A new revision's is
  // created in the pass that creates its ReplicaSet, so it is started before any step of the
  // revision can complete: a canary never reports a pause its background analysis has not seen.
  let background: CurrentRun | undefined;
  const bgSpec = backgroundSpec(rollout);
  if (!bgSpec || fullyPromoted) {
    background = undefined;
  } else if (view.skipped || decision.aborted) {
    background = newRevision ? undefined : view.background.current;
  } else if (!beforeStartingStep(rollout, decision.stepIndex)) {
    background = newRevision ? undefined : view.background.current;
    if (!decision.inconclusivePaused && needsNewAnalysisRun(background, rollout)) background = create('Background', bgSpec, '', {});
  }

  if (step) {
    out.currentStepAnalysisRunStatus = runStatusEntry(step);
    const event = analysisRunStatusEvent('Step', status.canary?.currentStepAnalysisRunStatus, step);
    if (event) events.push(event);
  }
  if (background) {
    out.currentBackgroundAnalysisRunStatus = runStatusEntry(background);
    const event = analysisRunStatusEvent('Background', status.canary?.currentBackgroundAnalysisRunStatus, background);
    if (event) events.push(event);
  }
  if (decision.aborted) {
    const failed = [step, background].find((r) => r?.phase === 'Failed' || r?.phase === 'Error');
    if (failed) out.abortMessage = failed.message || MESSAGES.rolloutAnalysisRunFailed(failed.name, rollout.metadata.name ?? '');
  }

  // Runs that no longer count; all of them while analysis is skipped or the rollout aborted.
  const currentNames = new Set([step?.name, background?.name].filter((n): n is string => n !== undefined));
  const others = input.analysisRuns.filter((r) => !currentNames.has(r.metadata.name ?? ''));
  const stopping = view.skipped || decision.aborted ? input.analysisRuns : others;
  for (const run of stopping) {
    if (!run.spec.terminate && !isCompleted(run.status?.phase) && !run.metadata.deletionTimestamp) {
      effects.push({ kind: 'terminateAnalysisRun', name: run.metadata.name ?? '', reason: decision.aborted ? 'rollout aborted' : 'no longer current' });
    }
  }
  // Argo cleans up history only on passes that analyse.
  if (view.skipped || decision.aborted) return out;
  for (const run of analysisRunsToDelete(others, input.replicaSets, rollout)) {
    effects.push({ kind: 'deleteAnalysisRun', name: run.metadata.name ?? '', reason: 'analysis run history limit' });
  }
  return out;
}
