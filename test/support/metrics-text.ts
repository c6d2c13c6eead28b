/**
 * The Prometheus text exposition format read back into samples, so tests can compare two
 * controllers' /metrics by metric name, label names and label values rather than by raw text.
 */

export interface MetricSample {
  /** The sample's own name: a histogram's series end in _bucket, _sum and _count. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricsText {
  samples: MetricSample[];
  /** `# TYPE` by family name. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

export function parseMetricsText(text: string): MetricsText {
  const samples: MetricSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice('# TYPE '.length).split(' ');
      if (name && type) types.set(name, type);
      continue;
    }
    if (line.length === 0 || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = unescape(l[2]!);
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** The samples of one family: the name itself, or a histogram's or summary's suffixed series. */
export function familySamples(parsed: MetricsText, family: string): MetricSample[] {
  return parsed.samples.filter((s) => s.name === family || (HISTOGRAM_SUFFIXES.some((x) => s.name === family + x)));
}

/**
 * A family's shape: its type and, per sample name, the distinct sorted label-name lists seen,
 * e.g. `{ type: 'gauge', labels: { rollout_info: ['name,namespace,phase,strategy,traffic_router'] } }`.
 */
export function familyShape(parsed: MetricsText, family: string): { type?: string; labels: Record<string, string[]> } {
  const labels: Record<string, Set<string>> = {};
  for (const s of familySamples(parsed, family)) {
    (labels[s.name] ??= new Set()).add(Object.keys(s.labels).sort().join(','));
  }
  return { type: parsed.types.get(family), labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, [...v].sort()])) };
}
