import type { V1ReplicaSet } from '@kubernetes/client-node';
import { buildArgumentsForRollout } from '../../analysis/args.ts';
import { buildAnalysisRun } from '../../analysis/build.ts';
import { isCompleted } from '../../analysis/types.ts';
import {
  DEFAULTS,
  type AnalysisRun,
  type AnalysisTemplate,
  type ClusterAnalysisTemplate,
  type FieldError,
  type Rollout,
  type RolloutAnalysis,
  type RolloutAnalysisRunStatus,
} from '../../api/index.ts';
import { formatValue, invalid } from '../../api/validation/field-error.ts';
import type { AnalysisGate } from '../../machine/bluegreen.ts';
import { MESSAGES } from './conditions.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import { REVISION_ANNOTATION } from '../../api/labels.ts';
import type { Effect, RolloutEvent } from '../types.ts';
import { INSTANCE_ID_LABEL } from '../../api/labels.ts';

/**
 * The AnalysisRuns of a blue-green Rollout, as Argo keeps them: one pre-promotion and one
 * post-promotion run per revision, found by the name recorded in status.blueGreen and by their
 * labels, gates for the machine derived from their phases, and the effects that create,
 * terminate and garbage-collect them. Pure: everything comes from the observation.
 */

export const ROLLOUT_TYPE_LABEL = 'rollout-type';
export type PromotionKind = 'PrePromotion' | 'PostPromotion';
/** The `rollout-type` label of a Rollout's AnalysisRun: Argo's RolloutType*Label values. */
export type AnalysisRunKind = PromotionKind | 'Step' | 'Background';
/** Where each kind of analysis is configured, for error messages. */
const SPEC_PATH: Record<AnalysisRunKind, string> = {
  PrePromotion: 'prePromotionAnalysis',
  PostPromotion: 'postPromotionAnalysis',
  Step: 'the analysis step',
  Background: 'canary.analysis',
};

const INFIX: Record<PromotionKind, string> = { PrePromotion: 'pre', PostPromotion: 'post' };
const STATUS_FIELD = { PrePromotion: 'prePromotionAnalysisRunStatus', PostPromotion: 'postPromotionAnalysisRunStatus' } as const;
const SPEC_FIELD = { PrePromotion: 'prePromotionAnalysis', PostPromotion: 'postPromotionAnalysis' } as const;

export interface AnalysisTemplates {
  /** AnalysisTemplates in the Rollout's namespace, by name. */
  templates?: ReadonlyMap<string, AnalysisTemplate>;
  /** ClusterAnalysisTemplates, by name. */
  clusterTemplates?: ReadonlyMap<string, ClusterAnalysisTemplate>;
}

