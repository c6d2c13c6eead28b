import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { WeightPoint } from '../../../shared/api.ts';
import { timeOfDay } from '../format.ts';

interface Row {
  t: number;
  setWeight: number;
  actualWeight: number;
}

/** Weights as steps over time, the last value carried to now so the line reaches the present. */
export function WeightChart({ history, now }: { history: WeightPoint[]; now: number }) {
  if (history.length === 0) return <p className="muted">No weights recorded yet.</p>;
  const rows: Row[] = history.map((p) => ({ t: Date.parse(p.time), setWeight: p.setWeight, actualWeight: p.actualWeight }));
  const last = rows[rows.length - 1]!;
  if (now > last.t) rows.push({ ...last, t: now });
  const start = rows[0]!.t;
  return (
    <div className="chart" data-testid="weight-chart">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
          <CartesianGrid stroke="#e6e8eb" vertical={false} />
          <XAxis dataKey="t" type="number" domain={[start, 'dataMax']} scale="time" tickFormatter={timeOfDay} tick={{ fontSize: 11 }} minTickGap={40} />
          <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" tick={{ fontSize: 11 }} />
          <Tooltip labelFormatter={(t) => timeOfDay(Number(t))} formatter={(value, name) => [`${String(value)}%`, name === 'setWeight' ? 'Set weight' : 'Actual weight']} />
          <Legend formatter={(name) => (name === 'setWeight' ? 'Set weight (canary)' : 'Actual weight (canary)')} />
          <Line type="stepAfter" dataKey="setWeight" stroke="#6d5dfc" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="stepAfter" dataKey="actualWeight" stroke="#f08c2e" strokeWidth={2} strokeDasharray="5 3" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
