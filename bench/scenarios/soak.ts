/**
 * Soak: continuous image changes over N rollouts for a while, with every controller measured at
 * the same time (side by side: each in a namespace of its own, with the same rollouts and the
 * same number of workers changing images), memory and heap sampled every 5 s, and their
 * least-squares slope after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import type { RunningController } from '../../test/support/controller.ts';
import type { RolloutLike } from '../../test/support/rollouts.ts';
import { createNamespace, deleteNamespaceAndWait, sleep, Watched, type BenchCluster, type Say } from '../support/env.ts';
import { histogramDelta, histogramOf, histogramQuantile } from '../support/prom.ts';
import type { Figure, SoakSample } from '../support/report.ts';
import { mapBounded, slope } from '../support/stats.ts';
import { processUsage, type Subject } from '../support/subjects.ts';
import { converge, convergeBoundSeconds, healthy, heapMiB, IMAGE, imageOf, rolloutName, scaleRollout, scrapeSized } from './scale.ts';

export interface SoakOptions {
  rollouts: number;
  seconds: number;
  /** Image changes in flight per controller. */
  workers: number;
  createParallelism: number;
}

export type { SoakSample };

/** The samples after the warm-up: the first quarter of the soak, at most 5 minutes. */
export function afterWarmUp(samples: readonly SoakSample[], seconds: number): SoakSample[] {
  const warmUp = Math.min(300, seconds / 4);
  return samples.filter((s) => s.x >= warmUp);
}

interface Soaked {
  subject: Subject;
  ns: string;
  controller: RunningController;
  rollouts: Watched<RolloutLike>;
}

const MiB = 1024 * 1024;

/** Runs the soak over every subject at once; `sinks[i]` receives subject i's figures. */
export async function runSoak(cluster: BenchCluster, opts: SoakOptions, subjects: readonly Subject[], sinks: readonly Figure[][], notes: string[], say: Say, series: Record<string, SoakSample[]> = {}): Promise<void> {
  const soaked: Soaked[] = [];
  try {
    for (const subject of subjects) {
      await subject.prepare(cluster);
      const ns = await createNamespace(cluster, `bench-soak-${subject.name.toLowerCase()}`);
      const rollouts = new Watched<RolloutLike>(cluster.client, ROLLOUTS, ns);
      await rollouts.start();
      soaked.push({ subject, ns, rollouts, controller: await subject.start(ns, 'soak') });
    }
    // The same rollouts for each, created one controller after the other so each converges alone.
    for (const s of soaked) {
      const t0 = performance.now();
      const names = Array.from({ length: opts.rollouts }, (_, i) => rolloutName(i));
      const watching = converge(s.controller, t0, opts.rollouts, () => s.rollouts.list().filter(healthy).length, convergeBoundSeconds(opts.rollouts));
      await mapBounded(names, opts.createParallelism, (n) => cluster.client.create(ROLLOUTS, { ...scaleRollout(n, IMAGE), metadata: { name: n, namespace: s.ns } } as never));
      const c = await watching;
      if (!c.converged) throw new Error(`bench: ${s.subject.name}'s ${opts.rollouts} rollouts did not converge before the soak (${c.healthy} Healthy)`);
      say(`soak: ${s.subject.name}'s ${opts.rollouts} rollouts Healthy in ${c.seconds.toFixed(0)} s`);
    }
    const t0 = performance.now();
    const endAt = t0 + opts.seconds * 1000;
    const results = await Promise.all(soaked.map(async (s) => {
      const first = await scrapeSized(s.controller);
      const samples: SoakSample[] = [];
      const sample = async (): Promise<void> => {
        const scraped = await scrapeSized(s.controller);
        samples.push({ x: (scraped.at - t0) / 1000, rssMiB: processUsage(s.controller.process.pid!).rssBytes / MiB, heapMiB: heapMiB(scraped) });
      };
      await sample();
      let completed = 0;
      let next = 0;
      const sampler = (async () => {
        while (performance.now() < endAt) {
          await sleep(5_000);
          await sample();
        }
      })();
      const worker = async (): Promise<void> => {
        while (performance.now() < endAt) {
          const n = rolloutName(next++ % opts.rollouts);
          const image = `registry.local/app:soak-${next}`;
          await cluster.client.mergePatch(ROLLOUTS, s.ns, n, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
          await s.rollouts.until(`${n} Healthy on ${image}`, () => {
            const ro = s.rollouts.get(n);
            return !!ro && healthy(ro) && imageOf(ro) === image;
          }, 180_000);
          completed++;
        }
      };
      await Promise.all([sampler, ...Array.from({ length: opts.workers }, worker)]);
      const last = await scrapeSized(s.controller);
      return { s, samples, completed, window: histogramDelta(histogramOf(first.samples, 'rollout_reconcile'), histogramOf(last.samples, 'rollout_reconcile')) };
    }));
    results.forEach(({ s, samples, completed, window }, i) => {
      series[s.subject.name] = samples;
      const minutes = (samples.at(-1)!.x - samples[0]!.x) / 60;
      const steady = afterWarmUp(samples, opts.seconds);
      const warm = steady[0] ?? samples[0]!;
      const end = samples.at(-1)!;
      sinks[i]!.push(
        { section: 'soak', name: `rollouts completed (${opts.rollouts} live)`, value: completed, unit: 'rollouts', note: `${(completed / minutes).toFixed(1)} per minute over ${minutes.toFixed(1)} min, ${opts.workers} at a time` },
        { section: 'soak', name: 'RSS after warm-up → end', value: end.rssMiB - warm.rssMiB, unit: 'MiB', note: `${warm.rssMiB.toFixed(0)} → ${end.rssMiB.toFixed(0)} MiB from ${warm.x.toFixed(0)} s; max ${Math.max(...samples.map((p) => p.rssMiB)).toFixed(0)}` },
        { section: 'soak', name: 'RSS slope after warm-up', value: slope(steady.map((p) => ({ x: p.x / 60, y: p.rssMiB }))), unit: 'MiB/min', note: `least-squares over ${steady.length} samples every 5 s` },
        { section: 'soak', name: 'heap slope after warm-up', value: slope(steady.map((p) => ({ x: p.x / 60, y: p.heapMiB }))), unit: 'MiB/min', note: `${warm.heapMiB.toFixed(0)} → ${end.heapMiB.toFixed(0)} MiB` },
        { section: 'soak', name: 'reconcile p99', value: histogramQuantile(window, 0.99) * 1000, unit: 'ms', note: `${window.count} passes` },
      );
      say(`soak: ${s.subject.name} completed ${completed} rollouts in ${minutes.toFixed(1)} min, RSS ${warm.rssMiB.toFixed(0)} → ${end.rssMiB.toFixed(0)} MiB`);
    });
    if (soaked.length > 1) notes.push(`Soak: ${soaked.map((s) => s.subject.name).join(' and ')} side by side at the same time, each over its own ${opts.rollouts} rollouts with ${opts.workers} workers changing images.`);
  } finally {
    for (const s of soaked) {
      await s.controller.stop();
      await s.rollouts.stop();
    }
    for (const s of soaked) await deleteNamespaceAndWait(cluster, s.ns, say);
  }
}