export interface BlueGreenAnalysisInput {
  rollout: Rollout;
  newHash: string;
  /** AnalysisRuns controlled by the Rollout. */
  analysisRuns: readonly AnalysisRun[];
  replicaSets: readonly V1ReplicaSet[];
  templates: AnalysisTemplates;
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

export const runHash = (run: AnalysisRun): string | undefined => run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
export const runKind = (run: AnalysisRun): string | undefined => run.metadata.labels?.[ROLLOUT_TYPE_LABEL];
const created = (run: AnalysisRun): number => Date.parse(run.metadata.creationTimestamp ?? '') || 0;
const newestFirst = (a: AnalysisRun, b: AnalysisRun): number => created(b) - created(a) || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');

/** `kubectl argo rollouts retry` cleared status.abort; this pass is the first one after it. */
function retrying(rollout: Rollout): boolean {
  return rollout.status?.abort !== true && !!rollout.status?.abortedAt;
}

/** A run as the planner sees it: observed, or as last recorded in the status when the cache has not caught up. */
export interface CurrentRun {
  name: string;
  phase?: string;
  message?: string;
  run?: AnalysisRun;
}

/**
 * The run that counts for one kind of analysis: the one recorded in the status if it still
 * belongs there, else the newest one still going (a pass whose status write was lost created it),
 * else the recorded one when the cache has not seen it yet. None on the first pass after a retry:
 * Argo runs the analysis again then.
 */
export function findCurrentRun(
  rollout: Rollout,
  newHash: string,
  runs: readonly AnalysisRun[],
  recorded: RolloutAnalysisRunStatus | undefined,
  belongs: (run: AnalysisRun) => boolean,
): CurrentRun | undefined {
  if (retrying(rollout)) return undefined;
  const named = recorded ? runs.find((r) => r.metadata.name === recorded.name) : undefined;
  if (named && belongs(named)) return fromRun(named);
  const going = runs.filter((r) => belongs(r) && !r.spec.terminate && !isCompleted(r.status?.phase)).sort(newestFirst)[0];
  if (going) return fromRun(going);
  if (recorded && !named && rollout.status?.currentPodHash === newHash) {
    return { name: recorded.name, phase: recorded.status, ...(recorded.message ? { message: recorded.message } : {}) };
  }
  return undefined;
}

/** The status entry Argo writes for a current run. */
export function runStatusEntry(current: CurrentRun): RolloutAnalysisRunStatus {
  const entry: RolloutAnalysisRunStatus = { name: current.name, status: (current.phase ?? 'Pending') as RolloutAnalysisRunStatus['status'] };
  if (current.message) entry.message = current.message;
  return entry;
}

const pauseReasons = (rollout: Rollout): string[] => (rollout.status?.pauseConditions ?? []).map((p) => p.reason);

/**
 * Argo's needsNewAnalysisRun, for blue-green and canary runs alike: no run yet, or the user
 * cleared the pause the controller added for an inconclusive run (status.controllerPause still
 * set, no CanaryPauseStep or BlueGreenPause condition), and Argo analyses again. Argo's other case,
 * a retry after an abort, is findCurrentRun finding no run.
 */
export function needsNewAnalysisRun(current: CurrentRun | undefined, rollout: Rollout): boolean {
  if (!current) return true;
  const reasons = pauseReasons(rollout);
  if (rollout.status?.controllerPause === true && !reasons.includes('CanaryPauseStep') && !reasons.includes('BlueGreenPause')) {
    return current.phase === 'Inconclusive';
  }
  return false;
}

export function gateOf(phase: string | undefined): AnalysisGate {
  switch (phase) {
    case 'Running':
      return 'running';
    case 'Successful':
      return 'successful';
    case 'Failed':
    case 'Error':
      return 'failed';
    case 'Inconclusive':
      return 'inconclusive';
    default:
      return 'pending';
  }
}

function currentRun(kind: PromotionKind, input: BlueGreenAnalysisInput): PromotionAnalysis['current'] {
  const { rollout, newHash, analysisRuns } = input;
  const recorded = rollout.status?.blueGreen?.[STATUS_FIELD[kind]];
  return findCurrentRun(rollout, newHash, analysisRuns, recorded, (run) => runHash(run) === newHash && runKind(run) === kind);
}

function fromRun(run: AnalysisRun): CurrentRun {
  const message = run.status?.message;
  return { name: run.metadata.name ?? '', phase: run.status?.phase, ...(message ? { message } : {}), run };
}

/**
 * Argo skips blue-green analysis on the first deploy (no stable revision yet) and when the user
 * asked for a full promotion; a kind the strategy does not configure is no gate at all.
 */
function promotionAnalysis(kind: PromotionKind, input: BlueGreenAnalysisInput): PromotionAnalysis {
  const spec = input.rollout.spec.strategy.blueGreen?.[SPEC_FIELD[kind]];
  const current = currentRun(kind, input);
  const { rollout } = input;
  const skipped = !spec || !rollout.status?.stableRS || rollout.status?.promoteFull === true;
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
 * Argo's `<rollout>-<hash>-<revision>[-<infix>]` (infix `pre`, `post` or a step index; none for a
 * background run), with `.N` when a run of that name already exists (CreateWithCollisionCounter).
 */
export function analysisRunName(rollout: Rollout, hash: string, infix: string, taken: ReadonlySet<string>): string {
  const revision = rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '';
  const base = [rollout.metadata.name ?? '', hash, revision, ...(infix ? [infix] : [])].join('-');
  if (!taken.has(base)) return base;
  for (let n = 1; ; n++) if (!taken.has(`${base}.${n}`)) return `${base}.${n}`;
}

/** Argo's newAnalysisRunFromRollout: `extraLabels` carries a step run's `step-index`. */
export function renderAnalysisRun(
  rollout: Rollout,
  kind: AnalysisRunKind,
  spec: RolloutAnalysis,
  hashes: { newHash: string; stableHash?: string },
  templates: AnalysisTemplates,
  name: string,
  extraLabels: Record<string, string> = {},
): AnalysisRun {
  const labels: Record<string, string> = { [POD_TEMPLATE_HASH_LABEL]: hashes.newHash, [ROLLOUT_TYPE_LABEL]: kind, ...extraLabels };
  const instanceId = rollout.metadata.labels?.[INSTANCE_ID_LABEL];
  if (instanceId) labels[INSTANCE_ID_LABEL] = instanceId;
  Object.assign(labels, spec.analysisRunMetadata?.labels, rollout.spec.selector?.matchLabels);
  const annotations = { [REVISION_ANNOTATION]: rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '', ...spec.analysisRunMetadata?.annotations };
  const found = resolveTemplates(spec, templates, kind);
  const args = buildArgumentsForRollout(spec.args, { rollout, latestPodHash: hashes.newHash, ...(hashes.stableHash ? { stablePodHash: hashes.stableHash } : {}) });
  return buildAnalysisRun({
    templates: found.templates,
    clusterTemplates: found.clusterTemplates,
    args,
    ...(spec.dryRun ? { dryRun: spec.dryRun } : {}),
    ...(spec.measurementRetention ? { measurementRetention: spec.measurementRetention } : {}),
    name,
    namespace: rollout.metadata.namespace ?? '',
    owner: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '' },
    labels,
    annotations,
  });
}

