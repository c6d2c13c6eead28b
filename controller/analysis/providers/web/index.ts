// Web metric provider: one HTTP request, a JSONPath into the JSON response,
// the selected value handed to the conditions (Argo's webmetric provider).
import { evaluateResult } from '../../metric-conditions.ts';
import { formatTime } from '../../../api/kit.ts';
import { goJsonMarshal } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import type { OAuth2TokenSource } from '../oauth2.ts';
import { markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';
import { parseJsonPath } from './jsonpath.ts';

export const PROVIDER_TYPE = 'Web';
const DEFAULT_TIMEOUT_MS = 10_000;

export interface WebDeps {
  http: HttpPort;
  oauth2: OAuth2TokenSource;
}

export function createWebProvider(deps: WebDeps): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      const fail = (err: unknown) => markMeasurementError(measurement, err, ctx.now());
      const web = ctx.metric.provider.web;
      if (web === undefined) return fail(new Error(`metric '${ctx.metric.name}' has no web provider`));
      const method = (web.method || 'GET').toUpperCase();
      const hasBody = web.body !== undefined && web.body !== '';
      const hasJsonBody = web.jsonBody !== undefined && web.jsonBody !== null;
      if (hasBody && hasJsonBody) return fail(new Error('use either Body or JSONBody; both cannot exists for WebMetric payload'));
      if ((hasBody || hasJsonBody) && method === 'GET') {
        return fail(new Error('Body/JSONBody can only be used with POST or PUT WebMetric Method types'));
      }
      let jsonPath;
      try {
        jsonPath = parseJsonPath(web.jsonPath || '{$}');
      } catch (err) {
        return fail(err);
      }
      const headers: Record<string, string> = {};
      for (const h of web.headers ?? []) headers[h.key] = h.value;
      if (hasJsonBody) headers['Content-Type'] = 'application/json';
      const body = hasBody ? web.body : hasJsonBody ? JSON.stringify(web.jsonBody) : undefined;
      const timeout = web.timeoutSeconds && web.timeoutSeconds > 0 ? web.timeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS;

      const tls = { insecureSkipVerify: web.insecure ?? false };
      let response: { status: number; body: string };
      try {
        const oauth2 = web.authentication?.oauth2;
        if (oauth2?.tokenUrl) headers['Authorization'] = await deps.oauth2.authorization(oauth2, tls, timeout);
        response = await requestWithTimeout(deps.http, web.url, { method, headers, ...(body === undefined ? {} : { body }), tls }, timeout);
      } catch (err) {
        return fail(err);
      }
      if (response.status < 200 || response.status >= 300) {
        return fail(new Error(`received non 2xx response code: ${response.status}`));
      }
      let data: unknown;
      try {
        data = JSON.parse(response.body);
      } catch {
        // Argo records a body that is not JSON as the value and succeeds
        // without evaluating the conditions.
        return { ...measurement, phase: 'Successful', ...(response.body ? { value: response.body } : {}), finishedAt: formatTime(new Date(ctx.now())) };
      }
      let found: unknown[];
      try {
        found = jsonPath.find(data);
      } catch (err) {
        return fail(new Error(`Could not find JSONPath in body: ${(err as Error).message}`));
      }
      if (found.length === 0) return fail(new Error('result of web metric produced no value'));
      const result = found[0];
      const value = goJsonMarshal(result);
      const outcome = evaluateResult(result, ctx.metric);
      if (outcome.error !== undefined) return fail(new Error(outcome.error));
      return { ...measurement, phase: outcome.phase, value, finishedAt: formatTime(new Date(ctx.now())) };
    },
  };
}
