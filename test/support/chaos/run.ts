/**
 * The chaos run (issue #21): N Rollouts of mixed strategies under continuous commands from several
 * clients while faults hit the controllers, their Lease and the apiserver on a seeded schedule; an
 * invariant checker watches throughout, then everything must settle once the faults stop.
 * `npm run chaos` (bench/chaos.ts) runs it in full; test/e2e/serial/chaos.test.ts runs it small.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../../controller/kube/client.ts';
import { ANALYSIS_TEMPLATES, INGRESSES, ISTIO_VIRTUAL_SERVICES, NAMESPACES, ROLLOUTS, SERVICES, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { restartApiserver } from '../../cluster/cluster.ts';
import { loadKubeConfig } from '../cluster.ts';
import { installIstioCrds } from '../crds.ts';
import { FaultProxy } from '../fault-proxy.ts';
import { startHttpFixture } from '../http-fixture.ts';
import { startPrometheus } from '../prometheus.ts';
import { ClusterChecker, type Violation } from './checker.ts';
import { ChaosClient, chooseCommand } from './clients.ts';
import { memoryGrowth, unreflected, unsettledReason, type CommandKind } from './invariants.ts';
import { ReplicaPair } from './replicas.ts';
import { FAULT_KINDS, faultSchedule, seededRandom, type FaultKind, type ScheduledFault } from './schedule.ts';
import { mergedCounter, mergedHistogram, quantile, type WaitFigures } from './summary.ts';
import { analysisTemplate, kindOf, rolloutName, SUCCESS_RATIOS, workload, type WorkloadKind } from './workload.ts';

export interface ChaosOptions {
  rollouts: number;
  durationMs: number;
  seed: number;
  /** Concurrent users sending commands. */
  clients: number;
  /** Commands a second, all clients together. */
  commandsPerSecond: number;
  /** Faults in the run (at least one of each kind). */
  faultSlots: number;
  /** How long everything may take to settle once the faults stop before that is a violation. */
  settleTimeoutMs: number;
  controllerArgs: string[];
  keepNamespace?: boolean;
  say(line: string): void;
}

