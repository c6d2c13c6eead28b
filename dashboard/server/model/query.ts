import type { MetricProvider } from '../../../controller/api/index.ts';
import type { MetricQuery } from '../../shared/api.ts';

/**
 * What a metric asks its provider, as the page shows it next to the measurements: the query text
 * and where it goes, never credentials (headers, secrets and authentication are left out).
 */

type Line = MetricQuery['lines'][number];

function line(label: string, text: string | number | undefined): Line[] {
  return text === undefined || text === '' ? [] : [{ label, text: String(text) }];
}

type Describers = { [K in keyof MetricProvider]-?: (spec: NonNullable<MetricProvider[K]>) => Line[] };

const DESCRIBE: Describers = {
  prometheus: (p) => [
    ...line('query', p.query),
    ...line('address', p.address),
    ...(p.rangeQuery ? line('range', `start ${p.rangeQuery.start ?? ''}, end ${p.rangeQuery.end ?? ''}, step ${p.rangeQuery.step ?? ''}`) : []),
  ],
  web: (p) => [...line('url', `${p.method ?? 'GET'} ${p.url}`), ...line('jsonPath', p.jsonPath), ...line('body', p.body ?? (p.jsonBody ? JSON.stringify(p.jsonBody) : undefined))],
  job: (p) => {
    const containers = (p.spec.template.spec?.containers ?? []) as { name?: string; image?: string; command?: string[]; args?: string[] }[];
    return containers.flatMap((c) => line(`container ${c.name ?? ''}`.trim(), [c.image, ...(c.command ?? []), ...(c.args ?? [])].filter(Boolean).join(' ')));
  },
  kayenta: (p) => [...line('canary config', p.canaryConfigName), ...line('application', p.application), ...line('address', p.address), ...line('threshold', `pass ${p.threshold.pass}, marginal ${p.threshold.marginal}`)],
  datadog: (p) => [
    ...line('query', p.query),
    ...Object.entries(p.queries ?? {}).flatMap(([name, q]) => line(`query ${name}`, q)),
    ...line('formula', p.formula),
    ...line('interval', p.interval),
  ],
  wavefront: (p) => [...line('query', p.query), ...line('address', p.address)],
  newRelic: (p) => [...line('query', p.query), ...line('profile', p.profile)],
  cloudWatch: (p) =>
    p.metricDataQueries.flatMap((q) => {
      const stat = q.metricStat;
      const text = q.expression ?? (stat?.metric ? `${stat.metric.namespace ?? ''} ${stat.metric.metricName ?? ''} ${stat.stat ?? ''}`.trim() : undefined);
      return line(`query ${q.id ?? ''}`.trim(), text);
    }),
  graphite: (p) => [...line('query', p.query), ...line('address', p.address)],
  influxdb: (p) => [...line('query', p.query), ...line('profile', p.profile)],
  skywalking: (p) => [...line('query', p.query), ...line('address', p.address)],
  plugin: (p) => Object.keys(p).flatMap((name) => line('plugin', name)),
};

/** The provider a metric uses and what it asks, or undefined when it names none. */
export function metricQuery(provider: MetricProvider | undefined): MetricQuery | undefined {
  if (provider === undefined) return undefined;
  for (const kind of Object.keys(DESCRIBE) as (keyof MetricProvider)[]) {
    const spec = provider[kind];
    if (spec === undefined) continue;
    const describe = DESCRIBE[kind] as (s: typeof spec) => Line[];
    return { provider: kind, lines: describe(spec) };
  }
  return undefined;
}
