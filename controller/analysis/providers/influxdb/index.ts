// InfluxDB metric provider: a Flux query through /api/v2/query, with the
// address, token and organization from the `influxdb` Secret (or the metric's
// `profile`). The conditions see the list of the records' `_value`s.
import { STATUS_CODES } from 'node:http';
import type { InfluxdbMetric } from '../../../api/index.ts';
import { readSecret, type CredentialDeps } from '../credentials.ts';
import { formatGoFloatV } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { concludeMeasurement, markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';
import { fluxValues, type FluxValue } from './csv.ts';

export const PROVIDER_TYPE = 'Influxdb';
export const DEFAULT_SECRET = 'influxdb';
const TIMEOUT_MS = 30_000;

export interface InfluxdbProfile {
  address: string;
  authToken: string;
  org: string;
}

export async function readProfile(deps: CredentialDeps, spec: InfluxdbMetric): Promise<InfluxdbProfile> {
  const data = await readSecret(deps, spec.profile || DEFAULT_SECRET);
  const profile = { address: data['address'] ?? '', authToken: data['authToken'] ?? '', org: data['org'] ?? '' };
  if (profile.address === '' || profile.authToken === '' || profile.org === '') throw new Error('authToken, org, or address not found');
  return profile;
}

// The request the InfluxDB Go client sends for QueryAPI(org).Query(query).
export function fluxRequest(profile: InfluxdbProfile, query: string): { url: string; headers: Record<string, string>; body: string } {
  const url = `${profile.address.replace(/\/+$/, '')}/api/v2/query?${new URLSearchParams({ org: profile.org }).toString()}`;
  const body = JSON.stringify({
    dialect: { annotations: ['datatype', 'group', 'default'], delimiter: ',', header: true },
    query,
    type: 'flux',
  });
  return { url, headers: { Authorization: `Token ${profile.authToken}`, 'Content-Type': 'application/json' }, body };
}

// An error answer as the Go client reports it: InfluxDB 2's `code: message`;
// otherwise the status line and the error text (InfluxDB 1.x sends it as
// `{"error": ...}` and in the X-Influxdb-Error header the client reads).
export function httpError(status: number, body: string): Error {
  let parsed: { code?: string; message?: string; error?: string } = {};
  try {
    parsed = (JSON.parse(body) ?? {}) as typeof parsed;
  } catch {
    parsed = { error: body };
  }
  if (parsed.code && parsed.message) return new Error(`${parsed.code}: ${parsed.message}`);
  return new Error(`${status} ${STATUS_CODES[status] ?? ''}: ${parsed.message ?? parsed.error ?? ''}`);
}

// fmt.Sprint of a []interface{}.
export function formatValues(values: readonly FluxValue[]): string {
  const one = (v: FluxValue) => (v === null ? '<nil>' : typeof v === 'number' ? formatGoFloatV(v) : String(v));
  return `[${values.map(one).join(' ')}]`;
}

export function createInfluxdbProvider(deps: CredentialDeps & { http: HttpPort }): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.influxdb ?? {};
        const request = fluxRequest(await readProfile(deps, spec), spec.query ?? '');
        const { status, body } = await requestWithTimeout(deps.http, request.url, { method: 'POST', headers: request.headers, body: request.body }, TIMEOUT_MS);
        if (status < 200 || status > 299) throw httpError(status, body);
        const values = fluxValues(body);
        if (values.length === 0) throw new Error('no results returned from flux query');
        return concludeMeasurement(measurement, ctx, values, formatValues(values));
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
