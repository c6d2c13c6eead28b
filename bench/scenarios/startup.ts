/**
 * Start-up: the controller started several times over an empty namespace, compiled (dist/, as the
 * image and the tests run it) and from its TypeScript sources through tsx (what the compile saves):
 * the time from spawning the process until /healthz answers and until /readyz says the caches are
 * synced, and the resident and heap memory once it has settled.
 */
import { performance } from 'node:perf_hooks';
import type { RunningController } from '../../test/support/controller.ts';
import { benchController, createNamespace, deleteNamespace, scrape, sleep, type BenchCluster, type Say } from '../support/env.ts';
import { valueOf } from '../support/prom.ts';
import type { Figure } from '../support/report.ts';
import { summarize } from '../support/stats.ts';

export interface StartupOptions {
  /** Starts per runtime. */
  starts: number;
  /** How long the process idles after /readyz before its memory is read. */
  settleSeconds: number;
}

const RUNTIMES = [
  { runtime: 'compiled', label: 'compiled (node dist/controller.js)' },
  { runtime: 'source', label: 'TypeScript through tsx (node --import tsx controller/main.ts)' },
] as const;

const MiB = 1024 * 1024;

async function untilReady(controller: RunningController): Promise<void> {
  for (;;) {
    const res = await fetch(`${controller.healthzUrl}/readyz`).catch(() => undefined);
    if (res?.ok) return;
    await sleep(20);
  }
}

interface Start {
  healthzMs: number;
  readyMs: number;
  rssMiB: number;
  heapMiB: number;
}

async function startOnce(namespace: string, runtime: 'compiled' | 'source', settleSeconds: number): Promise<Start> {
  const t0 = performance.now();
  const controller = await benchController(namespace, `startup-${runtime}`, [], runtime);
  try {
    const healthzMs = performance.now() - t0;
    await untilReady(controller);
    const readyMs = performance.now() - t0;
    await sleep(settleSeconds * 1000);
    const samples = await scrape(controller);
    return {
      healthzMs,
      readyMs,
      rssMiB: (valueOf(samples, 'process_resident_memory_bytes') ?? NaN) / MiB,
      heapMiB: (valueOf(samples, 'nodejs_heap_size_used_bytes') ?? NaN) / MiB,
    };
  } finally {
    await controller.stop();
  }
}

export async function runStartup(cluster: BenchCluster, opts: StartupOptions, figures: Figure[], say: Say): Promise<void> {
  const namespace = await createNamespace(cluster, 'bench-startup');
  try {
    for (const { runtime, label } of RUNTIMES) {
      const starts: Start[] = [];
      // Alternating would be fairer under a changing load, but tsx's compile cache is warmed by its
      // first start either way; the starts of one runtime run back to back and the median is kept.
      for (let i = 0; i < opts.starts; i++) starts.push(await startOnce(namespace, runtime, opts.settleSeconds));
      const healthz = summarize(starts.map((s) => s.healthzMs));
      const ready = summarize(starts.map((s) => s.readyMs));
      const rss = summarize(starts.map((s) => s.rssMiB));
      const heap = summarize(starts.map((s) => s.heapMiB));
      say(`startup ${runtime}: /healthz p50 ${Math.round(healthz.p50)} ms, ready p50 ${Math.round(ready.p50)} ms, RSS p50 ${rss.p50.toFixed(0)} MiB`);
      const note = `${label}, median of ${starts.length} starts (min ${Math.round(ready.min)} ms, max ${Math.round(ready.max)} ms to ready)`;
      figures.push(
        { section: 'startup', name: `${runtime}: spawn → /healthz answers`, value: healthz.p50, unit: 'ms', note },
        { section: 'startup', name: `${runtime}: spawn → /readyz (caches synced)`, value: ready.p50, unit: 'ms', note },
        { section: 'startup', name: `${runtime}: RSS with no rollouts`, value: rss.p50, unit: 'MiB', note: `${opts.settleSeconds} s after ready; min ${rss.min.toFixed(0)}, max ${rss.max.toFixed(0)}` },
        { section: 'startup', name: `${runtime}: heap used with no rollouts`, value: heap.p50, unit: 'MiB' },
      );
    }
  } finally {
    await deleteNamespace(cluster, namespace);
  }
}
