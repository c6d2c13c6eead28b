import { useEffect, useState } from 'react';
import { STREAM_EVENTS, type ExperimentSummary } from '../../../shared/api.ts';
import { namespaceQuery, useEventStream, type StreamState } from '../api.ts';
import { age } from '../format.ts';
import { useNow } from '../hooks.ts';
import { routeHref, type ListQuery } from '../routes.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** Every Experiment in scope, live: the stream resends the list whenever one changes. */
export function ExperimentList({ query, showNamespace, onStream }: { query: ListQuery; showNamespace: boolean; onStream: (s: StreamState) => void }) {
  const [items, setItems] = useState<ExperimentSummary[] | undefined>(undefined);
  const now = useNow(5000);
  const state = useEventStream(`api/v1/experiments/stream${namespaceQuery(query.namespace)}`, {
    [STREAM_EVENTS.experiments]: (data) => setItems((data as { items: ExperimentSummary[] }).items),
  });
  useEffect(() => onStream(state), [state, onStream]);
  return (
    <section className="card" aria-labelledby="experiments-title">
      <div className="card-head">
        <h1 id="experiments-title" className="card-title">
          Experiments
        </h1>
      </div>
      {items === undefined ? (
        <p className="muted loading">Loading experiments…</p>
      ) : items.length === 0 ? (
        <p className="empty">No experiments here. A canary step with an experiment, or kubectl apply of an Experiment, starts one.</p>
      ) : (
        <table className="table list" data-testid="experiment-list">
          <caption className="sr-only">Experiments{query.namespace !== '' ? ` in ${query.namespace}` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              {showNamespace && <th scope="col">Namespace</th>}
              <th scope="col">Phase</th>
              <th scope="col">Rollout</th>
              <th scope="col">Templates</th>
              <th scope="col">Analyses</th>
              <th scope="col">Duration</th>
              <th scope="col">Age</th>
            </tr>
          </thead>
          <tbody>
            {items.map((exp) => (
              <tr key={`${exp.namespace}/${exp.name}`} data-testid={`experiment-${exp.namespace}-${exp.name}`}>
                <th scope="row" className="row-name">
                  <a className="rollout-link" href={routeHref({ page: 'experiment', namespace: exp.namespace, name: exp.name }, query)}>
                    {exp.name}
                  </a>
                </th>
                {showNamespace && <td className="muted">{exp.namespace}</td>}
                <td>
                  <StatusBadge status={exp.phase || 'Pending'} title={exp.message} />
                </td>
                <td>{exp.rollout !== undefined ? <a href={routeHref({ page: 'rollout', namespace: exp.namespace, name: exp.rollout }, query)}>{exp.rollout}</a> : <span className="muted">—</span>}</td>
                <td>{exp.templateNames.join(', ')}</td>
                <td>{exp.analysisNames.length > 0 ? exp.analysisNames.join(', ') : <span className="muted">—</span>}</td>
                <td>{exp.duration ?? <span className="muted">until stopped</span>}</td>
                <td className="muted">{age(exp.creationTimestamp, now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
