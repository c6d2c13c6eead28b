// Small fakes of the analysis ports shared by the provider tests.
import type { SecretPort } from '../../controller/analysis/args.ts';
import type { HttpPort, HttpRequestInit } from '../../controller/http/client.ts';
import type { AnalysisRun } from '../../controller/analysis/types.ts';

export const T = Date.parse('2025-03-01T12:00:00Z');

export const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r', namespace: 'ns', uid: 'u' },
  spec: { metrics: [] },
};

export type RecordingHttp = HttpPort & { calls: { url: string; init: HttpRequestInit }[] };

// Answers every request with one canned response and remembers the requests.
export function cannedHttp(status: number, body: string): RecordingHttp {
  const calls: { url: string; init: HttpRequestInit }[] = [];
  const port = (async (url: string, init: HttpRequestInit = {}) => {
    calls.push({ url, init });
    return { status, text: async () => body };
  }) as RecordingHttp;
  port.calls = calls;
  return port;
}

// Secrets by `namespace/name`; reads are remembered.
export function fakeSecrets(secrets: Record<string, Record<string, string>>): SecretPort & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async get(namespace, name) {
      reads.push(`${namespace}/${name}`);
      return secrets[`${namespace}/${name}`];
    },
  };
}
