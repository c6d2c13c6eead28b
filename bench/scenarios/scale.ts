/**
 * Scale: N rollouts (basic canary, replicas 1) created with bounded parallelism in one namespace
 * watched by one controller (Ramp's or, side by side, Argo's: a Subject); per rollout count, the
 * time to converge, the controller's request rate while converging, reconcile durations from its
 * rollout_reconcile histogram, queue depth, memory and CPU at steady state, and the writes it
 * sends while nothing changes (which must be none). At chosen counts, a controller restart
 * (until every rollout was reconciled once, writes and Events counted) and an image change of
 * every rollout (until all are Healthy on it). A count that does not converge within its time
 * bound is recorded as such and ends the run for that controller.
 */
import { performance } from 'node:perf_hooks';
import type { RunningController } from '../../test/support/controller.ts';
import { ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { canaryRollout, type RolloutLike } from '../../test/support/rollouts.ts';
import { createNamespace, deleteNamespaceAndWait, rolloutEventOccurrences, sleep, Watched, type BenchCluster, type Say } from '../support/env.ts';
import { beyondTopBucket, eventWrites, heapUsedBytes, histogramDelta, histogramOf, histogramQuantile, requestCounts, requestDelta, rolloutQueueDepth, totalRequests, type Histogram, type RequestCounts, type Sample } from '../support/prom.ts';
import { parsePrometheus, valueOf } from '../support/prom.ts';
import type { Figure, ScalePoint } from '../support/report.ts';
import { mapBounded } from '../support/stats.ts';
import { processUsage, type Subject } from '../support/subjects.ts';

export interface ScaleOptions {
  counts: number[];
  /** Seconds of idle measurement per rollout count. */
  idleSeconds: number;
  /** Restart the controller once each of these many rollouts exist. */
  restartAt: readonly number[];
  /** Change every rollout's image once this many exist (after the restart, if there is one); none when undefined. */
  updateAt: number | undefined;
  createParallelism: number;
  /** Ramp's extra flags, e.g. --workers=30. */
  rampArgs?: readonly string[];
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
export const rolloutName = (i: number): string => `r-${String(i).padStart(5, '0')}`;
export const IMAGE = 'registry.local/app:v1';

export function scaleRollout(n: string, image: string, labels: Record<string, string> = {}): KubeObject {
  const ro = canaryRollout(n, {}, { replicas: 1, revisionHistoryLimit: 1, image });
  return { ...ro, metadata: { ...ro.metadata, name: n, labels: { ...ro.metadata?.labels, ...labels } } };
}

export const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash &&
  ro.status.observedGeneration === String((ro.metadata as { generation?: number } | undefined)?.generation);

export const imageOf = (ro: RolloutLike): string | undefined => ro.spec.template?.spec?.containers?.[0]?.image;

/**
 * How long a count may take to converge before the run records it as not converged: 10 minutes,
 * or 60 ms per rollout when more (about 1.4 times what Ramp took at 10,000 on 2 shared cores).
 */
export const convergeBoundSeconds = (rollouts: number): number => Math.max(600, Math.ceil(rollouts * 0.06));

export interface Scrape {
  samples: Sample[];
  bytes: number;
  at: number;
}

export async function scrapeSized(controller: RunningController): Promise<Scrape> {
  const res = await fetch(controller.metricsUrl);
  if (!res.ok) throw new Error(`bench: GET ${controller.metricsUrl} answered ${res.status}`);
  const text = await res.text();
  return { samples: parsePrometheus(text), bytes: Buffer.byteLength(text), at: performance.now() };
}

const reconciles = (s: Scrape): Histogram => histogramOf(s.samples, 'rollout_reconcile');
const depth = (s: Scrape): number => rolloutQueueDepth(s.samples) ?? 0;
export const heapMiB = (s: Scrape): number => (heapUsedBytes(s.samples) ?? NaN) / MiB;

export interface Convergence {
  converged: boolean;
  seconds: number;
  healthy: number;
  maxDepth: number;
  /** The highest request rate between two consecutive scrapes (about 1 s apart), every verb. */
  peakRequestsPerSecond: number;
  first: Scrape;
  last: Scrape;
}

/**
 * Scrapes every second until `done` counts `target` rollouts and the queue is empty, or the bound
 * passes. Times run from `t0`.
 */
export async function converge(controller: RunningController, t0: number, target: number, done: () => number, boundSeconds: number, say?: Say): Promise<Convergence> {
  const first = await scrapeSized(controller);
  let previous = first;
  let maxDepth = depth(first);
  let peak = 0;
  let told = first;
  for (;;) {
    await sleep(1_000);
    const s = await scrapeSized(controller);
    maxDepth = Math.max(maxDepth, depth(s));
    const dt = (s.at - previous.at) / 1000;
    if (dt > 0) peak = Math.max(peak, totalRequests(requestDelta(requestCounts(previous.samples), requestCounts(s.samples))) / dt);
    previous = s;
    const count = done();
    // A long convergence says how it goes every 30 s, so a stall shows while it happens.
    if (say && s.at - told.at >= 30_000) {
      const rate = totalRequests(requestDelta(requestCounts(told.samples), requestCounts(s.samples))) / ((s.at - told.at) / 1000);
      say(`${((s.at - t0) / 1000).toFixed(0)} s: ${count}/${target} Healthy, queue ${depth(s)}, ${rate.toFixed(0)} requests/s, RSS ${(processUsage(controller.process.pid!).rssBytes / MiB).toFixed(0)} MiB, heap ${heapMiB(s).toFixed(0)} MiB`);
      told = s;
    }
    if (count >= target && depth(s) === 0) return { converged: true, seconds: (performance.now() - t0) / 1000, healthy: count, maxDepth, peakRequestsPerSecond: peak, first, last: s };
    if (performance.now() - t0 > boundSeconds * 1000) return { converged: false, seconds: (performance.now() - t0) / 1000, healthy: count, maxDepth, peakRequestsPerSecond: peak, first, last: s };
  }
}

/** Requests per second over a window, and the same without Events (which Argo's counter never counts). */
function rates(d: RequestCounts, seconds: number): { all: number; writes: number; withoutEvents: number } {
  return { all: totalRequests(d) / seconds, writes: d.writes / seconds, withoutEvents: (d.writes - eventWrites(d)) / seconds };
}

export async function runScale(cluster: BenchCluster, opts: ScaleOptions, sink: ScaleSink, tell: Say, subject: Subject): Promise<void> {
  const say: Say = (line) => tell(`${subject.name}: ${line.trim()}`);
  await subject.prepare(cluster);
  const ns = await createNamespace(cluster, 'bench-scale');
  const rollouts = new Watched<RolloutLike>(cluster.client, ROLLOUTS, ns);
  await rollouts.start();
  const start = (scenario: string): Promise<RunningController> => subject.start(ns, scenario, opts.rampArgs ? { rampArgs: opts.rampArgs } : {});
  let controller = await start('scale');
  const { figures, points, notes } = sink;
  const countHealthy = (): number => rollouts.list().filter(healthy).length;
  const usage = (): { rssMiB: number; cpuSeconds: number } => {
    const u = processUsage(controller.process.pid!);
    return { rssMiB: u.rssBytes / MiB, cpuSeconds: u.cpuSeconds };
  };
  let created = 0;
  try {
    await sleep(5_000);
    const baseline = await scrapeSized(controller);
    figures.push(
      { section: 'memory', name: 'RSS with no rollouts', value: usage().rssMiB, unit: 'MiB', note: '/proc VmRSS, 5 s after start-up' },
      { section: 'memory', name: 'heap used with no rollouts', value: heapMiB(baseline), unit: 'MiB', note: 'nodejs_heap_size_used_bytes (Ramp), go_memstats_heap_alloc_bytes (Argo)' },
    );
    for (const target of opts.counts) {
      const t0 = performance.now();
      const fresh = Array.from({ length: target - created }, (_, k) => rolloutName(created + k));
      const creating = mapBounded(fresh, opts.createParallelism, async (n) => {
        await cluster.client.create(ROLLOUTS, { ...scaleRollout(n, IMAGE), metadata: { name: n, namespace: ns } } as never);
      });
      // Convergence is watched while the creates are still going, so the request rate covers it all.
      const bound = convergeBoundSeconds(target);
      const watching = converge(controller, t0, target, countHealthy, bound, say);
      await creating;
      const tCreated = performance.now();
      created = target;
      say(`${target} rollouts: created in ${((tCreated - t0) / 1000).toFixed(1)} s; waiting for all Healthy`);
      const c = await watching;
      const at = `${target} rollouts`;
      const added = fresh.length;
      if (!c.converged) {
        const message = `${c.healthy}/${target} rollouts Healthy when the ${bound} s bound passed (created in ${((tCreated - t0) / 1000).toFixed(0)} s)`;
        figures.push({ section: 'scale', name: `rollouts Healthy at the time bound (${at})`, value: c.healthy, unit: 'rollouts', note: `${bound} s after the first create` });
        notes.push(`${subject.name} did not converge with ${target} rollouts: ${message}; RSS ${usage().rssMiB.toFixed(0)} MiB. The run stopped there for it.`);
        say(`${target} rollouts: not converged: ${message}`);
        break;
      }
      const window = histogramDelta(reconciles(c.first), reconciles(c.last));
      const creation = requestDelta(requestCounts(c.first.samples), requestCounts(c.last.samples));
      const rate = rates(creation, c.seconds);
      // Steady state: let trailing passes finish, then measure an idle window.
      await sleep(3_000);
      const [idleStart, u0] = [await scrapeSized(controller), usage()];
      await sleep(opts.idleSeconds * 1000);
      const [idleEnd, u1] = [await scrapeSized(controller), usage()];
      const idle: RequestCounts = requestDelta(requestCounts(idleStart.samples), requestCounts(idleEnd.samples));
      const seconds = (idleEnd.at - idleStart.at) / 1000;
      const point: ScalePoint = {
        rollouts: target,
        reconcileP50Ms: histogramQuantile(window, 0.5) * 1000,
        reconcileP99Ms: histogramQuantile(window, 0.99) * 1000,
        reconcileMeanMs: window.count > 0 ? (window.sum / window.count) * 1000 : NaN,
        maxQueueDepth: c.maxDepth,
        convergeSeconds: c.seconds,
        rssMiB: u1.rssMiB,
        heapUsedMiB: heapMiB(idleEnd),
      };
      points.push(point);
      figures.push(
        { section: 'scale', name: `converge after creating ${added} (${at})`, value: c.seconds, unit: 's', note: `create requests took ${((tCreated - t0) / 1000).toFixed(1)} s at parallelism ${opts.createParallelism}` },
        { section: 'scale', name: `reconcile p50 (${at})`, value: point.reconcileP50Ms, unit: 'ms', note: `${window.count} passes while converging; interpolated in Argo's buckets` },
        { section: 'scale', name: `reconcile p99 (${at})`, value: point.reconcileP99Ms, unit: 'ms', note: `${beyondTopBucket(window, 0.99) ? 'at least: beyond the top 1 s bucket; ' : ''}mean ${point.reconcileMeanMs.toFixed(1)} ms (exact: sum/count)` },
        { section: 'scale', name: `max queue depth (${at})`, value: c.maxDepth, unit: 'keys', note: 'workqueue_depth of the Rollout queue, sampled every ~1 s' },
        { section: 'api', name: `requests per second while converging (${at})`, value: rate.all, unit: 'requests/s', note: `mean over the window, every verb the controller's counter counts; peak ${c.peakRequestsPerSecond.toFixed(0)}/s between two scrapes` },
        { section: 'api', name: `writes per created rollout (${at})`, value: creation.writes / added, unit: 'requests', note: `reads ${(creation.reads / added).toFixed(2)} per rollout` },
        { section: 'api', name: `writes per created rollout other than Events (${at})`, value: (creation.writes - eventWrites(creation)) / added, unit: 'requests' },
        { section: 'api', name: `idle writes (${at})`, value: (idle.writes * 60) / seconds, unit: 'per minute', note: `over ${Math.round(seconds)} s; ${((idle.reads * 60) / seconds).toFixed(1)} reads/min` },
        { section: 'memory', name: `RSS at steady state (${at})`, value: point.rssMiB, unit: 'MiB', note: '/proc VmRSS' },
        { section: 'memory', name: `heap used at steady state (${at})`, value: point.heapUsedMiB, unit: 'MiB' },
        { section: 'memory', name: `idle CPU (${at})`, value: ((u1.cpuSeconds - u0.cpuSeconds) / seconds) * 100, unit: '% of a core', note: '/proc utime+stime over the idle window' },
        { section: 'memory', name: `/metrics size (${at})`, value: idleEnd.bytes / 1024, unit: 'KiB', note: 'one scrape' },
      );
      say(`${target} rollouts: converged in ${c.seconds.toFixed(1)} s (${rate.all.toFixed(0)} requests/s, peak ${c.peakRequestsPerSecond.toFixed(0)}), reconcile p99 ${point.reconcileP99Ms.toFixed(0)} ms, RSS ${point.rssMiB.toFixed(0)} MiB, idle writes ${idle.writes}`);
      if (points.length === 1) notes.push(`${subject.name}: requests while creating the first ${added} rollouts: ${JSON.stringify(creation.byVerbAndKind)}.`);
      // Ramp counts the Events its queue dropped under load; Argo's client-go drops them uncounted.
      const dropped = (valueOf(c.last.samples, 'ramp_events_dropped_total') ?? 0) - (valueOf(c.first.samples, 'ramp_events_dropped_total') ?? 0);
      if (dropped > 0) notes.push(`${subject.name}: ${dropped} Events dropped (queue full) while converging with ${target} rollouts (ramp_events_dropped_total).`);
      if (idle.writes > 0) notes.push(`${subject.name}: idle writes at ${target} rollouts: ${JSON.stringify(idle.byVerbAndKind)}.`);

      if (opts.dashboardAt && opts.dashboardAt.count === target) {
        await opts.dashboardAt.run(ns, Array.from({ length: target }, (_, i) => rolloutName(i)));
      }
      if (opts.restartAt.includes(target)) {
        // Restart: a new process over the settled rollouts reconciles each once and should write nothing.
        await controller.stop();
        const eventsBefore = await rolloutEventOccurrences(cluster, ns);
        const r0 = performance.now();
        controller = await start('scale-restarted');
        const tHealthz = performance.now();
        const restartBound = convergeBoundSeconds(target);
        let restarted: Scrape | undefined;
        let restartDepth = 0;
        while (performance.now() - r0 < restartBound * 1000) {
          const s = await scrapeSized(controller);
          restartDepth = Math.max(restartDepth, depth(s));
          if (reconciles(s).count >= target && depth(s) === 0) {
            restarted = s;
            break;
          }
          await sleep(1_000);
        }
        const tDone = performance.now();
        if (!restarted) {
          notes.push(`${subject.name}: the restarted controller had not reconciled all ${target} rollouts ${restartBound} s after its start.`);
          say(`restart with ${target} rollouts: not done within ${restartBound} s`);
          break;
        }
        await sleep(3_000);
        const restartRequests = requestCounts((await scrapeSized(controller)).samples);
        const restartEvents = (await rolloutEventOccurrences(cluster, ns)) - eventsBefore;
        figures.push(
          { section: 'scale', name: `restart → every rollout reconciled (${at})`, value: (tDone - r0) / 1000, unit: 's', note: `process start → every rollout reconciled once, queue empty; /healthz after ${((tHealthz - r0) / 1000).toFixed(1)} s` },
          { section: 'scale', name: `max queue depth after restart (${at})`, value: restartDepth, unit: 'keys' },
          { section: 'api', name: `writes while restarting other than Events (${at})`, value: restartRequests.writes - eventWrites(restartRequests), unit: 'requests', note: `the controller's counter; reads ${restartRequests.reads} (lists), watches ${restartRequests.watches}` },
          { section: 'api', name: `Events recorded on Rollouts while restarting (${at})`, value: restartEvents, unit: 'events', note: 'sum of count over the namespace\'s Rollout Events, before and after' },
        );
        say(`restart with ${target} rollouts: every rollout reconciled in ${((tDone - r0) / 1000).toFixed(1)} s, ${restartRequests.writes - eventWrites(restartRequests)} writes and ${restartEvents} Events`);
        if (restartRequests.writes - eventWrites(restartRequests) > 0) notes.push(`${subject.name}: writes while restarting with ${target} rollouts: ${JSON.stringify(restartRequests.byVerbAndKind)}.`);
      }
      if (target !== opts.updateAt) continue;

      // An image change of every rollout, until all are Healthy on it.
      const image = 'registry.local/app:v2';
      const u0Update = await scrapeSized(controller);
      const tu = performance.now();
      const names = Array.from({ length: target }, (_, i) => rolloutName(i));
      const patching = mapBounded(names, opts.createParallelism, (n) =>
        cluster.client.mergePatch(ROLLOUTS, ns, n, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }));
      const updated = converge(controller, tu, target, () => rollouts.list().filter((ro) => healthy(ro) && imageOf(ro) === image).length, convergeBoundSeconds(target), say);
      await patching;
      const tPatched = performance.now();
      const u = await updated;
      if (!u.converged) {
        figures.push({ section: 'scale', name: `rollouts Healthy on the new image at the time bound (${at})`, value: u.healthy, unit: 'rollouts' });
        notes.push(`${subject.name}: after an image change of all ${target} rollouts, ${u.healthy} were Healthy on it when the ${convergeBoundSeconds(target)} s bound passed.`);
        break;
      }
      const updateRequests = requestDelta(requestCounts(u0Update.samples), requestCounts(u.last.samples));
      const updateRate = rates(updateRequests, u.seconds);
      figures.push(
        { section: 'scale', name: `converge after an image change of every rollout (${at})`, value: u.seconds, unit: 's', note: `patches sent in ${((tPatched - tu) / 1000).toFixed(1)} s at parallelism ${opts.createParallelism}` },
        { section: 'api', name: `writes per updated rollout other than Events (${at})`, value: (updateRequests.writes - eventWrites(updateRequests)) / target, unit: 'requests', note: `with Events ${(updateRequests.writes / target).toFixed(2)} (Argo's counter counts none)` },
        { section: 'api', name: `requests per second while updating (${at})`, value: updateRate.all, unit: 'requests/s', note: `peak ${u.peakRequestsPerSecond.toFixed(0)}/s` },
      );
      say(`image change of ${target} rollouts: converged in ${u.seconds.toFixed(1)} s`);
    }
  } finally {
    await controller.stop();
    await rollouts.stop();
    await deleteNamespaceAndWait(cluster, ns, say);
  }
}
