/**
 * The bench's effectful edge: the local control plane (started when none runs), the CRDs, the
 * controller as a separate process (test/support/controller.ts) and its /metrics, and a
 * watch-backed view of objects that notices a condition as soon as the apiserver reports it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as k8s from '@kubernetes/client-node';
import { down, isRunning, readState, up } from '../../test/cluster/cluster.ts';
import { binDir, kubeconfigPath, repoRoot } from '../../test/cluster/layout.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { systemClock } from '../../controller/kube/clock.ts';
import { Informer, kubeListWatch } from '../../controller/kube/informer.ts';
import { EVENTS, type KubeObject, type ResourceType } from '../../controller/kube/resources.ts';
import { createLogger } from '../../controller/runtime/logger.ts';
import { startController, type RunningController } from '../../test/support/controller.ts';
import { parsePrometheus, type Sample } from './prom.ts';

export type Say = (line: string) => void;

export interface BenchCluster {
  kubeconfig: string;
  client: KubeClient;
  core: k8s.CoreV1Api;
  /** True when the bench started the control plane (and so stops it). */
  started: boolean;
  stop(): Promise<void>;
}

function kubectl(args: string[]): boolean {
  return spawnSync(`${binDir()}/kubectl`, ['--kubeconfig', kubeconfigPath(), ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
}

/** Reuses a running control plane or starts one, and installs the CRDs (server-side apply). */
export async function openCluster(say: Say): Promise<BenchCluster> {
  const running = isRunning(readState());
  if (!running) say('starting the local control plane (npm run cluster -- up)');
  else say('reusing the running local control plane');
  await up();
  if (!kubectl(['apply', '--server-side', '--force-conflicts', '-k', 'crds/'])) throw new Error('bench: installing the CRDs from crds/ failed (kubectl output above)');
  const crds = ['rollout', 'analysisrun', 'analysistemplate', 'clusteranalysistemplate'].flatMap((k) => ['-f', `crds/${k}-crd.yaml`]);
  let established = false;
  for (let attempt = 0; attempt < 20 && !established; attempt++) {
    established = kubectl(['wait', '--for', 'condition=established', '--timeout=60s', ...crds]);
    if (!established) await sleep(500);
  }
  if (!established) throw new Error('bench: the CRDs did not become Established within the timeout; see the apiserver log in .ramp/cluster/logs');
  process.env.RAMP_KUBECONFIG = kubeconfigPath();
  const kc = loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] });
  const client = new KubeClient(kc);
  return {
    kubeconfig: kubeconfigPath(),
    client,
    core: kc.makeApiClient(k8s.CoreV1Api),
    started: !running,
    stop: async () => {
      client.close();
      if (!running) await down();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function createNamespace(cluster: BenchCluster, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await cluster.core.createNamespace({ body: { metadata: { name, labels: { 'ramp.bench': 'true' } } } });
  return name;
}

export async function deleteNamespace(cluster: BenchCluster, name: string): Promise<void> {
  await cluster.core.deleteNamespace({ name }).catch(() => undefined);
}

/**
 * Deletes the namespace and waits (up to 10 minutes) until it is gone, so that the control plane's
 * garbage collection of thousands of objects does not run under the next controller measured.
 */
export async function deleteNamespaceAndWait(cluster: BenchCluster, name: string, say: Say): Promise<void> {
  await deleteNamespace(cluster, name);
  const t0 = performance.now();
  while (performance.now() - t0 < 600_000) {
    const gone = await cluster.core.readNamespace({ name }).then(() => false, (err: unknown) => (err as { code?: number }).code === 404);
    if (gone) {
      say(`namespace ${name} deleted in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      return;
    }
    await sleep(2_000);
  }
  say(`namespace ${name} still terminating after 600 s; going on`);
}

/** Occurrences (sum of count) of the Events recorded on Rollouts in a namespace. */
export async function rolloutEventOccurrences(cluster: BenchCluster, namespace: string): Promise<number> {
  const events = (await cluster.client.listAll<KubeObject & { count?: number; involvedObject?: { kind?: string } }>(EVENTS, { namespace })).items;
  return events.filter((e) => e.involvedObject?.kind === 'Rollout').reduce((n, e) => n + (e.count ?? 1), 0);
}

/**
 * The controller process watching one namespace, logging at info (debug costs CPU at scale),
 * compiled unless the start-up scenario asks for the TypeScript sources.
 */
export function benchController(namespace: string, name: string, args: readonly string[] = [], runtime: 'compiled' | 'source' = 'compiled'): Promise<RunningController> {
  return startController({ namespace, name: `bench-${name}`, args: ['--log-level=info', ...args], runtime });
}

export async function scrape(controller: RunningController): Promise<Sample[]> {
  const res = await fetch(controller.metricsUrl);
  if (!res.ok) throw new Error(`bench: GET ${controller.metricsUrl} answered ${res.status}`);
  return parsePrometheus(await res.text());
}

/**
 * A bench-side informer over one kind in one namespace. `until` resolves with the moment
 * (performance.now()) the first cached object satisfies the predicate, checked on every event.
 */
export class Watched<T extends KubeObject> {
  private readonly informer: Informer<T>;
  private readonly waiters = new Set<() => void>();

  constructor(client: KubeClient, type: ResourceType, namespace: string) {
    this.informer = new Informer<T>({
      name: `bench ${type.plural}`,
      source: kubeListWatch<T>(client, type, { namespace }),
      clock: systemClock,
      logger: createLogger('warn'),
      resyncMs: 0,
    });
    const wake = (): void => {
      for (const w of [...this.waiters]) w();
    };
    this.informer.addHandlers({ add: wake, update: wake, delete: wake });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync(AbortSignal.timeout(120_000));
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  list(): T[] {
    return this.informer.list();
  }

  get(name: string): T | undefined {
    return this.informer.list().find((o) => o.metadata?.name === name);
  }

  /** `signal` gives up waiting (rejecting with its reason), e.g. once another watch saw the change. */
  until(what: string, check: (items: T[]) => boolean, timeoutMs = 120_000, signal?: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      const finish = (): void => {
        this.waiters.delete(test);
        clearTimeout(timer);
        signal?.removeEventListener('abort', abort);
      };
      const abort = (): void => {
        finish();
        reject(signal?.reason);
      };
      const test = (): void => {
        let ok = false;
        try {
          ok = check(this.informer.list());
        } catch {
          ok = false;
        }
        if (ok) {
          finish();
          resolve(performance.now());
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`bench: timed out after ${timeoutMs / 1000}s waiting for ${what}`));
      }, timeoutMs);
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort);
      this.waiters.add(test);
      test();
    });
  }
}

/**
 * The moment (performance.now()) a condition over several watches first holds: each watch checks
 * it on its own events, so the one delivering the last change ends the wait; the others stop.
 */
export type Waitable = Pick<Watched<KubeObject>, 'until'>;

export async function untilAny(what: string, watches: readonly Waitable[], check: () => boolean, timeoutMs = 120_000): Promise<number> {
  const done = new AbortController();
  const waits = watches.map((w) => w.until(what, check, timeoutMs, done.signal));
  try {
    return await Promise.race(waits);
  } finally {
    done.abort(new Error(`bench: ${what} seen by another watch`));
    await Promise.allSettled(waits);
  }
}
