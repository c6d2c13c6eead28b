import type { SecretPort } from '../args.ts';
import { createDatadogProvider } from './datadog/index.ts';
import { createGraphiteProvider } from './graphite/index.ts';
import { createInfluxdbProvider } from './influxdb/index.ts';
import { createCloudWatchProvider } from './cloudwatch/index.ts';
import { createKayentaProvider } from './kayenta/index.ts';
import { createSkyWalkingProvider } from './skywalking/index.ts';
import { createJobProvider, type JobPort } from './job/index.ts';
import { createNewRelicProvider } from './newrelic/index.ts';
import { createPrometheusProvider } from './prometheus/index.ts';
import type { ProviderRegistry } from './registry.ts';
import { createWavefrontProvider } from './wavefront/index.ts';
import { createWebProvider } from './web/index.ts';
import type { HttpPort } from '../../http/client.ts';
import { createAwsCredentialSource, processAwsEnvironment, type AwsDeps, type AwsEnvironment } from './aws/index.ts';
import { createOAuth2TokenSource, type OAuth2TokenSource } from './oauth2.ts';

export type { MetricProvider, ProviderContext } from './provider.ts';
export { markMeasurementError } from './provider.ts';
export { providerFor, type ProviderRegistry } from './registry.ts';
export { nodeHttp, type HttpPort, type HttpRequestInit, type HttpResponse } from '../../http/client.ts';
export type { JobPort, ObservedJob, ObservedPod } from './job/index.ts';
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
  // Where AWS credentials and the region are read from (the process's own by default).
  awsEnvironment?: AwsEnvironment;
  now?(): number;
}

// The credentials providers share: OAuth2 tokens and assumed AWS roles are cached across metrics.
export function providerAuth(deps: Pick<ProviderDeps, 'http' | 'awsEnvironment' | 'now'>): { oauth2: OAuth2TokenSource; aws: AwsDeps } {
  const now = deps.now ?? Date.now;
  const environment = deps.awsEnvironment ?? processAwsEnvironment();
  return {
    oauth2: createOAuth2TokenSource({ http: deps.http, now }),
    aws: { environment, credentials: createAwsCredentialSource({ http: deps.http, aws: environment, now }) },
  };
}

export function createProviderRegistry(deps: ProviderDeps): ProviderRegistry {
  const { oauth2, aws } = providerAuth(deps);
  const credentials = { http: deps.http, secrets: deps.secrets, namespace: deps.controllerNamespace };
  return {
    prometheus: createPrometheusProvider({
      http: deps.http,
      oauth2,
      aws,
      ...(deps.prometheusAddress ? { defaultAddress: deps.prometheusAddress } : {}),
    }),
    web: createWebProvider({ http: deps.http, oauth2 }),
    job: createJobProvider(deps.jobs),
    graphite: createGraphiteProvider({ http: deps.http }),
    influxdb: createInfluxdbProvider(credentials),
    datadog: createDatadogProvider({ ...credentials, env: deps.env }),
    newRelic: createNewRelicProvider(credentials),
    wavefront: createWavefrontProvider(credentials),
    cloudWatch: createCloudWatchProvider({ http: deps.http, aws }),
    skywalking: createSkyWalkingProvider({ http: deps.http }),
    kayenta: createKayentaProvider({ http: deps.http }),
  };
}
