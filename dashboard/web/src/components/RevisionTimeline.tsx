import type { RevisionEntry } from '../../../shared/api.ts';
import { age, shortImage, tone } from '../format.ts';
import { StatusBadge, Tag } from './StatusBadge.tsx';

/** Revisions newest first, each with its images, role and the analysis that judged it. */
export function RevisionTimeline({ revisions, now }: { revisions: RevisionEntry[]; now: number }) {
  if (revisions.length === 0) return <p className="muted">No revisions yet.</p>;
  return (
    <ol className="timeline" data-testid="revisions">
      {revisions.map((rev) => (
        <li key={`${rev.revision}-${rev.replicaSet}`} className={`timeline-item tone-${rev.tags.length > 0 ? tone(rev.status) : 'neutral'}`}>
          <div className="timeline-head">
            <span className="revision">Revision {rev.revision}</span>
            {rev.tags.map((t) => (
              <Tag key={t} name={t} />
            ))}
            <span className="muted timeline-age">{rev.createdAt ? `${age(rev.createdAt, now)} ago` : ''}</span>
          </div>
          <div className="timeline-body">
            {rev.images.map((image) => (
              <span key={image} className="mono image" title={image}>
                {shortImage(image)}
              </span>
            ))}
            <span className="muted">
              {rev.ready}/{rev.desired} ready
            </span>
            {rev.analysisRuns.map((run) => (
              <StatusBadge key={run.name} status={run.status || 'Pending'} title={run.name} />
            ))}
          </div>
        </li>
      ))}
    </ol>
  );
}
