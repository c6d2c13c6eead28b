import { useEffect, useState } from 'react';
import { STREAM_EVENTS, type ExperimentDetail } from '../../../shared/api.ts';
import { api, ApiError, experimentPath, useEventStream, type StreamState } from '../api.ts';
import { age, shortImage } from '../format.ts';
import { useNow } from '../hooks.ts';
import { routeHref, type ListQuery } from '../routes.ts';
import { StatusBadge } from './StatusBadge.tsx';

/** One Experiment: its templates with their ReplicaSets, its analyses with their runs, live. */
export function ExperimentPage({ namespace, name, query, onStream }: { namespace: string; name: string; query: ListQuery; onStream: (s: StreamState) => void }) {
  const [detail, setDetail] = useState<ExperimentDetail | undefined>(undefined);
  const [gone, setGone] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const now = useNow(5000);
  useEffect(() => {
    api.experiment(namespace, name).then(setDetail, (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))));
  }, [namespace, name]);
  // A missing experiment is said once, not retried by the stream forever.
  const state = useEventStream(error === undefined ? `${experimentPath(namespace, name)}/stream` : undefined, {
    [STREAM_EVENTS.experiment]: (data) => {
      setGone(false);
      setDetail(data as ExperimentDetail);
    },
    [STREAM_EVENTS.deleted]: () => setGone(true),
  });
  useEffect(() => onStream(state), [state, onStream]);
  const back = (
    <a href={routeHref({ page: 'experiments' }, { ...query, selected: '' })} className="back">
      ← All experiments
    </a>
  );
  if (detail === undefined) {
    return (
      <div className="page">
        {back}
        {error !== undefined ? (
          <div className="card error-card" role="alert">
            <strong>{error.message}</strong>
            {error.hint && <p>{error.hint}</p>}
          </div>
        ) : (
          <p className="muted loading">Loading experiment…</p>
        )}
      </div>
    );
  }
  return (
    <div className="page" data-testid="experiment-page">
      <div className="title-row">
        {back}
        <div className="title-meta">
          <h1>
            {detail.name} <span className="ns muted">{detail.namespace}</span>
          </h1>
          <StatusBadge status={detail.phase || 'Pending'} title={detail.message} />
        </div>
        {detail.message && <p className="muted">{detail.message}</p>}
        {gone && (
          <p className="notice" role="status">
            This experiment was deleted.
          </p>
        )}
      </div>
      <section className="card" aria-labelledby="exp-facts">
        <h2 id="exp-facts" className="sr-only">
          Facts
        </h2>
        <dl className="facts">
          <dt>Rollout</dt>
          <dd>{detail.rollout !== undefined ? <a href={routeHref({ page: 'rollout', namespace: detail.namespace, name: detail.rollout }, query)}>{detail.rollout}</a> : '—'}</dd>
          <dt>Duration</dt>
          <dd>{detail.duration ?? 'until stopped or its analyses complete'}</dd>
          <dt>Available since</dt>
          <dd>{detail.availableAt !== undefined ? `${age(detail.availableAt, now)} ago` : 'not every template is available yet'}</dd>
          <dt>Created</dt>
          <dd>{detail.creationTimestamp !== undefined ? `${age(detail.creationTimestamp, now)} ago` : '—'}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="exp-templates">
        <div className="card-head">
          <h2 id="exp-templates">Templates</h2>
        </div>
        <table className="table" data-testid="experiment-templates">
          <thead>
            <tr>
              <th scope="col">Template</th>
              <th scope="col">Status</th>
              <th scope="col">ReplicaSet</th>
              <th scope="col" className="num">
                Available
              </th>
              <th scope="col">Images</th>
            </tr>
          </thead>
          <tbody>
            {detail.templates.map((t) => (
              <tr key={t.name} data-testid={`template-${t.name}`}>
                <th scope="row">{t.name}</th>
                <td>
                  <StatusBadge status={t.status || 'Pending'} title={t.message} />
                  {t.message && <div className="muted small">{t.message}</div>}
                </td>
                <td className="mono">{t.replicaSet ?? <span className="muted">not created yet</span>}</td>
                <td className="num">
                  {t.available}/{t.desired}
                </td>
                <td>
                  {t.images.map((image) => (
                    <div key={image} className="mono" title={image}>
                      {shortImage(image)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="card" aria-labelledby="exp-analyses">
        <div className="card-head">
          <h2 id="exp-analyses">Analyses</h2>
        </div>
        {detail.analyses.length === 0 ? (
          <p className="muted">This experiment runs no analysis.</p>
        ) : (
          <table className="table" data-testid="experiment-analyses">
            <thead>
              <tr>
                <th scope="col">Analysis</th>
                <th scope="col">Template</th>
                <th scope="col">Phase</th>
                <th scope="col">AnalysisRun</th>
                <th scope="col" className="num">
                  Measurements
                </th>
              </tr>
            </thead>
            <tbody>
              {detail.analyses.map((a) => (
                <tr key={a.name} data-testid={`analysis-${a.name}`}>
                  <th scope="row">
                    {a.name}
                    {a.requiredForCompletion && <span className="tag">required</span>}
                  </th>
                  <td className="mono">
                    {a.clusterScope ? 'ClusterAnalysisTemplate ' : ''}
                    {a.templateName}
                  </td>
                  <td>
                    <StatusBadge status={a.phase || 'Pending'} title={a.message} />
                    {a.message && <div className="muted small">{a.message}</div>}
                  </td>
                  <td className="mono">{a.analysisRun ?? <span className="muted">not started</span>}</td>
                  <td className="num">
                    {(
                      [
                        ['✓', a.successful, 'successful'],
                        ['✕', a.failed, 'failed'],
                        ['?', a.inconclusive, 'inconclusive'],
                        ['!', a.error, 'error'],
                      ] as const
                    ).map(([icon, count, word], i) => (
                      <span key={word} title={word}>
                        {i > 0 && ' · '}
                        <span aria-hidden="true">{icon}</span> {count}
                        <span className="sr-only"> {word}</span>
                      </span>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
