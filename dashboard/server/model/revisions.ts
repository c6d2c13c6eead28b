import type { RolloutInfo } from '../../../client/info/types.ts';
import type { RevisionEntry } from '../../shared/api.ts';

const TAGS = ['stable', 'canary', 'active', 'preview', 'ping', 'pong'] as const;

/** One entry per ReplicaSet revision, newest first, with the AnalysisRuns of that revision. */
export function revisionTimeline(info: RolloutInfo): RevisionEntry[] {
  const entries = info.replicaSets.map((rs) => {
    const entry: RevisionEntry = {
      revision: rs.revision,
      replicaSet: rs.name,
      images: rs.images,
      tags: TAGS.filter((tag) => rs[tag]),
      status: rs.status,
      desired: rs.desired,
      ready: rs.ready,
      analysisRuns: info.analysisRuns.filter((run) => run.revision === rs.revision).map((run) => ({ name: run.name, status: run.status })),
    };
    if (rs.creationTimestamp !== undefined) entry.createdAt = rs.creationTimestamp;
    if (rs.podTemplateHash !== undefined) entry.podTemplateHash = rs.podTemplateHash;
    return entry;
  });
  return entries.sort((a, b) => b.revision - a.revision || (a.replicaSet < b.replicaSet ? -1 : a.replicaSet > b.replicaSet ? 1 : 0));
}
