import { useMemo, useState } from 'react';
import type { RolloutSummary } from '../../../shared/api.ts';
import { shortImage } from '../format.ts';
import { routeHref } from '../hooks.ts';
import { StatusBadge } from './StatusBadge.tsx';

function matches(ro: RolloutSummary, filter: string): boolean {
  if (filter === '') return true;
  const haystack = [ro.name, ro.namespace, ro.strategy, ro.status, ...ro.images.map((i) => i.image)].join(' ').toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

function WeightBar({ ro }: { ro: RolloutSummary }) {
  if (ro.strategy !== 'Canary') return <span className="muted">—</span>;
  const weight = Number(ro.actualWeight) || 0;
  return (
    <span className="weight" title={`set ${ro.setWeight}%, actual ${ro.actualWeight}%`}>
      <span className="weight-bar">
        <span className="weight-fill" style={{ width: `${Math.min(100, Math.max(0, weight))}%` }} />
      </span>
      <span className="weight-text">{ro.actualWeight}%</span>
    </span>
  );
}

export function RolloutList({ rollouts, showNamespace }: { rollouts: RolloutSummary[]; showNamespace: boolean }) {
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => rollouts.filter((ro) => matches(ro, filter)), [rollouts, filter]);
  return (
    <section className="card">
      <div className="card-head">
        <h2>Rollouts</h2>
        <input className="filter" type="search" placeholder="Filter by name, namespace, image, status…" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter rollouts" data-testid="filter" />
      </div>
      {rollouts.length === 0 ? (
        <p className="empty">No rollouts here yet. Apply one, e.g. kubectl apply -f examples/, and it appears at once.</p>
      ) : shown.length === 0 ? (
        <p className="empty">No rollout matches “{filter}”.</p>
      ) : (
        <table className="table list" data-testid="rollout-list">
          <thead>
            <tr>
              <th>Name</th>
              {showNamespace && <th>Namespace</th>}
              <th>Strategy</th>
              <th>Status</th>
              <th>Step</th>
              <th>Canary weight</th>
              <th className="num">Ready</th>
              <th>Images</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((ro) => (
              <tr key={`${ro.namespace}/${ro.name}`} data-testid={`row-${ro.namespace}-${ro.name}`}>
                <td>
                  <a className="rollout-link" href={routeHref({ page: 'rollout', namespace: ro.namespace, name: ro.name })}>
                    {ro.name}
                  </a>
                </td>
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
                  {ro.images.map((image) => (
                    <div key={image.image} className="mono" title={image.image}>
                      {shortImage(image.image)}
                      {image.tags.length > 0 && <span className="muted"> ({image.tags.join(', ')})</span>}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
