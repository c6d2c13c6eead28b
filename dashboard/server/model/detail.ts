import type { Rollout } from '../../../controller/api/index.ts';
import { newRolloutInfo, type RolloutObjects } from '../../../client/info/rollout-info.ts';
import type { RolloutInfo } from '../../../client/info/types.ts';
import type { ContainerView, RolloutDetail, WeightPoint } from '../../shared/api.ts';
import { eventViews, type EventLike } from './events.ts';
import { metricSeries } from './metrics.ts';
import { revisionTimeline } from './revisions.ts';
import { currentPause, stepTrack } from './steps.ts';

export interface DetailInputs extends RolloutObjects {
  events?: readonly EventLike[];
}

/** Events shown per rollout: the newest ones, enough for a screen. */
export const EVENT_LIMIT = 50;

function uidsOf(objects: DetailInputs): Set<string> {
  const uids = new Set<string>();
  if (objects.rollout.metadata.uid) uids.add(objects.rollout.metadata.uid);
  for (const run of objects.analysisRuns ?? []) if (run.metadata.uid) uids.add(run.metadata.uid);
  return uids;
}

const CONTAINER_FIELDS = { initContainers: 'init', containers: 'container', ephemeralContainers: 'ephemeral' } as const;

/** Every container `set image` may address, init containers first as the pod starts them. */
export function templateContainers(objects: DetailInputs): ContainerView[] {
  const spec = ((objects.workloadTemplate ?? objects.rollout.spec.template) as { spec?: Record<string, unknown> } | undefined)?.spec ?? {};
  const out: ContainerView[] = [];
  for (const [field, kind] of Object.entries(CONTAINER_FIELDS)) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list as { name?: string; image?: string }[]) out.push({ name: c.name ?? '', image: c.image ?? '', kind });
  }
  return out;
}

/** Everything the rollout page shows, from API objects and the weights recorded so far. */
export function rolloutDetail(objects: DetailInputs, history: WeightPoint[], now: number): RolloutDetail {
  return rolloutDetailOf(newRolloutInfo(objects), objects, history, now);
}

/** The same, for a view model already computed from `objects`. */
export function rolloutDetailOf(info: RolloutInfo, objects: DetailInputs, history: WeightPoint[], now: number): RolloutDetail {
  const detail: RolloutDetail = {
    info,
    steps: stepTrack(objects.rollout as Rollout),
    history,
    revisions: revisionTimeline(info),
    metrics: metricSeries(info.analysisRuns, objects.analysisRuns ?? []),
    events: eventViews(objects.events ?? [], uidsOf(objects), EVENT_LIMIT),
    containers: templateContainers(objects),
    serverTime: new Date(now).toISOString(),
  };
  const pause = currentPause(info);
  if (pause !== undefined) detail.pause = pause;
  return detail;
}
