import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AnalysisRunInfo, MetricSeries } from '../../../shared/api.ts';
import { niceScale, timeOfDay } from '../format.ts';
import { StatusBadge } from './StatusBadge.tsx';

const PHASE_COLOURS: Record<string, string> = {
  Successful: '#1f9d55',
  Failed: '#d64545',
  Error: '#b83280',
  Inconclusive: '#d69e2e',
  Running: '#3182ce',
};

interface DotProps {
  cx?: number;
  cy?: number;
  payload?: { phase: string };
}

function PhaseDot({ cx, cy, payload }: DotProps) {
  if (cx === undefined || cy === undefined || Number.isNaN(cy)) return null;
  return <circle cx={cx} cy={cy} r={4} fill={PHASE_COLOURS[payload?.phase ?? ''] ?? '#718096'} stroke="#fff" strokeWidth={1} />;
}

function MetricChart({ series }: { series: MetricSeries }) {
  const rows = series.points
    .map((p, i) => ({ i: i + 1, t: p.time ? Date.parse(p.time) : undefined, value: p.value, phase: p.phase, raw: p.raw ?? '' }))
    .filter((r) => r.value !== null);
  const thresholds = [series.success, series.failure].filter((t) => t !== undefined);
  if (rows.length === 0) return <p className="muted">No numeric measurements yet.</p>;
  const values = [...rows.map((r) => r.value as number), ...thresholds.map((t) => t.value)];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  // A margin keeps a threshold at the edge of the data off the axis line.
  const margin = (hi - lo) * 0.05;
  const scale = niceScale(lo - margin, hi + margin);
  return (
    <ResponsiveContainer width="100%" height={180}>
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e6e8eb" vertical={false} />
        <XAxis dataKey="i" tick={{ fontSize: 11 }} tickFormatter={(i: number) => `#${i}`} />
        <YAxis domain={[scale.min, scale.max]} ticks={scale.ticks} tick={{ fontSize: 11 }} width={56} />
        <Tooltip
          labelFormatter={(_, payload) => {
            const row = payload?.[0]?.payload as { t?: number; i: number } | undefined;
            return row?.t !== undefined ? `#${row.i} at ${timeOfDay(row.t)}` : `#${row?.i ?? ''}`;
          }}
          formatter={(value, _name, item) => [`${String(value)} (${(item.payload as { phase: string }).phase})`, 'value']}
        />
        {series.success && (
          <ReferenceLine y={series.success.value} stroke="#1f9d55" strokeDasharray="6 3" label={{ value: `success: ${series.success.condition}`, position: 'insideTopLeft', fontSize: 11, fill: '#1f9d55' }} />
        )}
        {series.failure && (
          <ReferenceLine y={series.failure.value} stroke="#d64545" strokeDasharray="6 3" label={{ value: `failure: ${series.failure.condition}`, position: 'insideBottomLeft', fontSize: 11, fill: '#d64545' }} />
        )}
        <Line dataKey="value" stroke="#4a5568" strokeWidth={1.5} dot={PhaseDot} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

function MetricQueryText({ series }: { series: MetricSeries }) {
  const conditions = [
    ...(series.successCondition !== undefined ? [{ label: 'success', text: series.successCondition }] : []),
    ...(series.failureCondition !== undefined ? [{ label: 'failure', text: series.failureCondition }] : []),
  ];
  if (series.query === undefined && conditions.length === 0) return null;
  return (
    <dl className="metric-query" data-testid={`query-${series.metric}`}>
      {series.query && (
        <div className="metric-query-line">
          <dt>provider</dt>
          <dd>{series.query.provider}</dd>
        </div>
      )}
      {[...(series.query?.lines ?? []), ...conditions].map((l, i) => (
        <div key={`${l.label}-${i}`} className="metric-query-line">
          <dt>{l.label}</dt>
          <dd>
            <code className="mono">{l.text}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

function timeText(time: string | undefined): string {
  return time !== undefined ? timeOfDay(Date.parse(time)) : '—';
}

/** Every measurement in a table: the chart shows the trend, this shows each value and why it was judged so. */
function MeasurementTable({ series }: { series: MetricSeries }) {
  if (series.points.length === 0) return <p className="muted">No measurements yet.</p>;
  return (
    <div className="measurements-scroll">
      <table className="table measurements" data-testid={`measurements-${series.metric}`}>
        <caption className="sr-only">Measurements of {series.metric}</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Value</th>
            <th scope="col">Phase</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
          </tr>
        </thead>
        <tbody>
          {series.points.map((p, i) => (
            <tr key={i}>
              <td className="num">{i + 1}</td>
              <td className="mono" title={p.message}>
                {p.raw ?? (p.message ? <span className="muted">{p.message}</span> : '—')}
              </td>
              <td>
                <StatusBadge status={p.phase} />
              </td>
              <td className="mono">{timeText(p.startedAt)}</td>
              <td className="mono">{timeText(p.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AnalysisPanel({ runs, metrics }: { runs: AnalysisRunInfo[]; metrics: MetricSeries[] }) {
  if (runs.length === 0) return <p className="muted">No analysis runs.</p>;
  return (
    <div className="analysis" data-testid="analysis">
      {runs.map((run) => (
        <div key={run.name} className="analysis-run">
          <div className="analysis-head">
            <h3 className="mono analysis-name">{run.name}</h3>
            <span className="revision">rev {run.revision}</span>
            <StatusBadge status={run.status || 'Pending'} />
            <span className="muted counts">
              ✔ {run.successful}<span className="sr-only"> successful</span> · ✖ {run.failed}<span className="sr-only"> failed</span> · ? {run.inconclusive}
              <span className="sr-only"> inconclusive</span> · ⚠ {run.error}<span className="sr-only"> errors</span>
            </span>
          </div>
          {run.message && <p className="muted">{run.message}</p>}
          <div className="metrics">
            {metrics
              .filter((m) => m.analysisRun === run.name)
              .map((series) => (
                <div key={series.metric} className="metric" data-testid={`metric-${series.metric}`}>
                  <div className="metric-head">
                    <strong>{series.metric}</strong>
                    <StatusBadge status={series.phase || 'Pending'} />
                  </div>
                  <MetricQueryText series={series} />
                  <MetricChart series={series} />
                  <MeasurementTable series={series} />
                </div>
              ))}
          </div>
        </div>
      ))}
    </div>
  );
}
