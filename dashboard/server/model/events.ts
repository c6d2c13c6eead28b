import type { EventView } from '../../shared/api.ts';

/** core/v1 Event as the API server sends it (JSON), the fields the dashboard reads. */
export interface EventLike {
  metadata?: { name?: string; namespace?: string; creationTimestamp?: string; resourceVersion?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
}

/** Kinds whose events belong on a rollout's page. */
export const EVENT_KINDS: ReadonlySet<string> = new Set(['Rollout', 'AnalysisRun']);

/** When the event was last seen, whichever API version wrote it. */
export function eventTime(e: EventLike): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? undefined;
}

/**
 * Events about the objects whose UIDs are given, newest first, at most `limit`. Old-style events
 * carry lastTimestamp and count; events.k8s.io-style ones eventTime and series.
 */
export function eventViews(events: readonly EventLike[], uids: ReadonlySet<string>, limit: number): EventView[] {
  const views: EventView[] = [];
  for (const e of events) {
    const uid = e.involvedObject?.uid;
    if (uid === undefined || !uids.has(uid)) continue;
    const view: EventView = {
      type: e.type ?? 'Normal',
      reason: e.reason ?? '',
      message: e.message ?? '',
      count: e.series?.count ?? e.count ?? 1,
      object: { kind: e.involvedObject?.kind ?? '', name: e.involvedObject?.name ?? '' },
    };
    const time = eventTime(e);
    if (time !== undefined) view.time = time;
    views.push(view);
  }
  views.sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
  return views.slice(0, limit);
}
