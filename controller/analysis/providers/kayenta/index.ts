// Kayenta metric provider (Argo's flow): look the canary config's id up by
// name, start a canary execution with the scopes and thresholds, then poll it
// every 15s; the final score is Successful at or above `pass`, Inconclusive at
// or above `marginal`, Failed below.
import { formatTime } from '../../../api/kit.ts';
import { parseGoDurationMillis } from '../../../api/duration.ts';
import type { KayentaMetric } from '../../../api/provider-specs.ts';
import type { AnalysisPhase } from '../../../api/metric.ts';
import { formatGoFloatV } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { markMeasurementError, startMeasurement, type MetricProvider, type ProviderContext } from '../provider.ts';

export const PROVIDER_TYPE = 'Kayenta';
export const EXECUTION_ID_KEY = 'canaryExecutionId';
const RESUME_DELAY_MS = 15_000;
const TIMEOUT_MS = 15_000;

export interface KayentaDeps {
  http: HttpPort;
}

export function kayentaPhase(score: number, pass: number, marginal: number): AnalysisPhase {
  if (score >= pass) return 'Successful';
  if (score >= marginal) return 'Inconclusive';
  return 'Failed';
}

// RFC 3339 to the second, as Go's time.RFC3339 writes UTC.
const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** The body that starts a canary execution: one entry per scope, unset windows filled in. */
export function executionRequest(spec: KayentaMetric, ctx: { interval?: string; runStartedAt?: string }, now: number): unknown {
  const scopes: Record<string, unknown> = {};
  for (const scope of spec.scopes) {
    const control = { ...scope.controlScope };
    const experiment = { ...scope.experimentScope };
    if (!control.start !== !experiment.start) throw new Error('controlScope.start and experimentScope.start must both be set or be empty');
    if (!control.end !== !experiment.end) throw new Error('controlScope.end and experimentScope.end must both be set or be empty');
    if (!control.start) {
      let start: string;
      if (spec.lookback) {
        start = rfc3339(Date.parse(ctx.runStartedAt ?? '') || 0);
      } else {
        let interval: number;
        try {
          interval = parseGoDurationMillis(ctx.interval ?? '');
        } catch (err) {
          throw new Error(`Invalid duration ${JSON.stringify(ctx.interval ?? '')}: ${(err as Error).message}`);
        }
        start = rfc3339(now - interval);
      }
      control.start = experiment.start = start;
    }
    if (!control.end) control.end = experiment.end = rfc3339(now);
    const detail = (d: typeof control) => ({ scope: d.scope, location: d.region, step: d.step, ...(d.start ? { start: d.start } : {}), ...(d.end ? { end: d.end } : {}) });
    scopes[scope.name] = { controlScope: detail(control), experimentScope: detail(experiment) };
  }
  return { scopes, thresholds: { pass: spec.threshold.pass, marginal: spec.threshold.marginal } };
}

const q = encodeURIComponent;

async function configId(deps: KayentaDeps, spec: KayentaMetric): Promise<string> {
  // Argo looks the config up under the storage account name; kept so the same Kayenta answers alike.
  const url = `${spec.address}/canaryConfig?application=${q(spec.application)}&configurationAccountName=${q(spec.storageAccountName)}`;
  const { status, body } = await requestWithTimeout(deps.http, url, { method: 'GET' }, TIMEOUT_MS);
  if (status !== 200) throw new Error(`Invalid Response: HTTP ${status}`);
  const configs = JSON.parse(body) as { id?: string; name?: string }[];
  if (!Array.isArray(configs)) throw new Error('json: cannot unmarshal the canary configs: not an array');
  const found = configs.find((c) => c.name === spec.canaryConfigName);
  if (found === undefined) throw new Error('Canary config not found');
  return found.id ?? '';
}

function resumeAt(now: number): string {
  return formatTime(new Date(now + RESUME_DELAY_MS));
}

function specOf(ctx: ProviderContext): KayentaMetric {
  const spec = ctx.metric.provider.kayenta;
  if (spec === undefined) throw new Error(`metric '${ctx.metric.name}' has no kayenta provider`);
  return spec;
}

export function createKayentaProvider(deps: KayentaDeps): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = specOf(ctx);
        const id = await configId(deps, spec);
        const url =
          `${spec.address}/canary/${q(id)}?application=${q(spec.application)}&metricsAccountName=${q(spec.metricsAccountName)}` +
          `&configurationAccountName=${q(spec.configurationAccountName)}&storageAccountName=${q(spec.storageAccountName)}`;
        const request = executionRequest(spec, { ...(ctx.metric.interval ? { interval: ctx.metric.interval } : {}), ...(ctx.run.status?.startedAt ? { runStartedAt: ctx.run.status.startedAt } : {}) }, ctx.now());
        const { status, body } = await requestWithTimeout(deps.http, url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(request) }, TIMEOUT_MS);
        if (status !== 200) throw new Error('Invalid Response');
        const started = JSON.parse(body) as Record<string, unknown>;
        const raw = started[EXECUTION_ID_KEY];
        // Go's %v: a missing id prints as <nil>, a number as a float.
        const executionId = raw === undefined || raw === null ? '<nil>' : typeof raw === 'number' ? formatGoFloatV(raw) : String(raw);
        if (executionId === '') throw new Error('Invalid canaryExecutionId');
        return { ...measurement, phase: 'Running', metadata: { [EXECUTION_ID_KEY]: executionId }, resumeAt: resumeAt(ctx.now()) };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
    async resume(ctx, measurement) {
      try {
        const spec = specOf(ctx);
        const url = `${spec.address}/canary/${measurement.metadata?.[EXECUTION_ID_KEY] ?? ''}`;
        const { status, body } = await requestWithTimeout(deps.http, url, { method: 'GET' }, TIMEOUT_MS);
        if (status !== 200) throw new Error('Invalid Response');
        const execution = JSON.parse(body) as { complete?: unknown; result?: { judgeResult?: { score?: { score?: unknown } } } };
        if (typeof execution.complete !== 'boolean') throw new Error('Missing Complete Status');
        if (!execution.complete) return { ...measurement, phase: 'Running', resumeAt: resumeAt(ctx.now()) };
        const score = execution.result?.judgeResult?.score?.score;
        if (typeof score !== 'number') throw new Error('Missing Score');
        const whole = Math.trunc(score);
        return { ...measurement, value: String(whole), phase: kayentaPhase(whole, spec.threshold.pass, spec.threshold.marginal), finishedAt: formatTime(new Date(ctx.now())) };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
