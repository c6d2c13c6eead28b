import type { V1ReplicaSet } from '@kubernetes/client-node';
import { isCompleted } from '../../analysis/types.ts';
import type { AnalysisRun, Rollout, RolloutAnalysis, RolloutAnalysisRunStatus } from '../../api/index.ts';
import type { AnalysisGate } from '../../machine/bluegreen.ts';
import { analysisRunName, renderAnalysisRun } from '../shared/analysis-run-render.ts';
import type { AnalysisTemplates } from '../shared/analysis-templates.ts';
import { analysisRunCreateErrorEvent } from '../shared/events.ts';
import { MESSAGES } from '../shared/messages.ts';
import { analysisRunStatusEvent, analysisRunsToDelete, findCurrentRun, gateOf, needsNewAnalysisRun, pauseReasons, runHash, runKind, runStatusEntry, type CurrentRun, type PromotionKind } from '../shared/rollout-analysis.ts';
import type { Effect, RolloutEvent } from '../types.ts';

/**
 * The AnalysisRuns of a blue-green Rollout, as Argo keeps them: one pre-promotion and one
 * post-promotion run per revision, found by the name recorded in status.blueGreen and by their
 * labels, gates for the machine derived from their phases, and the effects that create,
 * terminate and garbage-collect them. Pure: everything comes from the observation.
 */

const INFIX: Record<PromotionKind, string> = { PrePromotion: 'pre', PostPromotion: 'post' };
const STATUS_FIELD = { PrePromotion: 'prePromotionAnalysisRunStatus', PostPromotion: 'postPromotionAnalysisRunStatus' } as const;
const SPEC_FIELD = { PrePromotion: 'prePromotionAnalysis', PostPromotion: 'postPromotionAnalysis' } as const;

export interface BlueGreenAnalysisInput {
  rollout: Rollout;
  newHash: string;
  /** AnalysisRuns controlled by the Rollout. */
  analysisRuns: readonly AnalysisRun[];
  replicaSets: readonly V1ReplicaSet[];
  templates: AnalysisTemplates;
  /** promote --full or a rollback within the window: analysis is skipped (Argo's isBlueGreenFastTracked). */
  fastTracked: boolean;
}

/** The run that counts for one kind of analysis of the current revision, if any. */
export interface PromotionAnalysis {
  kind: PromotionKind;
  spec?: RolloutAnalysis;
  /** The run as observed, or as last recorded in the status when the cache has not caught up. */
  current?: CurrentRun;
  gate: AnalysisGate;
  /** The current run is inconclusive and its pause was cleared: Argo creates the next run. */
  rerun: boolean;
}

export interface BlueGreenAnalysisView {
  pre: PromotionAnalysis;
  post: PromotionAnalysis;
}

function currentRun(kind: PromotionKind, input: BlueGreenAnalysisInput): PromotionAnalysis['current'] {
  const { rollout, newHash, analysisRuns } = input;
  const recorded = rollout.status?.blueGreen?.[STATUS_FIELD[kind]];
  return findCurrentRun(rollout, newHash, analysisRuns, recorded, (run) => runHash(run) === newHash && runKind(run) === kind);
}

/**
 * Argo skips blue-green analysis on the first deploy (no stable revision yet), when the user
 * asked for a full promotion and for a rollback within the window (shouldCancelCurrentAnalysis);
 * a kind the strategy does not configure is no gate at all.
 */
function promotionAnalysis(kind: PromotionKind, input: BlueGreenAnalysisInput): PromotionAnalysis {
  const spec = input.rollout.spec.strategy.blueGreen?.[SPEC_FIELD[kind]];
  const current = currentRun(kind, input);
  const { rollout } = input;
  const skipped = !spec || !rollout.status?.stableRS || input.fastTracked === true;
  // As Argo's reconcilePre/PostPromotionAnalysisRun: while the inconclusive pause is on, the run stays.
  const rerun = !skipped && current !== undefined && !pauseReasons(rollout).includes('InconclusiveAnalysisRun') && needsNewAnalysisRun(current, rollout);
  return { kind, ...(spec ? { spec } : {}), ...(current ? { current } : {}), gate: skipped ? 'none' : gateOf(current?.phase), rerun };
}