export interface ChaosReport {
  namespace: string;
  options: Omit<ChaosOptions, 'say'>;
  loadBefore: number[];
  loadAfter: number[];
  initialConvergeSeconds: number;
  faults: Record<FaultKind, number>;
  proxy: { requests: number; delayed: number; throttled: number; injected: Record<number, number>; lostAnswers: number; watchesDropped: number };
  commands: { sent: Record<string, number>; failed: number; reflected: number };
  checks: Record<string, number>;
  violations: Violation[];
  settleSeconds: number;
  commandLatencySeconds: { count: number; p50: number; p90: number; p99: number; max: number };
  queueWait: Record<'command' | 'background', WaitFigures>;
  limiterWait: Record<'lease' | 'command' | 'background', WaitFigures>;
  retriedAfter: number;
  memory: Array<{ process: string; samples: number; firstMiB: number; peakMiB: number; lastMiB: number; growth: number }>;
  controllerProcesses: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function mapBounded<T>(items: readonly T[], parallel: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function createAll(client: KubeClient, ns: string, objects: readonly KubeObject[]): Promise<void> {
  const typeOf: Record<string, ResourceType> = { Service: SERVICES, Ingress: INGRESSES, VirtualService: ISTIO_VIRTUAL_SERVICES, Rollout: ROLLOUTS, AnalysisTemplate: ANALYSIS_TEMPLATES };
  await mapBounded(objects, 16, async (obj) => {
    const type = typeOf[obj.kind ?? ''];
    if (!type) throw new Error(`chaos: no resource type for ${obj.kind}`);
    await client.create(type, { ...obj, metadata: { ...obj.metadata, namespace: ns } });
  });
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const { say } = opts;
  const random = seededRandom(opts.seed);
  const admin = new KubeClient(loadKubeConfig());
  const ns = `chaos-${opts.seed}-${Date.now().toString(36)}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const loadBefore = loadavg();
  try {
    await admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (!opts.keepNamespace) cleanups.push(() => admin.delete(NAMESPACES, undefined, ns).catch(() => undefined));
    await installIstioCrds(admin);

    const fixture = await startHttpFixture();
    cleanups.push(() => fixture.close());
    fixture.setMetrics(['# TYPE app_success_ratio gauge', ...Object.entries(SUCCESS_RATIOS).map(([svc, v]) => `app_success_ratio{service="${svc}"} ${v}`), ''].join('\n'));
    const prometheus = await startPrometheus({ target: fixture.hostPort });
    cleanups.push(() => prometheus.stop());

    const kinds = new Map<string, WorkloadKind>();
    const objects: KubeObject[] = [analysisTemplate(prometheus.url)];
    for (let i = 0; i < opts.rollouts; i++) {
      kinds.set(rolloutName(i), kindOf(i));
      objects.push(...workload(i).objects);
    }
    const checker = new ClusterChecker(admin, ns, kinds);
    await checker.start();
    cleanups.push(() => checker.stop());
    say(`chaos: namespace ${ns}, seed ${opts.seed}: creating ${opts.rollouts} rollouts (${objects.length} objects)`);
    await createAll(admin, ns, objects);

    const proxy = FaultProxy.forTestCluster({ random });
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const kubeconfig = proxy.writeKubeconfig(join(mkdtempSync(join(tmpdir(), 'ramp-chaos-')), 'kubeconfig'));
    const pair = new ReplicaPair({ namespace: ns, kubeconfig, args: opts.controllerArgs, restartDelayMs: 2_000 });
    await pair.start();
    cleanups.push(() => pair.stop());

    const t0 = Date.now();
    const healthy = (): number => [...kinds.keys()].filter((n) => checker.view(n)?.status.phase === 'Healthy').length;
    for (;;) {
      if (healthy() === opts.rollouts) break;
      if (Date.now() - t0 > Math.max(300_000, opts.rollouts * 1_000)) throw new Error(`chaos: only ${healthy()}/${opts.rollouts} rollouts Healthy after ${Math.round((Date.now() - t0) / 1000)} s, before any fault`);
      await sleep(1_000);
    }
    const initialConvergeSeconds = (Date.now() - t0) / 1000;
    say(`chaos: all ${opts.rollouts} Healthy in ${initialConvergeSeconds.toFixed(0)} s; ${opts.durationMs / 1000} s of commands and faults follow`);

    // Commands and faults.
    let running = true;
    const sent: Record<string, number> = {};
    let failed = 0;
    const names = [...kinds.keys()];
    const interval = (1000 * opts.clients) / opts.commandsPerSecond;
    const users = Array.from({ length: opts.clients }, () => new ChaosClient(ns));
    cleanups.push(async () => users.forEach((u) => u.close()));
    const loops = users.map(async (user) => {
      while (running) {
        await sleep(interval * (0.5 + random()));
        const name = names[Math.floor(random() * names.length)]!;
        const view = checker.view(name);
        if (!running || !view || checker.hasPending(name)) continue;
        const kind: CommandKind | undefined = chooseCommand(kinds.get(name)!, view, random);
        if (!kind) continue;
        const outcome = await user.send(name, kind, view);
        if (outcome.command) {
          sent[kind] = (sent[kind] ?? 0) + 1;
          checker.record(outcome.command, outcome.promotedHash);
        } else failed += 1;
      }
    });
    const sampler = (async () => {
      while (running) {
        checker.sweep();
        await pair.sample();
        await sleep(2_000);
      }
    })();

    const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
    const inject = async (f: ScheduledFault): Promise<void> => {
      faults[f.kind] += 1;
      say(`chaos: +${Math.round((Date.now() - tStart) / 1000)} s fault ${f.kind}${f.forMs ? ` for ${Math.round(f.forMs / 1000)} s` : ''}`);
      switch (f.kind) {
        case 'controller-kill':
          await pair.end((await pair.leader(admin)) ?? 'a', 'SIGKILL');
          return;
        case 'leader-failover':
          await pair.end((await pair.leader(admin)) ?? 'b', 'SIGTERM');
          return;
        case 'apiserver-restart':
          await restartApiserver({ downMs: 3_000 });
          return;
        case 'drop-watches':
          proxy.dropWatches();
          return;
        case 'latency':
          proxy.delay({ minMs: 100, maxMs: 2_000, share: 0.5 });
          break;
        case 'conflicts':
          proxy.failWrites({ status: 409, every: 4 });
          break;
        case 'throttle':
          proxy.throttle({ every: 5, retryAfterSeconds: 1 });
          break;
        case 'server-errors':
          proxy.failWrites({ status: [500, 503], every: 5 }, { status: 503, every: 7, afterForward: true });
          break;
      }
      await sleep(f.forMs ?? 0);
      proxy.delay(undefined);
      proxy.throttle(undefined);
      proxy.failWrites();
    };
    const tStart = Date.now();
    const progress = setInterval(() => {
      const latencies = checker.latencies();
      say(`chaos: +${Math.round((Date.now() - tStart) / 1000)} s: ${checker.commands.length} commands (${checker.waitingCommands()} waiting, p50 ${(quantile(latencies, 0.5) / 1000).toFixed(1)} s), ${healthy()} Healthy, ${checker.violations.length} violations`);
    }, 15_000);
    cleanups.push(async () => clearInterval(progress));
    for (const f of faultSchedule(random, opts.durationMs, opts.faultSlots)) {
      const wait = tStart + f.at - Date.now();
      if (wait > 0) await sleep(wait);
      await inject(f);
    }
    const leftMs = tStart + opts.durationMs - Date.now();
    if (leftMs > 0) await sleep(leftMs);
    running = false;
    await Promise.all(loops);
    await pair.settled();
    say(`chaos: faults and commands stopped after ${Math.round((Date.now() - tStart) / 1000)} s; waiting for every rollout to settle`);

    // Settle: every Rollout where its last command left it, every command reflected.
    const tStop = Date.now();
    const unsettled = (): string[] => names.filter((n) => {
      const v = checker.view(n);
      return !v || unsettledReason(v) !== undefined || checker.hasPending(n);
    });
    let settleSeconds = NaN;
    for (;;) {
      checker.sweep();
      const left = unsettled();
      if (left.length === 0) {
        settleSeconds = (Date.now() - tStop) / 1000;
        break;
      }
      if (Date.now() - tStop > opts.settleTimeoutMs) {
        for (const n of left) {
          const v = checker.view(n);
          checker.violations.push({ invariant: 'settled', subject: `${ns}/${n}`, message: v ? unsettledReason(v) ?? 'a command still waits' : 'gone', at: Date.now() });
        }
        break;
      }
      await sleep(1_000);
    }
    await sampler;
    await pair.sample();
    checker.sweep();
    for (const f of unreflected(checker.commands, checker.reflectedAt)) checker.violations.push({ ...f, at: Date.now() });
    const memory = [...pair.memory.entries()].map(([process, samples]) => {
      const m = memoryGrowth(process, samples);
      if (m.finding) checker.violations.push({ ...m.finding, at: Date.now() });
      const mib = (b: number): number => b / 2 ** 20;
      return { process, samples: samples.length, firstMiB: mib(samples[0]?.rssBytes ?? NaN), peakMiB: mib(Math.max(...samples.map((s) => s.rssBytes))), lastMiB: mib(samples.at(-1)?.rssBytes ?? NaN), growth: m.growth };
    });
    const latencies = checker.latencies().map((ms) => ms / 1000);
    const metrics = [...pair.lastMetrics.values()];
    const queue = (lane: string): WaitFigures => mergedHistogram(metrics, 'workqueue_queue_duration_seconds', { name: 'rollout', lane });
    const limiter = (lane: string): WaitFigures => mergedHistogram(metrics, 'ramp_client_rate_limiter_wait_seconds', { lane });
    return {
      namespace: ns,
      options: { rollouts: opts.rollouts, durationMs: opts.durationMs, seed: opts.seed, clients: opts.clients, commandsPerSecond: opts.commandsPerSecond, faultSlots: opts.faultSlots, settleTimeoutMs: opts.settleTimeoutMs, controllerArgs: opts.controllerArgs },
      loadBefore,
      loadAfter: loadavg(),
      initialConvergeSeconds,
      faults,
      proxy: { requests: proxy.stats.requests, delayed: proxy.stats.delayed, throttled: proxy.stats.throttled, injected: proxy.stats.injected, lostAnswers: proxy.stats.lostAnswers.length, watchesDropped: proxy.stats.watchesDropped },
      commands: { sent, failed, reflected: checker.reflectedAt.size },
      checks: Object.fromEntries(checker.checks),
      violations: checker.violations,
      settleSeconds,
      commandLatencySeconds: { count: latencies.length, p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), p99: quantile(latencies, 0.99), max: quantile(latencies, 1) },
      queueWait: { command: queue('command'), background: queue('background') },
      limiterWait: { lease: limiter('lease'), command: limiter('command'), background: limiter('background') },
      retriedAfter: mergedCounter(metrics, 'ramp_client_retry_after_total'),
      memory,
      controllerProcesses: pair.processes(),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    admin.close();
  }
}
