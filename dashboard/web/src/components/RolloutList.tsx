import { useEffect, useMemo, useRef, useState } from 'react';
import type { ActionName, RolloutSummary } from '../../../shared/api.ts';
import { shortImage } from '../format.ts';
import { ATTENTION_TEXT, LIST_VIEWS, matchesSearch, matchesStatus, rolloutId, routeHref, STATUS_FILTERS, statusCounts, type ListQuery, type StatusFilter } from '../routes.ts';
import { sendAction, type Outcome } from '../useActions.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { StatusBadge } from './StatusBadge.tsx';

const CHIP_LABELS: Record<StatusFilter, string> = {
  all: 'All',
  attention: 'Needs attention',
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Paused: 'Paused',
  Degraded: 'Degraded',
};

const CHIP_ICONS: Record<StatusFilter, string> = { all: '≡', attention: '⚠', Healthy: '✓', Progressing: '↻', Paused: '‖', Degraded: '✕' };

function WeightBar({ ro }: { ro: RolloutSummary }) {
  if (ro.strategy !== 'Canary') return <span className="muted">—</span>;
  const weight = Number(ro.actualWeight) || 0;
  return (
    <span className="weight" title={`set ${ro.setWeight}%, actual ${ro.actualWeight}%`}>
      <span className="weight-bar" aria-hidden="true">
        <span className="weight-fill" style={{ width: `${Math.min(100, Math.max(0, weight))}%` }} />
      </span>
      <span className="weight-text">{ro.actualWeight}%</span>
    </span>
  );
}

function Attention({ ro }: { ro: RolloutSummary }) {
  if (ro.attention.length === 0) return null;
  return (
    <span className="attention" data-testid="attention">
      <span aria-hidden="true">⚠ </span>
      {ro.attention.map((reason) => ATTENTION_TEXT[reason]).join(', ')}
    </span>
  );
}

function Images({ ro }: { ro: RolloutSummary }) {
  return (
    <>
      {ro.images.map((image) => (
        <div key={image.image} className="mono" title={image.image}>
          {shortImage(image.image)}
          {image.tags.length > 0 && <span className="muted"> ({image.tags.join(', ')})</span>}
        </div>
      ))}
    </>
  );
}

interface RowActionsProps {
  ro: RolloutSummary;
  readOnly: boolean;
  busy: boolean;
  onAction: (ro: RolloutSummary, action: ActionName) => void;
}

/** Promote and restart for one rollout; each button names its rollout for screen readers. */
function RowActions({ ro, readOnly, busy, onAction }: RowActionsProps) {
  if (readOnly) return null;
  return (
    <span className="row-actions">
      <button type="button" className="button button-small" aria-label={`Promote ${ro.name}`} title="Continue past the current pause or step" disabled={busy} data-testid={`promote-${ro.namespace}-${ro.name}`} onClick={() => onAction(ro, 'promote')}>
        Promote
      </button>
      <button type="button" className="button button-small" aria-label={`Restart ${ro.name}`} title="Restart every pod of the rollout" disabled={busy} data-testid={`restart-${ro.namespace}-${ro.name}`} onClick={() => onAction(ro, 'restart')}>
        Restart
      </button>
    </span>
  );
}

function ExperimentLink({ ro, query }: { ro: RolloutSummary; query: ListQuery }) {
  if (ro.experiment === undefined) return null;
  return (
    <a className="experiment-link" href={routeHref({ page: 'experiment', namespace: ro.namespace, name: ro.experiment }, query)}>
      <span aria-hidden="true">⚗ </span>experiment {ro.experiment}
    </a>
  );
}

interface ListProps {
  rollouts: RolloutSummary[];
  query: ListQuery;
  onQuery: (change: Partial<ListQuery>, replace?: boolean) => void;
  showNamespace: boolean;
  token: string;
  readOnly: boolean;
  onOutcome: (outcome: Outcome) => void;
}