export function observeBlueGreenAnalysis(input: BlueGreenAnalysisInput): BlueGreenAnalysisView {
  return { pre: promotionAnalysis('PrePromotion', input), post: promotionAnalysis('PostPromotion', input) };
}

/** What the machine may read of the analysis: a recorded run only while it gates this revision. */
export function machineAnalysisStatus(view: PromotionAnalysis): { status?: string } | undefined {
  return view.gate !== 'none' && view.current ? { status: view.current.phase ?? 'Pending' } : undefined;
}

export interface BlueGreenAnalysisDecision {
  /** Names of the actions the machine took this pass. */
  actions: readonly string[];
  aborted: boolean;
  /** The stable revision after this pass, for `podTemplateHashValue: Stable` arguments. */
  stableHash?: string;
}

export interface BlueGreenAnalysisPlan {
  effects: Effect[];
  events: RolloutEvent[];
  prePromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
  postPromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
  /** Why the rollout aborts, when a current run failed: Argo appends it to the abort message. */
  abortMessage?: string;
}

/**
 * After the machine decided: create the run it asked for, record both runs in the status, say why
 * an abort happened, terminate runs that no longer count and delete finished ones beyond
 * spec.analysis's history limits.
 */
export function planBlueGreenAnalysis(input: BlueGreenAnalysisInput, view: BlueGreenAnalysisView, decision: BlueGreenAnalysisDecision): BlueGreenAnalysisPlan {
  const { rollout, newHash } = input;
  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  const out: BlueGreenAnalysisPlan = { effects, events };
  const taken = new Set(input.analysisRuns.map((r) => r.metadata.name ?? ''));
  const recorded: Partial<Record<PromotionKind, RolloutAnalysisRunStatus>> = {};

  for (const analysis of [view.pre, view.post]) {
    const { kind } = analysis;
    const start = kind === 'PrePromotion' ? 'startPrePromotionAnalysis' : 'startPostPromotionAnalysis';
    let current = analysis.current;
    if (decision.actions.includes(start) && analysis.spec && analysis.gate !== 'none' && (!current || isCompleted(current.phase))) {
      const name = analysisRunName(rollout, newHash, INFIX[kind], taken);
      try {
        const run = renderAnalysisRun(rollout, kind, analysis.spec, { newHash, ...(decision.stableHash ? { stableHash: decision.stableHash } : {}) }, input.templates, name);
        effects.push({ kind: 'createAnalysisRun', analysisRun: run, reason: `${INFIX[kind]}-promotion analysis` });
        taken.add(name);
        current = { name, run };
      } catch (err) {
        // Argo fails the pass; here the Rollout stays where it is and the next pass tries again.
        events.push(analysisRunCreateErrorEvent(kind, err));
        current = undefined;
      }
    }
    if (!current) continue;
    recorded[kind] = runStatusEntry(current);
    const event = analysisRunStatusEvent(kind, rollout.status?.blueGreen?.[STATUS_FIELD[kind]], current);
    if (event) events.push(event);
    if (decision.aborted && (current.phase === 'Failed' || current.phase === 'Error') && out.abortMessage === undefined) {
      out.abortMessage = current.message || MESSAGES.rolloutAnalysisRunFailed(current.name, rollout.metadata.name ?? '');
    }
  }
  if (recorded.PrePromotion) out.prePromotionAnalysisRunStatus = recorded.PrePromotion;
  if (recorded.PostPromotion) out.postPromotionAnalysisRunStatus = recorded.PostPromotion;

  // Runs that no longer count: those of other revisions, superseded ones, all of them once aborted.
  const currentNames = new Set(Object.values(recorded).map((r) => r.name));
  const others = input.analysisRuns.filter((r) => !currentNames.has(r.metadata.name ?? ''));
  const stopping = decision.aborted ? input.analysisRuns : others;
  for (const run of stopping) {
    if (!run.spec.terminate && !isCompleted(run.status?.phase) && !run.metadata.deletionTimestamp) {
      effects.push({ kind: 'terminateAnalysisRun', name: run.metadata.name ?? '', reason: decision.aborted ? 'rollout aborted' : 'no longer current' });
    }
  }
  for (const run of analysisRunsToDelete(others, input.replicaSets, rollout)) {
    effects.push({ kind: 'deleteAnalysisRun', name: run.metadata.name ?? '', reason: 'analysis run history limit' });
  }
  return out;
}
