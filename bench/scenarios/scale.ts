/**
 * Scale: N rollouts (basic canary, replicas 1) created with bounded parallelism in one namespace
 * watched by one controller; per rollout count, the time to converge, reconcile durations from
 * the controller's rollout_reconcile histogram, queue depth, memory and CPU at steady state, and
 * the writes it sends while nothing changes (which must be none). Then a controller restart and
 * a soak of continuous rollouts.
 */
import { performance } from 'node:perf_hooks';
import type { RunningController } from '../../test/support/controller.ts';
import { ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { canaryRollout, type RolloutLike } from '../../test/support/rollouts.ts';
import { benchController, createNamespace, deleteNamespace, sleep, Watched, type BenchCluster, type Say } from '../support/env.ts';
import { beyondTopBucket, histogramDelta, histogramOf, histogramQuantile, requestCounts, requestDelta, sumOf, valueOf, type Histogram, type RequestCounts, type Sample } from '../support/prom.ts';
import { parsePrometheus } from '../support/prom.ts';
import type { Figure, ScalePoint } from '../support/report.ts';
import { mapBounded, slope } from '../support/stats.ts';

export interface ScaleOptions {
  counts: number[];
  /** Seconds of idle measurement per rollout count. */
  idleSeconds: number;
  /** Restart the controller once this many rollouts exist. */
  restartAt: number;
  soakSeconds: number;
  createParallelism: number;
  /** Extra controller flags, e.g. --workers=30. */
  controllerArgs?: readonly string[];
  /** Called once when this many rollouts are Healthy (the dashboard is measured there). */
  dashboardAt?: { count: number; run: (namespace: string, names: string[]) => Promise<void> };
}

/** Where results go as they are measured, so a later failure keeps them. */
export interface ScaleSink {
  figures: Figure[];
  points: ScalePoint[];
  notes: string[];
}

const MiB = 1024 * 1024;
const name = (i: number): string => `r-${String(i).padStart(5, '0')}`;

function rollout(n: string, image: string): KubeObject {
  return canaryRollout(n, {}, { replicas: 1, revisionHistoryLimit: 1, image });
}

const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash &&
  ro.status.observedGeneration === String((ro.metadata as { generation?: number } | undefined)?.generation);

interface Scrape {
  samples: Sample[];
  bytes: number;
  at: number;
}

async function scrapeSized(controller: RunningController): Promise<Scrape> {
  const res = await fetch(controller.metricsUrl);
  if (!res.ok) throw new Error(`bench: GET ${controller.metricsUrl} answered ${res.status}`);
  const text = await res.text();
  return { samples: parsePrometheus(text), bytes: Buffer.byteLength(text), at: performance.now() };
}

const reconciles = (s: Scrape): Histogram => histogramOf(s.samples, 'rollout_reconcile');
const depth = (s: Scrape): number => valueOf(s.samples, 'workqueue_depth', { name: 'rollout' }) ?? 0;
const rss = (s: Scrape): number => (valueOf(s.samples, 'process_resident_memory_bytes') ?? NaN) / MiB;
const heap = (s: Scrape): number => (valueOf(s.samples, 'nodejs_heap_size_used_bytes') ?? NaN) / MiB;
const cpu = (s: Scrape): number => sumOf(s.samples, 'process_cpu_seconds_total');

/** Scrapes every `everyMs` until `done` holds; returns the last scrape and the deepest queue seen. */
async function pollUntil(controller: RunningController, what: string, done: (s: Scrape) => boolean, timeoutMs: number, everyMs = 1_000): Promise<{ last: Scrape; maxDepth: number }> {
  const deadline = performance.now() + timeoutMs;
  let maxDepth = 0;
  for (;;) {
    const s = await scrapeSized(controller);
    maxDepth = Math.max(maxDepth, depth(s));
    if (done(s)) return { last: s, maxDepth };
    if (performance.now() > deadline) throw new Error(`bench: timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function runScale(cluster: BenchCluster, opts: ScaleOptions, sink: ScaleSink, say: Say): Promise<void> {
  const ns = await createNamespace(cluster, 'bench-scale');
  const rollouts = new Watched<RolloutLike>(cluster.client, ROLLOUTS, ns);
  await rollouts.start();
  let controller = await benchController(ns, 'scale', opts.controllerArgs);
  const { figures, points, notes } = sink;
  const countHealthy = (): number => rollouts.list().filter(healthy).length;
  let created = 0;
  try {
    await pollUntil(controller, 'the controller to start its workers', (s) => valueOf(s.samples, 'workqueue_depth', { name: 'rollout' }) !== undefined, 60_000);
    await sleep(3_000);
    const baseline = await scrapeSized(controller);
    figures.push(
      { section: 'memory', name: 'RSS with no rollouts', value: rss(baseline), unit: 'MiB', note: 'the compiled controller process (dist/controller.js), after start-up' },
      { section: 'memory', name: 'heap used with no rollouts', value: heap(baseline), unit: 'MiB' },
    );
    for (const target of opts.counts) {
      const start = await scrapeSized(controller);
      const t0 = performance.now();
      const fresh = Array.from({ length: target - created }, (_, k) => name(created + k));
      await mapBounded(fresh, opts.createParallelism, async (n) => {
        await cluster.client.create(ROLLOUTS, { ...rollout(n, 'registry.local/app:v1'), metadata: { name: n, namespace: ns } } as never);
      });
      const tCreated = performance.now();
      created = target;
      say(`  ${target} rollouts: created in ${((tCreated - t0) / 1000).toFixed(1)} s; waiting for all Healthy`);
      let maxDepth = 0;
      const deadline = t0 + Math.max(300_000, target * 600);
      for (;;) {
        const s = await scrapeSized(controller);
        maxDepth = Math.max(maxDepth, depth(s));
        if (countHealthy() >= target && depth(s) === 0) break;
        if (performance.now() > deadline) throw new Error(`bench: ${countHealthy()}/${target} rollouts Healthy after ${Math.round((performance.now() - t0) / 1000)}s`);
        await sleep(1_000);
      }
      const tConverged = performance.now();
      const converged = await scrapeSized(controller);
      const window = histogramDelta(reconciles(start), reconciles(converged));
      const creationWrites = requestDelta(requestCounts(start.samples), requestCounts(converged.samples));
      // Steady state: let trailing passes finish, then measure an idle window.
      await sleep(3_000);
      const idleStart = await scrapeSized(controller);
      await sleep(opts.idleSeconds * 1000);
      const idleEnd = await scrapeSized(controller);
      const idle: RequestCounts = requestDelta(requestCounts(idleStart.samples), requestCounts(idleEnd.samples));
      const minutes = (idleEnd.at - idleStart.at) / 60_000;
      const idleCpu = (cpu(idleEnd) - cpu(idleStart)) / ((idleEnd.at - idleStart.at) / 1000);
      const point: ScalePoint = {
        rollouts: target,
        reconcileP50Ms: histogramQuantile(window, 0.5) * 1000,
        reconcileP99Ms: histogramQuantile(window, 0.99) * 1000,
        reconcileMeanMs: window.count > 0 ? (window.sum / window.count) * 1000 : NaN,
        maxQueueDepth: maxDepth,
        convergeSeconds: (tConverged - t0) / 1000,
        rssMiB: rss(idleEnd),
        heapUsedMiB: heap(idleEnd),
      };
      points.push(point);
      const added = fresh.length;
      const at = `${target} rollouts`;
      figures.push(
        { section: 'scale', name: `converge after creating ${added} (${at})`, value: point.convergeSeconds, unit: 's', note: `create requests took ${((tCreated - t0) / 1000).toFixed(1)} s at parallelism ${opts.createParallelism}` },
        { section: 'scale', name: `reconcile p50 (${at})`, value: point.reconcileP50Ms, unit: 'ms', note: `${window.count} passes while converging; interpolated in Argo's buckets` },
        { section: 'scale', name: `reconcile p99 (${at})`, value: point.reconcileP99Ms, unit: 'ms', note: `${beyondTopBucket(window, 0.99) ? 'at least: beyond the top 1 s bucket; ' : ''}mean ${point.reconcileMeanMs.toFixed(1)} ms (exact: sum/count)` },
        { section: 'scale', name: `max queue depth (${at})`, value: maxDepth, unit: 'keys', note: 'workqueue_depth{name="rollout"}, sampled every ~1 s' },
        { section: 'api', name: `writes per created rollout (${at})`, value: creationWrites.writes / added, unit: 'requests', note: `reads ${(creationWrites.reads / added).toFixed(2)} per rollout` },
        { section: 'api', name: `idle writes (${at})`, value: idle.writes / minutes, unit: 'per minute', note: `over ${Math.round(minutes * 60)} s; ${idle.reads / minutes} reads/min` },
        { section: 'memory', name: `RSS at steady state (${at})`, value: point.rssMiB, unit: 'MiB', note: 'process_resident_memory_bytes' },
        { section: 'memory', name: `heap used at steady state (${at})`, value: point.heapUsedMiB, unit: 'MiB', note: 'nodejs_heap_size_used_bytes' },
        { section: 'memory', name: `idle CPU (${at})`, value: idleCpu * 100, unit: '% of a core', note: 'process_cpu_seconds_total over the idle window' },
        { section: 'memory', name: `/metrics size (${at})`, value: idleEnd.bytes / 1024, unit: 'KiB', note: 'one scrape' },
      );
      say(`  ${target} rollouts: converged in ${point.convergeSeconds.toFixed(1)} s, reconcile p99 ${point.reconcileP99Ms.toFixed(0)} ms, RSS ${point.rssMiB.toFixed(0)} MiB, idle writes ${idle.writes}`);
      if (points.length === 1) notes.push(`Requests while creating the first ${added} rollouts: ${JSON.stringify(creationWrites.byVerbAndKind)}.`);
      if (idle.writes > 0) notes.push(`Idle writes at ${target} rollouts: ${JSON.stringify(idle.byVerbAndKind)}.`);

      if (opts.dashboardAt && opts.dashboardAt.count === target) {
        await opts.dashboardAt.run(ns, Array.from({ length: target }, (_, i) => name(i)));
      }

      if (target === opts.restartAt) {
        await controller.stop();
        const r0 = performance.now();
        controller = await benchController(ns, 'scale-restarted', opts.controllerArgs);
        const tHealthz = performance.now();
        const { last, maxDepth: restartDepth } = await pollUntil(controller, `the restarted controller to reconcile all ${target} rollouts`,
          (s) => reconciles(s).count >= target && depth(s) === 0, Math.max(300_000, target * 300));
        const tDone = performance.now();
        const restartRequests = requestCounts(last.samples);
        figures.push(
          { section: 'scale', name: `restart → converged (${at})`, value: (tDone - r0) / 1000, unit: 's', note: `process start → every rollout reconciled once, queue empty; /healthz after ${((tHealthz - r0) / 1000).toFixed(1)} s` },
          { section: 'scale', name: `max queue depth after restart (${at})`, value: restartDepth, unit: 'keys' },
          { section: 'api', name: `writes while restarting (${at})`, value: restartRequests.writes, unit: 'requests', note: `reads ${restartRequests.reads} (lists, paged by 500), watches ${restartRequests.watches}` },
        );
        say(`  restart with ${target} rollouts: converged in ${((tDone - r0) / 1000).toFixed(1)} s, ${restartRequests.writes} writes`);
        if (restartRequests.writes > 0) notes.push(`Writes while restarting with ${target} rollouts: ${JSON.stringify(restartRequests.byVerbAndKind)}.`);
      }
    }

    // Soak: continuous image updates over the live rollouts, memory sampled as it goes.
    const soakStart = await scrapeSized(controller);
    const samples: Array<{ x: number; rss: number; heap: number }> = [{ x: 0, rss: rss(soakStart), heap: heap(soakStart) }];
    const t0 = performance.now();
    const endAt = t0 + opts.soakSeconds * 1000;
    let completed = 0;
    let next = 0;
    const sampler = (async () => {
      while (performance.now() < endAt) {
        await sleep(5_000);
        const s = await scrapeSized(controller);
        samples.push({ x: (s.at - t0) / 1000, rss: rss(s), heap: heap(s) });
      }
    })();
    const worker = async (): Promise<void> => {
      while (performance.now() < endAt) {
        const n = name(next++ % created);
        const image = `registry.local/app:soak-${next}`;
        await cluster.client.mergePatch(ROLLOUTS, ns, n, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
        await rollouts.until(`${n} Healthy on ${image}`, () => {
          const ro = rollouts.get(n);
          return !!ro && healthy(ro) && ro.spec.template?.spec?.containers?.[0]?.image === image;
        }, 120_000);
        completed++;
      }
    };
    await Promise.all([sampler, ...Array.from({ length: 4 }, worker)]);
    const soakEnd = await scrapeSized(controller);
    samples.push({ x: (soakEnd.at - t0) / 1000, rss: rss(soakEnd), heap: heap(soakEnd) });
    const minutes = (soakEnd.at - t0) / 60_000;
    const rssSlope = slope(samples.map((p) => ({ x: p.x / 60, y: p.rss })));
    const heapSlope = slope(samples.map((p) => ({ x: p.x / 60, y: p.heap })));
    const soakWindow = histogramDelta(reconciles(soakStart), reconciles(soakEnd));
    figures.push(
      { section: 'memory', name: `soak: rollouts completed (${created} live)`, value: completed, unit: 'rollouts', note: `${(completed / minutes).toFixed(1)} per minute over ${minutes.toFixed(1)} min, 4 at a time` },
      { section: 'memory', name: 'soak: RSS start → end', value: rss(soakEnd) - rss(soakStart), unit: 'MiB', note: `${rss(soakStart).toFixed(0)} → ${rss(soakEnd).toFixed(0)} MiB, max ${Math.max(...samples.map((p) => p.rss)).toFixed(0)}` },
      { section: 'memory', name: 'soak: RSS trend', value: rssSlope, unit: 'MiB/min', note: 'least-squares slope of 5 s samples' },
      { section: 'memory', name: 'soak: heap used trend', value: heapSlope, unit: 'MiB/min', note: `${heap(soakStart).toFixed(0)} → ${heap(soakEnd).toFixed(0)} MiB` },
      { section: 'scale', name: 'soak: reconcile p99', value: histogramQuantile(soakWindow, 0.99) * 1000, unit: 'ms', note: `${soakWindow.count} passes` },
    );
    say(`  soak: ${completed} rollouts in ${minutes.toFixed(1)} min, RSS ${rss(soakStart).toFixed(0)} → ${rss(soakEnd).toFixed(0)} MiB`);
  } finally {
    await controller.stop();
    await rollouts.stop();
    await deleteNamespace(cluster, ns);
  }
}
