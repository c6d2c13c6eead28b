/**
 * Reading the controller's /metrics: the Prometheus text format parsed into samples, histograms
 * summed over their label sets, quantiles estimated as Prometheus' histogram_quantile does, and
 * the request counter split into reads, writes and watches. Pure.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(raw: string): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}

export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line.trim());
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!) });
  }
  return samples;
}

/** The sum of every series of `name` whose labels include `match`. */
export function sumOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** The value of the one series `name` with labels `match`, or undefined when there is none. */
export function valueOf(samples: readonly Sample[], name: string, match: Record<string, string> = {}): number | undefined {
  const found = samples.find((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
  return found?.value;
}

export interface Histogram {
  /** Cumulative counts by upper bound, ascending, ending with +Inf. */
  buckets: Array<{ le: number; count: number }>;
  sum: number;
  count: number;
}

/** A histogram summed over all its label sets (e.g. rollout_reconcile over every rollout). */
export function histogramOf(samples: readonly Sample[], name: string): Histogram {
  const byLe = new Map<number, number>();
  let sum = 0;
  let count = 0;
  for (const s of samples) {
    if (s.name === `${name}_bucket` && s.labels.le !== undefined) {
      const le = parseValue(s.labels.le);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    } else if (s.name === `${name}_sum`) sum += s.value;
    else if (s.name === `${name}_count`) count += s.value;
  }
  const buckets = [...byLe].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  return { buckets, sum, count };
}

/**
 * What was observed between two scrapes. Series that disappeared (a deleted rollout's) count as
 * zero in `later`, which would make buckets negative; those are clamped, so a window over which
 * objects were deleted undercounts rather than going wrong.
 */
export function histogramDelta(earlier: Histogram, later: Histogram): Histogram {
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  return {
    buckets: later.buckets.map((b) => ({ le: b.le, count: Math.max(0, b.count - (before.get(b.le) ?? 0)) })),
    sum: Math.max(0, later.sum - earlier.sum),
    count: Math.max(0, later.count - earlier.count),
  };
}

/**
 * histogram_quantile: the bucket holding the q-th observation, interpolated linearly inside it
 * (from 0 for the first bucket). A rank in the +Inf bucket answers the highest finite bound, as
 * Prometheus does. NaN for an empty histogram.
 */
export function histogramQuantile(h: Histogram, q: number): number {
  const total = h.buckets.at(-1)?.count ?? 0;
  if (total === 0 || h.buckets.length === 0) return NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of h.buckets) {
    if (b.count >= rank) {
      if (b.le === Infinity) return lowerBound;
      const inBucket = b.count - lowerCount;
      if (inBucket === 0) return b.le;
      return lowerBound + (b.le - lowerBound) * ((rank - lowerCount) / inBucket);
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

/** True when the q-th observation lies in the +Inf bucket, where histogram_quantile can only answer the top bound. */
export function beyondTopBucket(h: Histogram, q: number): boolean {
  const total = h.buckets.at(-1)?.count ?? 0;
  const finite = h.buckets.filter((b) => b.le !== Infinity).at(-1);
  return total > 0 && finite !== undefined && finite.count < q * total;
}

export interface RequestCounts {
  /** Get and List. */
  reads: number;
  /** Create, Update, Patch and Delete. */
  writes: number;
  /** Watch requests opened. */
  watches: number;
  /** "Patch rollouts" → n, for the breakdown. */
  byVerbAndKind: Record<string, number>;
}

const READS = new Set(['Get', 'List']);
const WRITES = new Set(['Create', 'Update', 'Patch', 'Delete']);
export const REQUEST_COUNTER = 'controller_clientset_k8s_request_total';

export function requestCounts(samples: readonly Sample[]): RequestCounts {
  const out: RequestCounts = { reads: 0, writes: 0, watches: 0, byVerbAndKind: {} };
  for (const s of samples) {
    if (s.name !== REQUEST_COUNTER) continue;
    const verb = s.labels.verb ?? 'Unknown';
    if (READS.has(verb)) out.reads += s.value;
    else if (WRITES.has(verb)) out.writes += s.value;
    else if (verb === 'Watch') out.watches += s.value;
    const key = `${verb} ${s.labels.kind ?? 'Unknown'}`;
    out.byVerbAndKind[key] = (out.byVerbAndKind[key] ?? 0) + s.value;
  }
  return out;
}

export function requestDelta(earlier: RequestCounts, later: RequestCounts): RequestCounts {
  const byVerbAndKind: Record<string, number> = {};
  for (const [key, n] of Object.entries(later.byVerbAndKind)) {
    const d = n - (earlier.byVerbAndKind[key] ?? 0);
    if (d !== 0) byVerbAndKind[key] = d;
  }
  return {
    reads: later.reads - earlier.reads,
    writes: later.writes - earlier.writes,
    watches: later.watches - earlier.watches,
    byVerbAndKind,
  };
}

/**
 * The Rollout queue's depth, whatever the controller names its queue ("rollout" in Ramp,
 * "Rollouts" in Argo); undefined when the controller exports no such gauge.
 */
export function rolloutQueueDepth(samples: readonly Sample[]): number | undefined {
  const series = samples.filter((s) => s.name === 'workqueue_depth' && /^rollouts?$/i.test(s.labels.name ?? ''));
  return series.length === 0 ? undefined : series.reduce((n, s) => n + s.value, 0);
}

/** Heap in use, from a Node process's or a Go process's own collector; undefined when neither is exported. */
export function heapUsedBytes(samples: readonly Sample[]): number | undefined {
  return valueOf(samples, 'nodejs_heap_size_used_bytes') ?? valueOf(samples, 'go_memstats_heap_alloc_bytes');
}

/** All requests of a delta, every verb (watches and discovery included). */
export function totalRequests(d: RequestCounts): number {
  return Object.values(d.byVerbAndKind).reduce((a, b) => a + b, 0);
}

/**
 * Event writes in a delta. Argo's request counter never counts its Events (the bench counts them
 * from the namespace instead), so the side-by-side compares writes without them too.
 */
export function eventWrites(d: RequestCounts): number {
  return (d.byVerbAndKind['Create events'] ?? 0) + (d.byVerbAndKind['Patch events'] ?? 0);
}
