// Prometheus metric provider: an instant (or range) query over the HTTP API,
// the result handed to the conditions as Argo does: a vector becomes an array
// of numbers, a scalar a number.
import { evaluateResult } from '../../metric-conditions.ts';
import { parseGoDurationMillis } from '../../../api/duration.ts';
import { parseGoFloat } from '../../../expr/index.ts';
import { formatTime } from '../../../api/kit.ts';
import type { PrometheusMetric } from '../../types.ts';
import { formatGoFloat } from '../format.ts';
import { requestWithTimeout, type HttpPort, type HttpRequestInit } from '../../../http/client.ts';
import { resolveRegion, type AwsSource } from '../aws/credentials.ts';
import type { AwsDeps } from '../aws/index.ts';
import { signV4 } from '../aws/sigv4.ts';
import type { OAuth2TokenSource } from '../oauth2.ts';
import { markMeasurementError, startMeasurement, type MetricProvider, type ProviderContext } from '../provider.ts';

export const PROVIDER_TYPE = 'Prometheus';
export const RESOLVED_QUERY_KEY = 'ResolvedPrometheusQuery';
const DEFAULT_TIMEOUT_MS = 30_000;

export interface PrometheusDeps {
  http: HttpPort;
  oauth2: OAuth2TokenSource;
  aws: AwsDeps;
  // Used when a metric sets no address (Argo reads ARGO_ROLLOUTS_PROMETHEUS_ADDRESS).
  defaultAddress?: string;
}

interface ApiResponse {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: { resultType?: string; result?: unknown };
}

export function createPrometheusProvider(deps: PrometheusDeps): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    metadata(metric) {
      const query = metric.provider.prometheus?.query;
      return query ? { [RESOLVED_QUERY_KEY]: query } : undefined;
    },
    async run(ctx: ProviderContext) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.prometheus as PrometheusMetric | undefined;
        if (spec === undefined) throw new Error(`metric '${ctx.metric.name}' has no prometheus provider`);
        const response = await query(deps, spec, ctx.now());
        const { result, value } = toResult(response.data);
        const outcome = evaluateResult(result, ctx.metric);
        if (outcome.error !== undefined) return markMeasurementError(measurement, new Error(outcome.error), ctx.now());
        const warnings = (response.warnings ?? []).map((w) => `"${w}"`).join(', ');
        return {
          ...measurement,
          phase: outcome.phase,
          value,
          ...(warnings ? { metadata: { warnings } } : {}),
          finishedAt: formatTime(new Date(ctx.now())),
        };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}

export function resolveAddress(spec: PrometheusMetric, defaultAddress: string | undefined): string {
  const address = spec.address || defaultAddress;
  if (!address) throw new Error('prometheus address is not configured');
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new Error('prometheus address is not is url format');
  }
  if (!url.protocol || !url.host) throw new Error('prometheus address is not is url format');
  return address.replace(/\/+$/, '');
}

export function timeoutMs(spec: PrometheusMetric): number {
  if (spec.timeout === undefined || spec.timeout === null) return DEFAULT_TIMEOUT_MS;
  if (spec.timeout < 0) throw new Error('prometheus timeout should not be negative');
  return spec.timeout * 1000;
}

async function query(deps: PrometheusDeps, spec: PrometheusMetric, now: number): Promise<ApiResponse> {
  const address = resolveAddress(spec, deps.defaultAddress);
  const timeout = timeoutMs(spec);
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  for (const h of spec.headers ?? []) headers[h.key] = h.value;
  const tls: HttpRequestInit['tls'] = { insecureSkipVerify: spec.insecure ?? false, ...(spec.caCert ? { caCert: spec.caCert } : {}) };
  await authenticate(deps, spec, headers, tls, timeout);

  const form = new URLSearchParams({ query: spec.query ?? '' });
  let endpoint = `${address}/api/v1/query`;
  if (spec.rangeQuery) {
    endpoint = `${address}/api/v1/query_range`;
    form.set('start', unixSeconds(evalTime(spec.rangeQuery.start ?? 'now()', now)));
    form.set('end', unixSeconds(evalTime(spec.rangeQuery.end ?? 'now()', now)));
    form.set('step', String(parseGoDurationMillis(spec.rangeQuery.step ?? '1m') / 1000));
  } else {
    form.set('time', unixSeconds(now));
  }
  const sigv4 = sigv4Of(spec);
  const requestHeaders = sigv4 ? await signed(deps, sigv4, { url: endpoint, headers, body: form.toString() }, now) : headers;
  const { status, body } = await requestWithTimeout(deps.http, endpoint, { method: 'POST', headers: requestHeaders, body: form.toString(), tls }, timeout);
  let parsed: ApiResponse;
  try {
    parsed = JSON.parse(body) as ApiResponse;
  } catch {
    if (status < 200 || status > 299) throw new Error(`server_error: server error: ${status}`);
    throw new Error(`bad_response: response from ${endpoint} is not JSON: ${body.slice(0, 200)}`);
  }
  if (parsed.status === 'error') throw new Error(`${parsed.errorType ?? 'error'}: ${parsed.error ?? ''}`);
  if (status < 200 || status > 299) throw new Error(`server_error: server error: ${status}`);
  return parsed;
}

