/**
 * Sharding: three controllers of one kind, each started with its own --instance-id over the same
 * namespace, and N rollouts labelled for them in turn: the time until all are Healthy, each
 * process's memory and CPU at rest, and the writes while nothing changes.
 */
import { performance } from 'node:perf_hooks';
import { INSTANCE_ID_LABEL } from '../../controller/api/labels.ts';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import type { RunningController } from '../../test/support/controller.ts';
import type { RolloutLike } from '../../test/support/rollouts.ts';
import { createNamespace, deleteNamespaceAndWait, sleep, Watched, type BenchCluster, type Say } from '../support/env.ts';
import { requestCounts, requestDelta, rolloutQueueDepth, totalRequests } from '../support/prom.ts';
import type { Figure } from '../support/report.ts';
import { mapBounded } from '../support/stats.ts';
import { processUsage, type Subject } from '../support/subjects.ts';
import { convergeBoundSeconds, healthy, IMAGE, rolloutName, scaleRollout, scrapeSized } from './scale.ts';

export interface ShardOptions {
  /** Rollouts in all. */
  rollouts: number;
  instances: number;
  idleSeconds: number;
  createParallelism: number;
}

/** The instance id of rollout i: the shards take the rollouts in turn. */
export const shardOf = (i: number, instances: number): string => `shard-${i % instances}`;

const MiB = 1024 * 1024;

export async function runShard(cluster: BenchCluster, opts: ShardOptions, figures: Figure[], notes: string[], tell: Say, subject: Subject): Promise<void> {
  const say: Say = (line) => tell(`${subject.name}: ${line.trim()}`);
  await subject.prepare(cluster);
  const ns = await createNamespace(cluster, 'bench-shard');
  const rollouts = new Watched<RolloutLike>(cluster.client, ROLLOUTS, ns);
  await rollouts.start();
  const controllers: RunningController[] = [];
  try {
    for (let k = 0; k < opts.instances; k++) controllers.push(await subject.start(ns, `shard-${k}`, { instanceId: shardOf(k, opts.instances) }));
    await sleep(5_000);
    const rss = (): number[] => controllers.map((c) => processUsage(c.process.pid!).rssBytes / MiB);
    const cpu = (): number[] => controllers.map((c) => processUsage(c.process.pid!).cpuSeconds);
    const emptyRss = rss();
    const scrapeAll = () => Promise.all(controllers.map(scrapeSized));
    const before = await scrapeAll();
    const t0 = performance.now();
    const names = Array.from({ length: opts.rollouts }, (_, i) => rolloutName(i));
    await mapBounded(names, opts.createParallelism, (n, i) =>
      cluster.client.create(ROLLOUTS, { ...scaleRollout(n, IMAGE, { [INSTANCE_ID_LABEL]: shardOf(i, opts.instances) }), metadata: { name: n, namespace: ns, labels: { [INSTANCE_ID_LABEL]: shardOf(i, opts.instances) } } } as never));
    const tCreated = performance.now();
    const bound = convergeBoundSeconds(opts.rollouts);
    let converged = false;
    let after = before;
    while (performance.now() - t0 < bound * 1000) {
      after = await scrapeAll();
      if (rollouts.list().filter(healthy).length >= opts.rollouts && after.every((s) => (rolloutQueueDepth(s.samples) ?? 0) === 0)) {
        converged = true;
        break;
      }
      await sleep(1_000);
    }
    const seconds = (performance.now() - t0) / 1000;
    const at = `${opts.instances} × ${Math.ceil(opts.rollouts / opts.instances)} rollouts`;
    if (!converged) {
      const count = rollouts.list().filter(healthy).length;
      figures.push({ section: 'shard', name: `rollouts Healthy at the time bound (${at})`, value: count, unit: 'rollouts', note: `${bound} s after the first create` });
      notes.push(`${subject.name}: sharded over ${opts.instances} instance ids, ${count}/${opts.rollouts} rollouts were Healthy when the ${bound} s bound passed.`);
      return;
    }
    const requests = before.map((b, k) => requestDelta(requestCounts(b.samples), requestCounts(after[k]!.samples)));
    await sleep(3_000);
    const [idle0, cpu0] = [await scrapeAll(), cpu()];
    await sleep(opts.idleSeconds * 1000);
    const [idle1, cpu1] = [await scrapeAll(), cpu()];
    const idleDeltas = idle0.map((s, k) => requestDelta(requestCounts(s.samples), requestCounts(idle1[k]!.samples)));
    const idleWrites = idleDeltas.reduce((n, d) => n + d.writes, 0);
    if (idleWrites > 0) notes.push(`${subject.name}: idle writes of the sharded instances: ${idleDeltas.map((d) => JSON.stringify(d.byVerbAndKind)).join('; ')}.`);
    const idleSeconds = (idle1[0]!.at - idle0[0]!.at) / 1000;
    const restRss = rss();
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    figures.push(
      { section: 'shard', name: `converge after creating (${at})`, value: seconds, unit: 's', note: `create requests took ${((tCreated - t0) / 1000).toFixed(1)} s at parallelism ${opts.createParallelism}` },
      { section: 'shard', name: `requests per second while converging, all instances (${at})`, value: sum(requests.map(totalRequests)) / seconds, unit: 'requests/s', note: `per instance ${requests.map((r) => (totalRequests(r) / seconds).toFixed(0)).join(', ')}` },
      { section: 'shard', name: `RSS per instance, largest (${at})`, value: Math.max(...restRss), unit: 'MiB', note: `${restRss.map((r) => r.toFixed(0)).join(', ')} MiB at rest; ${emptyRss.map((r) => r.toFixed(0)).join(', ')} MiB empty` },
      { section: 'shard', name: `RSS of all instances (${at})`, value: sum(restRss), unit: 'MiB' },
      { section: 'shard', name: `idle CPU of all instances (${at})`, value: (sum(cpu1) - sum(cpu0)) / idleSeconds * 100, unit: '% of a core' },
      { section: 'shard', name: `idle writes, all instances (${at})`, value: (idleWrites * 60) / idleSeconds, unit: 'per minute' },
    );
    say(`sharded over ${opts.instances}: ${opts.rollouts} rollouts converged in ${seconds.toFixed(0)} s, RSS ${restRss.map((r) => r.toFixed(0)).join(' + ')} MiB`);
  } finally {
    for (const c of controllers) await c.stop();
    await rollouts.stop();
    await deleteNamespaceAndWait(cluster, ns, say);
  }
}
