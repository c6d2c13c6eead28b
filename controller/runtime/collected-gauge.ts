import { Gauge, type Registry } from 'prom-client';

/** One series of a gauge: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/**
 * A gauge recomputed at every scrape from `pick(source())`, as Argo's collectors compute theirs
 * from the informer cache: nothing is kept between scrapes, so a deleted object's series goes.
 */
export function collectedGauge<S>(registry: Registry, name: string, help: string, labelNames: string[], pick: (s: S) => Sample[], source: () => S): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of pick(source())) this.set(s.labels, s.value);
    },
  });
}
