import { createJobProvider, type JobPort } from './job/index.ts';
import { createPrometheusProvider } from './prometheus/index.ts';
import type { ProviderRegistry } from './registry.ts';
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
}

export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  return {
    prometheus: createPrometheusProvider({
      http: deps.http,
      ...(deps.prometheusAddress ? { defaultAddress: deps.prometheusAddress } : {}),
    }),
    web: createWebProvider({ http: deps.http }),
    job: createJobProvider(deps.jobs),
  };
}
