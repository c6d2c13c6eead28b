import type { RevisionEntry } from '../../../shared/api.ts';
import { age, shortImage, tone } from '../format.ts';
import type { ActionRunner } from '../useActions.ts';
import { StatusBadge, Tag } from './StatusBadge.tsx';

/**
 * Revisions newest first, each with its images, role and the analysis that judged it, and a
 * button to roll back to it (`kubectl ramp undo --to-revision N`), asking first.
 */
export function RevisionTimeline({ revisions, now, name, readOnly, runner }: { revisions: RevisionEntry[]; now: number; name: string; readOnly: boolean; runner: ActionRunner }) {
  if (revisions.length === 0) return <p className="muted">No revisions yet.</p>;
  const newest = Math.max(...revisions.map((r) => r.revision));
  return (
    <ol className="timeline" data-testid="revisions">
      {revisions.map((rev) => (
        <li key={`${rev.revision}-${rev.replicaSet}`} className={`timeline-item tone-${rev.tags.length > 0 ? tone(rev.status) : 'neutral'}`} data-testid={`revision-${rev.revision}`}>
          <div className="timeline-head">
            <span className="revision">Revision {rev.revision}</span>
            {rev.revision === newest && <span className="tag">current</span>}
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
            {rev.revision !== newest && (
              <button
                type="button"
                className="button button-small button-danger rollback"
                disabled={readOnly || runner.busy !== undefined}
                aria-label={`Roll back to revision ${rev.revision}`}
                data-testid={`rollback-${rev.revision}`}
                onClick={() =>
                  runner.ask({
                    action: 'undo',
                    body: { toRevision: rev.revision },
                    title: `Roll back to revision ${rev.revision}`,
                    confirmLabel: 'Roll back',
                    message: `Roll rollout "${name}" back to revision ${rev.revision} (${rev.images.map(shortImage).join(', ')})? Its pod template becomes that revision's, which starts a new update.`,
                  })
                }
              >
                Roll back
              </button>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
