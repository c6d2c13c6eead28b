// Wavefront metric provider: the chart API at the measurement's start, one
// point per series; the value nearest that instant reaches the conditions (a
// number for one series, a list for several), as in Argo.
import type { WavefrontMetric } from '../../../api/index.ts';
import { readSecret, type CredentialDeps } from '../credentials.ts';
import { STATUS_CODES } from 'node:http';
import { formatGoFixed } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { concludeMeasurement, markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';
import type { Measurement } from '../../types.ts';

export const PROVIDER_TYPE = 'Wavefront';
// One token per Wavefront host, keyed by the host as metrics name it in `address`.
export const TOKENS_SECRET = 'wavefront-api-tokens';
const TIMEOUT_MS = 30_000;

export function chartUrl(address: string, query: string, startSeconds: number): string {
  const at = String(startSeconds * 1000);
  // The Go client sends every boolean parameter and the non-empty strings, keys sorted.
  const params = new URLSearchParams({
    autoEvents: 'false',
    e: at,
    g: 's',
    i: 'true',
    includeObsoleteMetrics: 'false',
    listmode: 'false',
    p: '1',
    q: query,
    s: at,
    strict: 'false',
  });
  return `https://${address}/api/v2/chart/api?${params.toString()}`;
}

interface Series {
  data?: number[][] | null;
}

// The point nearest `startSeconds`: value, its time, and how far it is from the start.
export function nearestPoint(points: readonly number[][], startSeconds: number): { value: number; epoch: number; drift: string } {
  let value = 0;
  let epoch = 0;
  let delta = Infinity;
  for (const [time = 0, v = 0] of points) {
    const d = time - startSeconds;
    if (Math.abs(d) < Math.abs(delta)) {
      value = v;
      epoch = time;
      delta = d;
    }
  }
  // With no points Go converts an infinite delta to the smallest int64.
  return { value, epoch: Math.trunc(epoch), drift: Number.isFinite(delta) ? String(Math.trunc(delta)) : '-9223372036854775808' };
}

export function toResult(series: readonly Series[], startSeconds: number): { result: number | number[]; value: string; timestamps: string; drift: string } {
  if (series.length === 0) throw new Error('No TimeSeries found in response from Wavefront');
  const points = series.map((s) => nearestPoint(s.data ?? [], startSeconds));
  const list = (f: (p: (typeof points)[number]) => string) => (points.length === 1 ? f(points[0]!) : `[${points.map(f).join(',')}]`);
  return {
    result: points.length === 1 ? points[0]!.value : points.map((p) => p.value),
    value: list((p) => formatGoFixed(p.value, 2)),
    timestamps: list((p) => String(p.epoch)),
    drift: list((p) => p.drift),
  };
}

export function createWavefrontProvider(deps: CredentialDeps & { http: HttpPort }): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const started = ctx.now();
      const metadata: Record<string, string> = {};
      // Argo keeps the warnings Wavefront sent even when the measurement fails.
      const withWarnings = (m: Measurement): Measurement => (Object.keys(metadata).length > 0 ? { ...m, metadata } : m);
      const measurement = startMeasurement(started);
      try {
        const spec: WavefrontMetric = ctx.metric.provider.wavefront ?? {};
        const tokens = await readSecret(deps, TOKENS_SECRET);
        const address = spec.address ?? '';
        const token = Object.hasOwn(tokens, address) ? tokens[address] : undefined;
        if (token === undefined) throw new Error('API token not found');
        const startSeconds = Math.floor(started / 1000);
        const url = chartUrl(address, spec.query ?? '', startSeconds);
        const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
        const { status, body } = await requestWithTimeout(deps.http, url, { method: 'GET', headers }, TIMEOUT_MS);
        if (status !== 200) throw new Error(`server returned ${status} ${STATUS_CODES[status] ?? ''}\n${body}\n`);
        const parsed = JSON.parse(body) as { timeseries?: Series[] | null; warnings?: string };
        if (parsed.warnings) metadata['warnings'] = parsed.warnings;
        const result = toResult(parsed.timeseries ?? [], startSeconds);
        const done = concludeMeasurement(withWarnings(measurement), ctx, result.result, result.value);
        if (done.phase === 'Error') return done;
        return { ...done, metadata: { ...metadata, timestamps: result.timestamps, drift: result.drift } };
      } catch (err) {
        return markMeasurementError(withWarnings(measurement), err, ctx.now());
      }
    },
  };
}
