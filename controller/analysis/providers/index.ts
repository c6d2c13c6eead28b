import type { SecretPort } from '../args.ts';
import { createDatadogProvider } from './datadog/index.ts';
import { createGraphiteProvider } from './graphite/index.ts';
import { createInfluxdbProvider } from './influxdb/index.ts';
import { createJobProvider, type JobPort } from './job/index.ts';
import { createNewRelicProvider } from './newrelic/index.ts';
import { createPrometheusProvider } from './prometheus/index.ts';
import type { ProviderRegistry } from './registry.ts';
import { createWavefrontProvider } from './wavefront/index.ts';
import { createWebProvider } from './web/index.ts';
import type { HttpPort } from './http.ts';

export type { MetricProvider, ProviderContext } from './provider.ts';
export { markMeasurementError } from './provider.ts';
export { providerFor, type ProviderRegistry } from './registry.ts';
export { nodeHttp, type HttpPort, type HttpRequestInit, type HttpResponse } from './http.ts';
export type { JobPort, ObservedJob } from './job/index.ts';
export { renderJob, jobName, type JobObject } from './job/render.ts';

export interface ProviderDeps {
  http: HttpPort;
  jobs: JobPort;
  prometheusAddress?: string;
  // Provider credentials (Datadog, New Relic, InfluxDB, Wavefront) are Secrets in the controller's namespace.
  secrets: SecretPort;
  controllerNamespace: string;
  // Datadog also takes its keys from DD_API_KEY, DD_APP_KEY and DD_ADDRESS.
  env: Readonly<Record<string, string | undefined>>;
}

export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  const credentials = { http: deps.http, secrets: deps.secrets, namespace: deps.controllerNamespace };
  return {
    prometheus: createPrometheusProvider({
      http: deps.http,
      ...(deps.prometheusAddress ? { defaultAddress: deps.prometheusAddress } : {}),
    }),
    web: createWebProvider({ http: deps.http }),
    job: createJobProvider(deps.jobs),
    graphite: createGraphiteProvider({ http: deps.http }),
    influxdb: createInfluxdbProvider(credentials),
    datadog: createDatadogProvider({ ...credentials, env: deps.env }),
    newRelic: createNewRelicProvider(credentials),
    wavefront: createWavefrontProvider(credentials),
  };
}