export function RolloutList({ rollouts, query, onQuery, showNamespace, token, readOnly, onOutcome }: ListProps) {
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [restarting, setRestarting] = useState<RolloutSummary | undefined>(undefined);
  const searched = useMemo(() => rollouts.filter((ro) => matchesSearch(ro, query.search)), [rollouts, query.search]);
  const counts = useMemo(() => statusCounts(searched), [searched]);
  const shown = useMemo(() => searched.filter((ro) => matchesStatus(ro, query.status)), [searched, query.status]);
  const selectedRef = useRef<HTMLElement | null>(null);
  useEffect(() => {
    selectedRef.current?.scrollIntoView({ block: 'nearest' });
  }, [query.selected]);

  const run = async (ro: RolloutSummary, action: ActionName): Promise<void> => {
    setRestarting(undefined);
    setBusy(rolloutId(ro));
    onOutcome(await sendAction(ro.namespace, ro.name, action, token));
    setBusy(undefined);
  };
  const onAction = (ro: RolloutSummary, action: ActionName): void => {
    if (action === 'restart') setRestarting(ro);
    else void run(ro, action);
  };
  const linkOf = (ro: RolloutSummary): string => routeHref({ page: 'rollout', namespace: ro.namespace, name: ro.name }, { ...query, selected: rolloutId(ro) });
  const isSelected = (ro: RolloutSummary): boolean => query.selected === rolloutId(ro);

  return (
    <section className="card" aria-labelledby="rollouts-title">
      <div className="card-head">
        <h1 id="rollouts-title" className="card-title">
          Rollouts
        </h1>
        <div className="toolbar">
          <label className="sr-only" htmlFor="search">
            Search rollouts
          </label>
          <input id="search" className="filter" type="search" placeholder="Search by name, namespace, image…" value={query.search} onChange={(e) => onQuery({ search: e.target.value }, true)} data-testid="filter" />
          <div className="segmented" role="group" aria-label="View">
            {LIST_VIEWS.map((view) => (
              <button key={view} type="button" className="segment" aria-pressed={query.view === view} data-testid={`view-${view}`} onClick={() => onQuery({ view })}>
                <span aria-hidden="true">{view === 'table' ? '☰ ' : '▦ '}</span>
                {view === 'table' ? 'Table' : 'Grid'}
              </button>
            ))}
          </div>
        </div>
      </div>
      <div className="chips" role="group" aria-label="Filter by status">
        {STATUS_FILTERS.map((status) => (
          <button
            key={status}
            type="button"
            className={`chip chip-${status}`}
            aria-pressed={query.status === status}
            data-testid={`chip-${status}`}
            data-count={counts[status]}
            onClick={() => onQuery({ status })}
          >
            <span aria-hidden="true">{CHIP_ICONS[status]} </span>
            {CHIP_LABELS[status]} <span className="chip-count">{counts[status]}</span>
          </button>
        ))}
      </div>
      <p className="sr-only" role="status" data-testid="shown-count">
        {shown.length} of {rollouts.length} rollouts shown
      </p>
      {rollouts.length === 0 ? (
        <p className="empty">No rollouts here yet. Apply one, e.g. kubectl apply -f examples/, and it appears at once.</p>
      ) : shown.length === 0 ? (
        <p className="empty">No rollout matches{query.search !== '' ? ` “${query.search}”` : ''}{query.status !== 'all' ? ` with status ${CHIP_LABELS[query.status]}` : ''}.</p>
      ) : query.view === 'grid' ? (
        <ul className="grid" data-testid="rollout-grid">
          {shown.map((ro) => (
            <li
              key={rolloutId(ro)}
              className={`grid-card${isSelected(ro) ? ' selected' : ''}`}
              data-testid={`row-${ro.namespace}-${ro.name}`}
              aria-current={isSelected(ro) ? 'true' : undefined}
              ref={isSelected(ro) ? (el) => void (selectedRef.current = el) : undefined}
            >
              <div className="grid-head">
                <a className="rollout-link" href={linkOf(ro)}>
                  {ro.name}
                </a>
                <StatusBadge status={ro.status} title={ro.message} />
              </div>
              {showNamespace && <div className="muted">{ro.namespace}</div>}
              <dl className="grid-facts">
                <dt>Strategy</dt>
                <dd>
                  <span className={`strategy strategy-${ro.strategy}`}>{ro.strategy}</span>
                </dd>
                <dt>Step</dt>
                <dd className="mono">{ro.step || '—'}</dd>
                <dt>Weight</dt>
                <dd>
                  <WeightBar ro={ro} />
                </dd>
                <dt>Ready</dt>
                <dd>
                  {ro.available}/{ro.desired}
                </dd>
              </dl>
              <Images ro={ro} />
              <Attention ro={ro} />
              <ExperimentLink ro={ro} query={query} />
              <RowActions ro={ro} readOnly={readOnly} busy={busy === rolloutId(ro)} onAction={onAction} />
            </li>
          ))}
        </ul>
      ) : (
        <table className="table list" data-testid="rollout-list">
          <caption className="sr-only">Rollouts{query.namespace !== '' ? ` in ${query.namespace}` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {showNamespace && <th scope="col">Namespace</th>}
              <th scope="col">Strategy</th>
              <th scope="col">Status</th>
              <th scope="col">Step</th>
              <th scope="col">Canary weight</th>
              <th scope="col" className="num">
                Ready
              </th>
              <th scope="col">Images</th>
              {!readOnly && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((ro) => (
              <tr
                key={rolloutId(ro)}
                className={isSelected(ro) ? 'selected' : undefined}
                data-testid={`row-${ro.namespace}-${ro.name}`}
                aria-current={isSelected(ro) ? 'true' : undefined}
                ref={isSelected(ro) ? (el) => void (selectedRef.current = el) : undefined}
              >
                <th scope="row" className="row-name">
                  <a className="rollout-link" href={linkOf(ro)}>
                    {ro.name}
                  </a>
                  <Attention ro={ro} />
                  <ExperimentLink ro={ro} query={query} />
                </th>
                {showNamespace && <td className="muted">{ro.namespace}</td>}
                <td>
                  <span className={`strategy strategy-${ro.strategy}`}>{ro.strategy}</span>
                </td>
                <td>
                  <StatusBadge status={ro.status} title={ro.message} />
                </td>
                <td className="mono">{ro.step || '—'}</td>
                <td>
                  <WeightBar ro={ro} />
                </td>
                <td className="num">
                  {ro.available}/{ro.desired}
                </td>
                <td>
                  <Images ro={ro} />
                </td>
                {!readOnly && (
                  <td>
                    <RowActions ro={ro} readOnly={readOnly} busy={busy === rolloutId(ro)} onAction={onAction} />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {restarting && (
        <ConfirmDialog
          title="Restart"
          message={`Restart rollout "${restarting.name}"? Every pod of it is replaced, as kubectl ramp restart does.`}
          confirmLabel="Restart"
          onConfirm={() => void run(restarting, 'restart')}
          onCancel={() => setRestarting(undefined)}
        />
      )}
    </section>
  );
}
