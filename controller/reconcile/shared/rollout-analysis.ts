import type { V1ReplicaSet } from '@kubernetes/client-node';
import { isCompleted } from '../../analysis/types.ts';
import { DEFAULTS } from '../../api/defaults.ts';
import type { AnalysisRun, Rollout, RolloutAnalysisRunStatus } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import type { AnalysisGate } from '../../machine/bluegreen.ts';
import type { RolloutEvent } from '../types.ts';
import { MESSAGES } from './messages.ts';

/**
 * The Rollout side of analysis, shared by both strategies (the AnalysisRun controller itself is
 * controller/analysis/): which run counts for an analysis, the gate its phase makes for the
 * machine, when Argo runs it again, the events its phase changes raise and which finished runs
 * are garbage-collected. Pure: everything comes from the observation.
 */

export const ROLLOUT_TYPE_LABEL = 'rollout-type';
export type PromotionKind = 'PrePromotion' | 'PostPromotion';
/** The `rollout-type` label of a Rollout's AnalysisRun: Argo's RolloutType*Label values. */
export type AnalysisRunKind = PromotionKind | 'Step' | 'Background';

export const runHash = (run: AnalysisRun): string | undefined => run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
export const runKind = (run: AnalysisRun): string | undefined => run.metadata.labels?.[ROLLOUT_TYPE_LABEL];
/** What the history limits look at: AnalysisRuns and Experiments alike. */
export interface PhasedObject {
  metadata: { name?: string; creationTimestamp?: string; deletionTimestamp?: string; labels?: Record<string, string> };
  status?: { phase?: string };
}
const created = (obj: PhasedObject): number => Date.parse(obj.metadata.creationTimestamp ?? '') || 0;
const newestFirst = (a: PhasedObject, b: PhasedObject): number => created(b) - created(a) || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');

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

export const pauseReasons = (rollout: Rollout): string[] => (rollout.status?.pauseConditions ?? []).map((p) => p.reason);

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

function fromRun(run: AnalysisRun): CurrentRun {
  const message = run.status?.message;
  return { name: run.metadata.name ?? '', phase: run.status?.phase, ...(message ? { message } : {}), run };
}

/** Argo's emitAnalysisRunStatusChanges: an event when the current run's phase moves on. */
export function analysisRunStatusEvent(kind: AnalysisRunKind, previous: RolloutAnalysisRunStatus | undefined, current: CurrentRun): RolloutEvent | undefined {
  const phase = current.phase;
  if (!phase || phase === 'Pending') return undefined;
  if (previous && (previous.name !== current.name || previous.status === phase)) return undefined;
  return {
    type: phase === 'Failed' || phase === 'Error' ? 'Warning' : 'Normal',
    reason: `AnalysisRun${phase}`,
    message: MESSAGES.analysisRunStatus(kind, current.name, phase, previous?.status ?? 'NoPreviousStatus'),
  };
}

/**
 * Argo's FilterAnalysisRunsToDelete (and FilterExperimentsToDelete, the same rule): runs of
 * revisions whose ReplicaSet is gone (or going), and finished ones beyond
 * successfulRunHistoryLimit / unsuccessfulRunHistoryLimit, newest kept.
 */
export function analysisRunsToDelete<T extends PhasedObject>(others: readonly T[], replicaSets: readonly V1ReplicaSet[], rollout: Rollout): T[] {
  const limitSuccessful = rollout.spec.analysis?.successfulRunHistoryLimit ?? DEFAULTS.successfulRunHistoryLimit;
  const limitUnsuccessful = rollout.spec.analysis?.unsuccessfulRunHistoryLimit ?? DEFAULTS.unsuccessfulRunHistoryLimit;
  const rsDeleting = new Map<string, boolean>();
  for (const rs of replicaSets) {
    const hash = rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
    if (hash) rsDeleting.set(hash, rs.metadata?.deletionTimestamp !== undefined);
  }
  let keptSuccessful = 0;
  let keptUnsuccessful = 0;
  const doomed: T[] = [];
  for (const run of [...others].sort(newestFirst)) {
    if (run.metadata.deletionTimestamp) continue;
    const hash = run.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
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
