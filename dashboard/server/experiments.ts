import type { Clock } from '../../controller/kube/clock.ts';
import type { ExperimentDetail, ExperimentSummary } from '../shared/api.ts';
import type { ChangeListener, DashboardSource } from './cache.ts';
import { experimentDetail, experimentSummary } from './model/experiment.ts';
import { compareSummaries } from './model/summary.ts';

/** What the HTTP layer reads about Experiments: computed from the caches on each request. */
export interface ExperimentReader {
  list(namespace?: string): ExperimentSummary[];
  detail(namespace: string, name: string): ExperimentDetail | undefined;
  subscribe(listener: ChangeListener): () => void;
}

/**
 * Experiments are few and short-lived, and nothing about them is kept over time (unlike a
 * rollout's weight history), so they are read straight from the caches on every request.
 */
export function experimentReader(source: DashboardSource, clock: Clock): ExperimentReader {
  return {
    list: (namespace) => source.experiments(namespace).map(experimentSummary).sort(compareSummaries),
    detail: (namespace, name) => {
      const objects = source.experimentObjects(namespace, name);
      return objects === undefined ? undefined : experimentDetail(objects, clock.now());
    },
    subscribe: (listener) => source.subscribeExperiments(listener),
  };
}
