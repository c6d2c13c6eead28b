import type { Metric, Registry } from 'prom-client';

/** One series of a gauge: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/**
 * What a scrape read from `source`, shared by every family built from it during that scrape: the
 * families of one source are asked for in the same tick, so one pass over the cache serves all.
 */
const snapshots = new WeakMap<() => unknown, unknown>();

function snapshot<S>(source: () => S): S {
  if (snapshots.has(source)) return snapshots.get(source) as S;
  const value = source();
  snapshots.set(source, value);
  setImmediate(() => snapshots.delete(source));
  return value;
}

const toIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A gauge recomputed at every scrape from `pick(source())`, as Argo's collectors compute theirs
 * from the informer cache: nothing is kept between scrapes, so a deleted object's series goes.
 *
 * Not a prom-client Gauge: with thousands of Rollouts a Gauge hashes every label set into its own
 * map on each scrape, which cost about a second of the one thread at 10,000. The samples go to the
 * registry as they are, and each family is formatted in a turn of the event loop of its own, so
 * watches and passes go on between them.
 */
export function collectedGauge<S>(registry: Registry, name: string, help: string, labelNames: string[], pick: (s: S) => Sample[], source: () => S): void {
  const family = {
    name,
    help,
    type: 'gauge',
    labelNames,
    aggregator: 'sum',
    async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
      const read = snapshot(source);
      await toIo();
      return { name, help, type: 'gauge', aggregator: 'sum', values: pick(read) };
    },
    reset(): void {},
  };
  registry.registerMetric(family as unknown as Metric);
}
