// Datadog metric provider: v1 `GET /api/v1/query` over the last `interval`,
// or v2 `POST /api/v2/query/scalar` with named queries and a formula. The
// conditions see one number (the last point, or the scalar), or nil when
// Datadog returns no data, as in Argo.
import { parseGoDurationMillis } from '../../../api/duration.ts';
import type { DatadogMetric } from '../../../api/index.ts';
import type { AnalysisRun } from '../../types.ts';
import { readSecret, type CredentialDeps } from '../credentials.ts';
import { formatGoFloat, goJsonMarshal } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { concludeMeasurement, markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';

export const PROVIDER_TYPE = 'Datadog';
export const DEFAULT_SECRET = 'datadog';
const DEFAULT_ADDRESS = 'https://api.datadoghq.com';
const DEFAULT_INTERVAL = '5m';
const DEFAULT_TIMEOUT = '10s';

export interface DatadogDeps extends CredentialDeps {
  http: HttpPort;
  // The controller's environment: DD_API_KEY, DD_APP_KEY and DD_ADDRESS together stand in for the Secret.
  env: Readonly<Record<string, string | undefined>>;
}

export interface DatadogCredentials {
  address: string;
  apiKey: string;
  appKey: string;
}

function fromData(data: Record<string, string> | undefined): DatadogCredentials | undefined {
  const apiKey = data?.['api-key'] ?? '';
  const appKey = data?.['app-key'] ?? '';
  if (apiKey === '' || appKey === '') return undefined;
  return { address: data?.['address'] ?? '', apiKey, appKey };
}

// Argo's finders: a named Secret (in the run's namespace when `namespaced`),
// else the DD_* environment, else the `datadog` Secret in the controller's namespace.
export async function findCredentials(deps: DatadogDeps, spec: DatadogMetric, run: AnalysisRun): Promise<DatadogCredentials> {
  const name = spec.secretRef?.name ?? '';
  const namespaced = spec.secretRef?.namespaced ?? false;
  if (namespaced && name === '') throw new Error('secret name is required for namespaced credentials');
  const fromSecret = async (secretName: string, namespace: string) =>
    fromData(await readSecret(deps, secretName, namespace).catch(() => undefined));
  const found =
    name !== ''
      ? await fromSecret(name, namespaced ? (run.metadata.namespace ?? '') : deps.namespace)
      : (envCredentials(deps.env) ?? (await fromSecret(DEFAULT_SECRET, deps.namespace)));
  if (!found) throw new Error('failed to find the credentials for datadog metrics provider');
  return found;
}

function envCredentials(env: DatadogDeps['env']): DatadogCredentials | undefined {
  const { DD_API_KEY: apiKey, DD_APP_KEY: appKey, DD_ADDRESS: address } = env;
  if (apiKey === undefined || appKey === undefined || address === undefined) return undefined;
  return fromData({ 'api-key': apiKey, 'app-key': appKey, address });
}

// The template checks Argo makes before the first request.
export function validate(spec: DatadogMetric): void {
  const queries = Object.keys(spec.queries ?? {}).length;
  const query = spec.query ?? '';
  if (query === '' && queries === 0) throw new Error('Must have either a query or queries. Please review the Analysis Template.');
  if (query !== '' && queries > 0) throw new Error('Cannot have both a query and queries. Please review the Analysis Template.');
  if (apiVersion(spec) === 'v1' && query === '') {
    throw new Error('Query is empty. API Version v1 only supports using the query parameter in your Analysis Template.');
  }
  if (spec.formula && queries === 0) throw new Error('Formula are only valid when queries are set. Please review the Analysis Template.');
  if (!spec.formula && queries > 1) throw new Error('When multiple queries are provided you must include a formula.');
  if (apiVersion(spec) === 'v1' && spec.aggregator) throw new Error('Aggregator is not supported in v1. Please review the Analysis Template.');
  if (spec.requestTimeout) {
    let ms: number;
    try {
      ms = parseGoDurationMillis(spec.requestTimeout);
    } catch (err) {
      throw new Error(`Could not parse the request timeout: ${(err as Error).message}. Please review the Analysis Template.`);
    }
    if (ms <= 0) throw new Error('Request timeout must be a positive duration (e.g. 30s). Please review the Analysis Template.');
  }
}

function apiVersion(spec: DatadogMetric): 'v1' | 'v2' {
  return spec.apiVersion ?? 'v1';
}

export interface DatadogRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

export function buildRequest(spec: DatadogMetric, address: string, nowMs: number): DatadogRequest {
  const base = address || DEFAULT_ADDRESS;
  const to = Math.floor(nowMs / 1000);
  const from = to - Math.trunc(parseGoDurationMillis(spec.interval || DEFAULT_INTERVAL) / 1000);
  if (apiVersion(spec) === 'v1') {
    const params = new URLSearchParams({ from: String(from), query: spec.query ?? '', to: String(to) });
    return { url: `${base}/api/v1/query?${params.toString()}`, method: 'GET' };
  }
  const queries = spec.query ? { query: spec.query } : (spec.queries ?? {});
  const aggregator = spec.aggregator || 'last';
  const body = {
    data: {
      attributes: {
        from: from * 1000,
        to: to * 1000,
        queries: Object.keys(queries)
          .sort()
          .map((name) => ({ aggregator, data_source: 'metrics', name, query: queries[name] })),
        formulas: spec.formula ? [{ formula: spec.formula }] : [],
      },
      type: 'scalar_request',
    },
  };
  return { url: `${base}/api/v2/query/scalar`, method: 'POST', body: JSON.stringify(body) };
}

// What Datadog answered: the number for the conditions (null: no data) and the recorded value.
export function parseResponse(version: 'v1' | 'v2', status: number, body: string): { result: number | null; value: string } {
  if (status === 403 || status === 401) throw new Error(`received authentication error response code: ${status} ${body}`);
  if (status !== 200) throw new Error(`received non 2xx response code: ${status} ${body}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new Error(`Could not parse JSON body: ${(err as Error).message}`);
  }
  return version === 'v1' ? parseV1(parsed) : parseV2(parsed);
}

function parseV1(parsed: unknown): { result: number | null; value: string } {
  const series = (parsed as { series?: { pointlist?: (number | null)[][] | null }[] | null } | null)?.series;
  const first = series?.[0]?.pointlist;
  if (!series || series.length === 0 || !first || first.length === 0) {
    const printed = series ? goJsonMarshal(series.map((s) => ({ pointlist: s.pointlist ?? null }))) : 'null';
    return { result: null, value: printed };
  }
  const point = first[first.length - 1] ?? [];
  if (point.length !== 2) throw new Error('Datapoint does not have 2 values');
  const value = point[1] ?? 0;
  return { result: value, value: formatGoFloat(value) };
}

interface V2Response {
  data?: { attributes?: { columns?: { values?: (number | null)[] | null }[] | null }; errors?: string };
}

function parseV2(parsed: unknown): { result: number | null; value: string } {
  const data = (parsed as V2Response | null)?.data;
  if (data?.errors) throw new Error(`There were errors in your query: ${data.errors}`);
  const columns = data?.attributes?.columns ?? null;
  const first = columns?.[0]?.values;
  if (!columns || columns.length === 0 || !first || first.length === 0 || first[0] === null || first[0] === undefined) {
    // Go marshals the untagged response structs with their field names.
    const printed =
      columns?.length === 1
        ? goJsonMarshal(columns[0]?.values ?? null)
        : goJsonMarshal({ Columns: columns === null ? null : columns.map((c) => ({ Values: c.values ?? null })) });
    return { result: null, value: printed };
  }
  return { result: first[0], value: formatGoFloat(first[0]) };
}

export function createDatadogProvider(deps: DatadogDeps): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.datadog ?? {};
        const credentials = await findCredentials(deps, spec, ctx.run);
        validate(spec);
        const request = buildRequest(spec, credentials.address, ctx.now());
        const headers = { 'Content-Type': 'application/json', 'DD-API-KEY': credentials.apiKey, 'DD-APPLICATION-KEY': credentials.appKey };
        const timeout = parseGoDurationMillis(spec.requestTimeout || DEFAULT_TIMEOUT);
        const { status, body } = await requestWithTimeout(
          deps.http,
          request.url,
          { method: request.method, headers, ...(request.body !== undefined ? { body: request.body } : {}) },
          timeout,
        );
        const { result, value } = parseResponse(apiVersion(spec), status, body);
        return concludeMeasurement(measurement, ctx, result, value);
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
