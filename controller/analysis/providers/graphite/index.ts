// Graphite metric provider: the query is the render API's parameters
// (`target=...&from=-5min`); the first series' non-null points reach the
// conditions as an array of numbers, as in Argo.
import { parseGoFloat } from '../../../expr/index.ts';
import type { GraphiteMetric } from '../../../api/index.ts';
import { formatGoFixed } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { concludeMeasurement, markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';

export const PROVIDER_TYPE = 'Graphite';
const TIMEOUT_MS = 10_000;

export function renderUrl(spec: GraphiteMetric): string {
  const address = spec.address ?? '';
  let base: URL;
  try {
    base = new URL(address);
  } catch {
    throw new Error(`${PROVIDER_TYPE} address ${address} is not a valid URL`);
  }
  // Argo strips all whitespace so queries may be written over several lines.
  const params = new URLSearchParams((spec.query ?? '').replace(/\s+/g, ''));
  params.set('format', 'json');
  params.sort();
  const path = `${base.pathname.replace(/\/+$/, '')}/render`;
  return `${base.origin}${path}?${params.toString()}`;
}

// One [value, timestamp] pair; values may be null (no point), numbers or numeric strings.
export function pointValue(point: unknown): number | undefined {
  if (!Array.isArray(point) || point.length !== 2) throw new Error(`error unmarshaling data point: ${JSON.stringify(point)}`);
  const [value] = point as [unknown, unknown];
  if (value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseGoFloat(value);
  throw new Error(`error unmarshaling value: ${JSON.stringify(value)}`);
}

// The first series' points; undefined where Graphite has no point.
export function parseRender(body: string): (number | undefined)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new Error(`invalid character in Graphite response: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Error('json: cannot unmarshal Graphite response: not a list of series');
  if (parsed.length === 0) return [];
  const points = (parsed[0] as { datapoints?: unknown[] }).datapoints ?? [];
  return points.map(pointValue);
}

// Go's %f: six decimals.
export function formatValues(values: readonly number[]): string {
  return `[${values.map((v) => formatGoFixed(v, 6)).join(',')}]`;
}

export function createGraphiteProvider(deps: { http: HttpPort }): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.graphite ?? {};
        const url = renderUrl(spec);
        const { status, body } = await requestWithTimeout(deps.http, url, { method: 'GET' }, TIMEOUT_MS);
        if (status >= 400) throw new Error(`error response: ${body}`);
        const points = parseRender(body);
        if (points.length === 0) throw new Error('no values found');
        const values = points.filter((v): v is number => v !== undefined);
        const value = formatValues(values);
        // Argo records the value even when the conditions cannot be evaluated.
        return concludeMeasurement({ ...measurement, value }, ctx, values, value);
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
