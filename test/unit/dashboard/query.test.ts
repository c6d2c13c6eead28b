import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisRun, MetricProvider } from '../../../controller/api/index.ts';
import type { AnalysisRunInfo } from '../../../client/info/types.ts';
import { metricSeries } from '../../../dashboard/server/model/metrics.ts';
import { metricQuery } from '../../../dashboard/server/model/query.ts';

/** What each metric asks its provider, as the analysis panel shows it, and never its credentials. */

describe('a metric\'s query text', () => {
  const cases: [string, MetricProvider, ReturnType<typeof metricQuery>][] = [
    [
      'prometheus: the query and the address',
      { prometheus: { address: 'http://prom:9090', query: 'sum(rate(x[1m]))', authentication: { basicAuth: { username: 'u', password: 'secret' } } } },
      { provider: 'prometheus', lines: [{ label: 'query', text: 'sum(rate(x[1m]))' }, { label: 'address', text: 'http://prom:9090' }] },
    ],
    [
      'web: method and url, jsonPath, no headers',
      { web: { url: 'https://api.example/health', jsonPath: '{$.ok}', headers: [{ key: 'Authorization', value: 'Bearer secret' }] } },
      { provider: 'web', lines: [{ label: 'url', text: 'GET https://api.example/health' }, { label: 'jsonPath', text: '{$.ok}' }] },
    ],
    [
      'datadog v2: each named query and the formula',
      { datadog: { apiVersion: 'v2', queries: { a: 'sum:errors{*}', b: 'sum:hits{*}' }, formula: 'a/b' } },
      {
        provider: 'datadog',
        lines: [
          { label: 'query a', text: 'sum:errors{*}' },
          { label: 'query b', text: 'sum:hits{*}' },
          { label: 'formula', text: 'a/b' },
        ],
      },
    ],
    ['newRelic: NRQL', { newRelic: { query: 'SELECT count(*) FROM Transaction' } }, { provider: 'newRelic', lines: [{ label: 'query', text: 'SELECT count(*) FROM Transaction' }] }],
    [
      'job: each container\'s image and command',
      { job: { spec: { template: { spec: { containers: [{ name: 'check', image: 'curl:8', command: ['curl', '-f', 'http://svc/health'] }] } } } } } as unknown as MetricProvider,
      { provider: 'job', lines: [{ label: 'container check', text: 'curl:8 curl -f http://svc/health' }] },
    ],
  ];
  for (const [name, provider, expected] of cases) {
    test(name, () => {
      assert.deepEqual(metricQuery(provider), expected);
      assert.doesNotMatch(JSON.stringify(metricQuery(provider)), /secret/);
    });
  }

  test('no provider, no query', () => {
    assert.equal(metricQuery(undefined), undefined);
  });
});

describe('measurements as table rows', () => {
  test('each measurement keeps its phase, value, times and message; the series carries the query and conditions', () => {
    const info = {
      name: 'run-1',
      namespace: 'shop',
      metrics: [
        {
          name: 'errors',
          phase: 'Running',
          successCondition: 'result[0] < 0.05',
          measurements: [
            { phase: 'Successful', value: '[0.01]', startedAt: '2026-01-10T12:00:00Z', finishedAt: '2026-01-10T12:00:02Z' },
            { phase: 'Error', message: 'connection refused', startedAt: '2026-01-10T12:01:00Z', finishedAt: '2026-01-10T12:01:01Z' },
          ],
        },
      ],
    } as unknown as AnalysisRunInfo;
    const run = { metadata: { name: 'run-1', namespace: 'shop' }, spec: { metrics: [{ name: 'errors', provider: { graphite: { query: 'errors.rate' } } }] } } as unknown as AnalysisRun;
    const [series] = metricSeries([info], [run]);
    assert.deepEqual(series?.query, { provider: 'graphite', lines: [{ label: 'query', text: 'errors.rate' }] });
    assert.equal(series?.successCondition, 'result[0] < 0.05');
    assert.deepEqual(series?.points, [
      { value: 0.01, phase: 'Successful', raw: '[0.01]', time: '2026-01-10T12:00:02Z', startedAt: '2026-01-10T12:00:00Z', finishedAt: '2026-01-10T12:00:02Z' },
      { value: null, phase: 'Error', time: '2026-01-10T12:01:01Z', startedAt: '2026-01-10T12:01:00Z', finishedAt: '2026-01-10T12:01:01Z', message: 'connection refused' },
    ]);
  });
});