async function authenticate(deps: PrometheusDeps, spec: PrometheusMetric, headers: Record<string, string>, tls: HttpRequestInit['tls'], timeout: number): Promise<void> {
  const auth = spec.authentication;
  if (!auth) return;
  if (auth.basicAuth && (auth.basicAuth.username || auth.basicAuth.password)) {
    const token = Buffer.from(`${auth.basicAuth.username ?? ''}:${auth.basicAuth.password ?? ''}`).toString('base64');
    headers['Authorization'] = `Basic ${token}`;
    return;
  }
  if (auth.oauth2?.tokenUrl) headers['Authorization'] = await deps.oauth2.authorization(auth.oauth2, tls, timeout);
}

function sigv4Of(spec: PrometheusMetric): AwsSource | undefined {
  const sigv4 = spec.authentication?.sigv4;
  return sigv4 && (sigv4.region || sigv4.profile || sigv4.roleArn) ? sigv4 : undefined;
}

// Amazon Managed Service for Prometheus takes the query signed for service `aps`.
async function signed(deps: PrometheusDeps, source: AwsSource, request: { url: string; headers: Record<string, string>; body: string }, now: number) {
  const region = resolveRegion(deps.aws.environment, source.region);
  const credentials = await deps.aws.credentials.credentials(source, region);
  return { ...request.headers, ...signV4({ method: 'POST', ...request, service: 'aps', region, credentials, now }) };
}

function unixSeconds(ms: number): string {
  return String(ms / 1000);
}

// Range bounds are written in expr's date functions; the forms used in
// practice are `now()` and `now() - duration("5m")`.
export function evalTime(expression: string, now: number): number {
  const m = /^\s*now\(\)\s*(?:([+-])\s*duration\(\s*(?:"([^"]*)"|'([^']*)')\s*\))?\s*$/.exec(expression);
  if (!m) {
    throw new Error(`unsupported rangeQuery time ${JSON.stringify(expression)}: use now() or now() - duration("5m")`);
  }
  if (m[1] === undefined) return now;
  const offset = parseGoDurationMillis(m[2] ?? m[3] ?? '');
  return m[1] === '-' ? now - offset : now + offset;
}

function sampleValue(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new Error(`bad_response: sample value ${JSON.stringify(raw)} is not a number`);
  return parseGoFloat(raw);
}

// Argo hands conditions a float for a scalar and a []float64 for a vector;
// range results are flattened so `all(result, # < 1000)` checks every sample.
export function toResult(data: ApiResponse['data']): { result: number | number[]; value: string } {
  const type = data?.resultType;
  const raw = data?.result;
  if (type === 'scalar' && Array.isArray(raw)) {
    const v = sampleValue(raw[1]);
    return { result: v, value: formatGoFloat(v) };
  }
  if (type === 'vector' && Array.isArray(raw)) {
    const values = raw.map((s) => sampleValue((s as { value?: unknown[] }).value?.[1]));
    return { result: values, value: `[${values.map(formatGoFloat).join(',')}]` };
  }
  if (type === 'matrix' && Array.isArray(raw)) {
    const values = raw.flatMap((s) => ((s as { values?: unknown[][] }).values ?? []).map((p) => sampleValue(p[1])));
    return { result: values, value: `[${values.map(formatGoFloat).join(',')}]` };
  }
  throw new Error('Prometheus metric type not supported');
}