function resolveTemplates(spec: RolloutAnalysis, templates: AnalysisTemplates, kind: AnalysisRunKind) {
  const out = { templates: [] as AnalysisTemplate[], clusterTemplates: [] as ClusterAnalysisTemplate[] };
  for (const ref of spec.templates ?? []) {
    const name = ref.templateName ?? '';
    if (ref.clusterScope) {
      const t = templates.clusterTemplates?.get(name);
      if (!t) throw new Error(`clusteranalysistemplate.argoproj.io ${JSON.stringify(name)} not found`);
      if (!out.clusterTemplates.includes(t)) out.clusterTemplates.push(t);
    } else {
      const t = templates.templates?.get(name);
      if (!t) throw new Error(`analysistemplate.argoproj.io ${JSON.stringify(name)} not found`);
      if (!out.templates.includes(t)) out.templates.push(t);
    }
  }
  if (out.templates.length + out.clusterTemplates.length === 0) throw new Error(`${SPEC_PATH[kind]} names no templates`);
  return out;
}

/**
 * Argo's getReferencedRolloutAnalyses errors: every template a blue-green analysis, a canary
 * analysis step or a canary's background analysis names must exist.
 */
export function missingAnalysisTemplates(rollout: Rollout, templates: AnalysisTemplates): FieldError[] {
  const analyses: Array<[string, RolloutAnalysis | undefined]> = [];
  const bg = rollout.spec.strategy.blueGreen;
  for (const kind of ['PrePromotion', 'PostPromotion'] as const) analyses.push([`spec.strategy.blueGreen.${SPEC_FIELD[kind]}.templates`, bg?.[SPEC_FIELD[kind]]]);
  const canary = rollout.spec.strategy.canary;
  for (const [i, step] of (canary?.steps ?? []).entries()) analyses.push([`spec.strategy.canary.steps[${i}].analysis.templates`, step.analysis]);
  analyses.push(['spec.strategy.canary.analysis.templates', canary?.analysis]);
  const errors: FieldError[] = [];
  for (const [field, analysis] of analyses) {
    for (const ref of analysis?.templates ?? []) {
      const name = ref.templateName ?? '';
      if (ref.clusterScope && !templates.clusterTemplates?.has(name)) {
        errors.push(invalid(field, name, `clusteranalysistemplate.argoproj.io ${formatValue(name)} not found`));
      } else if (!ref.clusterScope && !templates.templates?.has(name)) {
        errors.push(invalid(field, name, `analysistemplate.argoproj.io ${formatValue(name)} not found`));
      }
    }
  }
  return errors;
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
        events.push({ type: 'Warning', reason: 'AnalysisRunCreateError', message: `Failed to create ${kind} AnalysisRun: ${(err as Error).message}` });
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

/** Argo's emitAnalysisRunStatusChanges: an event when the current run's phase moves on. */
export function analysisRunStatusEvent(kind: AnalysisRunKind, previous: RolloutAnalysisRunStatus | undefined, current: CurrentRun): RolloutEvent | undefined {
  const phase = current.phase;
  if (!phase || phase === 'Pending') return undefined;
  if (previous && (previous.name !== current.name || previous.status === phase)) return undefined;
  return {
    type: phase === 'Failed' || phase === 'Error' ? 'Warning' : 'Normal',
    reason: `AnalysisRun${phase}`,
    message: `${kind} Analysis Run '${current.name}' Status New: '${phase}' Previous: '${previous?.status ?? 'NoPreviousStatus'}'`,
  };
}

/**
 * Argo's FilterAnalysisRunsToDelete: runs of revisions whose ReplicaSet is gone (or going), and
 * finished runs beyond successfulRunHistoryLimit / unsuccessfulRunHistoryLimit, newest kept.
 */
export function analysisRunsToDelete(others: readonly AnalysisRun[], replicaSets: readonly V1ReplicaSet[], rollout: Rollout): AnalysisRun[] {
  const limitSuccessful = rollout.spec.analysis?.successfulRunHistoryLimit ?? DEFAULTS.successfulRunHistoryLimit;
  const limitUnsuccessful = rollout.spec.analysis?.unsuccessfulRunHistoryLimit ?? DEFAULTS.unsuccessfulRunHistoryLimit;
  const rsDeleting = new Map<string, boolean>();
  for (const rs of replicaSets) {
    const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (hash) rsDeleting.set(hash, rs.metadata?.deletionTimestamp !== undefined);
  }
  let keptSuccessful = 0;
  let keptUnsuccessful = 0;
  const doomed: AnalysisRun[] = [];
  for (const run of [...others].sort(newestFirst)) {
    if (run.metadata.deletionTimestamp) continue;
    const hash = runHash(run);
    if (hash === undefined || rsDeleting.get(hash) !== false) {
      doomed.push(run);
      continue;
    }
    const phase = run.status?.phase;
    if (phase === 'Successful') {
      if (keptSuccessful < limitSuccessful) keptSuccessful++;
      else doomed.push(run);
    } else if (phase === 'Failed' || phase === 'Error' || phase === 'Inconclusive') {
      if (keptUnsuccessful < limitUnsuccessful) keptUnsuccessful++;
      else doomed.push(run);
    }
  }
  return doomed;
}

/**
 * Names of the templates a Rollout's analyses refer to (blue-green and canary alike), read from the
 * unvalidated spec so that observe() can fetch them before validation.
 */
export function referencedAnalysisTemplates(spec: unknown): { templates: string[]; clusterTemplates: string[] } {
  const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  const strategy = record(record(spec)['strategy']);
  const blueGreen = record(strategy['blueGreen']);
  const canary = record(strategy['canary']);
  const steps = Array.isArray(canary['steps']) ? canary['steps'] : [];
  const analyses = [blueGreen['prePromotionAnalysis'], blueGreen['postPromotionAnalysis'], canary['analysis'], ...steps.map((s) => record(s)['analysis'])];
  const out = { templates: new Set<string>(), clusterTemplates: new Set<string>() };
  for (const analysis of analyses) {
    const refs = record(analysis)['templates'];
    for (const ref of Array.isArray(refs) ? refs : []) {
      const name = record(ref)['templateName'];
      if (typeof name !== 'string' || name === '') continue;
      (record(ref)['clusterScope'] === true ? out.clusterTemplates : out.templates).add(name);
    }
  }
  return { templates: [...out.templates], clusterTemplates: [...out.clusterTemplates] };
}
