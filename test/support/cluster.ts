import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

/** The admin kubeconfig of the control plane the test runner started (see scripts/run-tests.mjs). */
export function kubeconfigPath(): string {
  const path = process.env.RAMP_KUBECONFIG;
  if (!path || !existsSync(path)) {
    throw new Error('no local control plane: run e2e tests through `make test` or `npm run test:e2e`, or start one with `npm run cluster -- up` and set RAMP_KUBECONFIG');
  }
  return path;
}

export function loadKubeConfig(path = kubeconfigPath()): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

export interface TestClients {
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  objects: k8s.KubernetesObjectApi;
}

export function clients(kc = loadKubeConfig()): TestClients {
  return {
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
  };
}

/** A fresh namespace for one test; deleted (without waiting) when the test ends. */
export async function testNamespace(t: { after: (fn: () => Promise<void>) => void; name: string }, c = clients()): Promise<string> {
  const slug = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const name = `${slug || 'test'}-${randomBytes(3).toString('hex')}`.replace(/^-/, '');
  await c.core.createNamespace({ body: { metadata: { name, labels: { 'ramp.test/e2e': 'true' } } } });
  t.after(async () => {
    if (process.env.RAMP_KEEP_NAMESPACES === '1') return;
    await c.core.deleteNamespace({ name }).catch(() => undefined);
  });
  return name;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined/false); fails naming what it waited for and the last value seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}
