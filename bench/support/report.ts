/** The bench's results: figures with units, the text table, and the scaling plot as SVG. Pure. */

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started and ended: the machine was shared. */
  loadAtStart: number;
  loadAtEnd?: number;
}

export interface Figure {
  /** Group in the table: "latency", "api", "scale", "memory", "dashboard". */
  section: string;
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** One rollout count of the scale run: the points of the plot. */
export interface ScalePoint {
  rollouts: number;
  reconcileP50Ms: number;
  reconcileP99Ms: number;
  reconcileMeanMs: number;
  maxQueueDepth: number;
  convergeSeconds: number;
  rssMiB: number;
  heapUsedMiB: number;
}

/** One sample of a controller's memory during the soak. */
export interface SoakSample {
  /** Seconds since the soak started. */
  x: number;
  rssMiB: number;
  heapMiB: number;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: Machine;
  figures: Figure[];
  scale: ScalePoint[];
  notes: string[];
  durationSeconds: number;
  /** With `--against`: the other controller's figures of the same scenarios, in the same run. */
  against?: { name: string; description: string; figures: Figure[]; scale?: ScalePoint[] };
  /** The soak's memory samples of each controller, by name, so its slopes can be looked at again. */
  soak?: Record<string, SoakSample[]>;
}

/** Three significant digits, no exponent for ordinary sizes; "n/a" for NaN. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'n/a' : String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1000) return String(Math.round(v));
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

export function renderTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.section, f.name, formatValue(f.value), f.unit, f.note ?? '']);
  const header = ['section', 'figure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The same figures as a Markdown table, for docs/performance.md. */
export function renderMarkdownTable(figures: readonly Figure[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    '| section | figure | value | unit | note |',
    '|---|---|--:|---|---|',
    ...figures.map((f) => `| ${cell(f.section)} | ${cell(f.name)} | ${formatValue(f.value)} | ${cell(f.unit)} | ${cell(f.note ?? '')} |`),
  ].join('\n');
}

export function describeMachine(m: Machine): string {
  const load = m.loadAtEnd !== undefined ? `${m.loadAtStart.toFixed(1)} → ${m.loadAtEnd.toFixed(1)}` : m.loadAtStart.toFixed(1);
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node} on ${m.platform}; 1-min load ${load} (shared machine)`;
}

interface Line {
  name: string;
  color: string;
  points: Array<{ x: number; y: number }>;
}

interface Panel {
  label: string;
  unit: string;
  lines: Line[];
}

/** One colour per controller, in the order given. */
const COLORS = ['#c0392b', '#2c6fbb', '#27ae60', '#8e44ad'];

const W = 560;
const H = 220;
const PAD = { left: 64, right: 20, top: 28, bottom: 40 };

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Round numbers for an axis from 0 to at least `max`. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(6)));
  return ticks;
}

/** One panel: y linear from 0, x logarithmic over the rollout counts, one line per controller. */
function panel(series: Panel, xs: number[], offsetY: number): string {
  const ys = series.lines.flatMap((l) => l.points.map((p) => p.y)).filter(Number.isFinite);
  const ticks = niceTicks(Math.max(...ys, 0));
  const yMax = ticks.at(-1)!;
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const lx = (x: number): number =>
    xMin === xMax ? PAD.left + (W - PAD.left - PAD.right) / 2 : PAD.left + ((Math.log10(x) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - PAD.left - PAD.right);
  const ly = (y: number): number => offsetY + H - PAD.bottom - (y / yMax) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [];
  parts.push(`<text x="${PAD.left}" y="${offsetY + 18}" font-size="13" font-weight="bold">${escapeXml(`${series.label} (${series.unit})`)}</text>`);
  for (const t of ticks) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${ly(t)}" y2="${ly(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${ly(t) + 4}" font-size="11" text-anchor="end">${t}</text>`);
  }
  for (const x of xs) {
    parts.push(`<text x="${lx(x)}" y="${offsetY + H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${x}</text>`);
  }
  parts.push(`<text x="${(PAD.left + W - PAD.right) / 2}" y="${offsetY + H - 6}" font-size="11" text-anchor="middle">rollouts (log scale)</text>`);
  series.lines.forEach((line, i) => {
    const pts = line.points.filter((p) => Number.isFinite(p.y));
    parts.push(`<text x="${W - PAD.right}" y="${offsetY + 18 + i * 14}" font-size="11" text-anchor="end" fill="${line.color}">${escapeXml(line.name)}</text>`);
    if (pts.length === 0) return;
    parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${pts.map((p) => `${lx(p.x).toFixed(1)},${ly(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      parts.push(`<circle cx="${lx(p.x).toFixed(1)}" cy="${ly(p.y).toFixed(1)}" r="3.5" fill="${line.color}"><title>${escapeXml(line.name)}, ${p.x} rollouts: ${formatValue(p.y)} ${escapeXml(series.unit)}</title></circle>`);
    }
  });
  return parts.join('\n');
}

/**
 * Time to converge after creating, reconcile p99 and controller RSS against the number of
 * rollouts, one panel each, one line per controller.
 */
export function scalePlotSvg(controllers: ReadonlyArray<{ name: string; points: readonly ScalePoint[] }>, caption: string): string {
  const xs = [...new Set(controllers.flatMap((c) => c.points.map((p) => p.rollouts)))].sort((a, b) => a - b);
  const lines = (y: (p: ScalePoint) => number): Line[] =>
    controllers.map((c, i) => ({ name: c.name, color: COLORS[i % COLORS.length]!, points: c.points.map((p) => ({ x: p.rollouts, y: y(p) })) }));
  const panels: Panel[] = [
    { label: 'converge after creating', unit: 's', lines: lines((p) => p.convergeSeconds) },
    { label: 'reconcile p99', unit: 'ms', lines: lines((p) => p.reconcileP99Ms) },
    { label: 'controller RSS', unit: 'MiB', lines: lines((p) => p.rssMiB) },
  ];
  const height = panels.length * H + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">`,
    `<rect width="${W}" height="${height}" fill="#fff"/>`,
    ...(xs.length > 0 ? panels.map((p, i) => panel(p, xs, i * H)) : []),
    `<text x="${W / 2}" y="${height - 6}" font-size="10" text-anchor="middle" fill="#555">${escapeXml(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
