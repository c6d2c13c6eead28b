import type { RolloutInfo } from '../../../client/info/types.ts';
import type { RolloutSummary } from '../../shared/api.ts';

/** The list row of a rollout: the view model without its ReplicaSets, pods and AnalysisRuns. */
export function rolloutSummary(info: RolloutInfo): RolloutSummary {
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
  };
  if (info.creationTimestamp !== undefined) summary.creationTimestamp = info.creationTimestamp;
  return summary;
}

/** Namespace, then name: the order of `kubectl ramp list rollouts -A`. */
export function compareSummaries(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
