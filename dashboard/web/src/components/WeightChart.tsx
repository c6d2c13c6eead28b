import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeightPoint } from '../../../shared/api.ts';
import { timeOfDay } from '../format.ts';

interface Row {
  t: number;
  canary: number;
  stable: number;
  setWeight: number;
}

const LABELS: Record<string, string> = { canary: 'Canary', stable: 'Stable', setWeight: 'Set weight' };

/**
 * Where traffic went over time: the canary's actual share and the stable remainder stacked to
 * 100%, with the weight the current step asks for as a dashed line. The last value is carried to
 * now so the chart reaches the present.
 */
export function WeightChart({ history, now }: { history: WeightPoint[]; now: number }) {
  if (history.length === 0) return <p className="muted">No weights recorded yet.</p>;
  const rows: Row[] = history.map((p) => ({ t: Date.parse(p.time), canary: p.actualWeight, stable: 100 - p.actualWeight, setWeight: p.setWeight }));
  const last = rows[rows.length - 1]!;
  if (now > last.t) rows.push({ ...last, t: now });
  const start = rows[0]!.t;
  return (
    <div className="chart" data-testid="weight-chart">
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#e6e8eb" vertical={false} />
          <XAxis dataKey="t" type="number" domain={[start, 'dataMax']} scale="time" tickFormatter={timeOfDay} tick={{ fontSize: 11 }} minTickGap={40} />
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(t) => timeOfDay(Number(t))} formatter={(value, name) => [`${String(value)}%`, LABELS[String(name)] ?? String(name)]} />
          <Legend formatter={(name) => LABELS[String(name)] ?? String(name)} />
          <Area type="stepAfter" dataKey="canary" stackId="traffic" stroke="#f08c2e" fill="#f8c58f" fillOpacity={0.75} isAnimationActive={false} />
          <Area type="stepAfter" dataKey="stable" stackId="traffic" stroke="#38a169" fill="#c6ebd3" fillOpacity={0.75} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="setWeight" stroke="#6d5dfc" strokeWidth={2} strokeDasharray="6 3" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
