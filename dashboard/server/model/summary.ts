import type { Rollout } from '../../../controller/api/index.ts';
import type { RolloutInfo } from '../../../client/info/types.ts';
import type { AttentionReason, RolloutSummary } from '../../shared/api.ts';
import { currentPause } from './steps.ts';

/** AnalysisRun phases that mean the analysis has judged against the revision. */
const FAILING_PHASES = new Set(['Failed', 'Error', 'Inconclusive']);

/** Whether an analysis of the newest revision with runs has failed or is failing measurements. */
function analysisFailing(info: RolloutInfo): boolean {
  const newest = Math.max(0, ...info.analysisRuns.map((run) => run.revision));
  return info.analysisRuns.some((run) => run.revision === newest && (FAILING_PHASES.has(run.status) || (run.status === 'Running' && run.failed + run.error > 0)));
}

/**
 * Why a person should look at the rollout: Degraded; paused until someone promotes or resumes it
 * (paused by hand, or a pause that does not end by itself); an analysis failing.
 */
export function attentionReasons(info: RolloutInfo): AttentionReason[] {
  const reasons: AttentionReason[] = [];
  if (info.status === 'Degraded') reasons.push('Degraded');
  if (info.status === 'Paused' && (info.manuallyPaused || currentPause(info)?.endsAt === undefined)) reasons.push('WaitingForPromotion');
  if (analysisFailing(info)) reasons.push('AnalysisFailing');
  return reasons;
}

/** The list row of a rollout: the view model without its ReplicaSets, pods and AnalysisRuns. */
export function rolloutSummary(info: RolloutInfo, rollout?: Rollout): RolloutSummary {
  const summary: RolloutSummary = {
    name: info.name,
    namespace: info.namespace,
    strategy: info.strategy,
    status: info.status,
    message: info.message,
    step: info.step,
    setWeight: info.setWeight,
    actualWeight: info.actualWeight,
    images: info.images,
    desired: info.desired,
    current: info.current,
    updated: info.updated,
    ready: info.ready,
    available: info.available,
    aborted: info.aborted,
    manuallyPaused: info.manuallyPaused,
    pauseConditions: info.pauseConditions,
    attention: attentionReasons(info),
  };
  if (info.creationTimestamp !== undefined) summary.creationTimestamp = info.creationTimestamp;
  const experiment = rollout?.status?.canary?.currentExperiment;
  if (experiment) summary.experiment = experiment;
  return summary;
}

/** Namespace, then name: the order of `kubectl ramp list rollouts -A`. */
export function compareSummaries(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
