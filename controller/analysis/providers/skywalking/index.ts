// SkyWalking metric provider: the metric's GraphQL query posted to
// <address>/graphql with a `duration` variable covering the last interval
// (minute steps, as Argo sends it); the query's `data` reaches the conditions.
import { formatTime } from '../../../api/kit.ts';
import { parseGoDurationMillis } from '../../../api/duration.ts';
import { evaluateResult } from '../../metric-conditions.ts';
import { goJsonMarshal } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';

export const PROVIDER_TYPE = 'skywalking';
const QUERY_TIMEOUT_MS = 30_000;

// Go's "2006-01-02 1504" in the controller's local time zone, as Argo formats time.Now().
export function skywalkingTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}${pad(d.getMinutes())}`;
}

export function skywalkingRequest(query: string, intervalMs: number, now: number): string {
  return JSON.stringify({ query, variables: { duration: { start: skywalkingTime(now - intervalMs), end: skywalkingTime(now), step: 'MINUTE' } } });
}

interface GraphqlResponse {
  data?: unknown;
  errors?: { message?: string }[];
}

export function createSkyWalkingProvider(deps: { http: HttpPort }): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.skywalking;
        if (spec === undefined) throw new Error(`metric '${ctx.metric.name}' has no skywalking provider`);
        const interval = parseGoDurationMillis(spec.interval ?? '');
        const { status, body } = await requestWithTimeout(
          deps.http,
          `${spec.address ?? ''}/graphql`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json; charset=utf-8', Accept: 'application/json; charset=utf-8' },
            body: skywalkingRequest(spec.query ?? '', interval, ctx.now()),
          },
          QUERY_TIMEOUT_MS,
        );
        let parsed: GraphqlResponse;
        try {
          parsed = JSON.parse(body) as GraphqlResponse;
        } catch (err) {
          if (status !== 200) throw new Error(`graphql: server returned a non-200 status code: ${status}`);
          throw new Error(`decoding response: ${(err as Error).message}`);
        }
        if (parsed.errors && parsed.errors.length > 0) throw new Error(`graphql: ${parsed.errors[0]?.message ?? ''}`);
        const result = parsed.data;
        if (result === undefined || result === null) throw new Error('no results returned from SkyWalking query');
        const value = goJsonMarshal(result);
        const outcome = evaluateResult(result, ctx.metric);
        if (outcome.error !== undefined) throw new Error(outcome.error);
        return { ...measurement, phase: outcome.phase, value, finishedAt: formatTime(new Date(ctx.now())) };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
