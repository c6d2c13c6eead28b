// Datadog, New Relic and Wavefront are SaaS: each provider runs over the real
// HTTP stack (nodeHttp) against an in-process server that answers only a
// request shaped as the vendor's API reference documents it (path, method,
// authentication headers, parameters, body), with a response as documented.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDatadogProvider } from '../../controller/analysis/providers/datadog/index.ts';
import { nodeHttp, type HttpPort } from '../../controller/http/client.ts';
import { createNewRelicProvider, NRQL_QUERY } from '../../controller/analysis/providers/newrelic/index.ts';
import { createWavefrontProvider } from '../../controller/analysis/providers/wavefront/index.ts';
import type { Metric } from '../../controller/analysis/types.ts';
import { generatePki } from '../cluster/pki.ts';
import { fakeSecrets, run } from '../support/analysis-ports.ts';
import { expect, listen, type Handler } from '../support/api-double.ts';

const NS = 'argo-rollouts';

describe('datadog provider against a Datadog API double', () => {
  const KEYS = { 'api-key': 'dd-api', 'app-key': 'dd-app' };
  // GET /api/v1/query (query, from, to in seconds) and POST /api/v2/query/scalar (timeseries formula query).
  const datadog: Handler = (req) => {
    expect(req.headers['dd-api-key'] === 'dd-api', 'DD-API-KEY header');
    expect(req.headers['dd-application-key'] === 'dd-app', 'DD-APPLICATION-KEY header');
    if (req.method === 'GET' && req.url.pathname === '/api/v1/query') {
      const from = Number(req.url.searchParams.get('from'));
      const to = Number(req.url.searchParams.get('to'));
      expect(Number.isInteger(from) && to - from === 300, 'from/to: the 5m default interval in seconds');
      expect(req.url.searchParams.get('query') === 'avg:http.errors{service:checkout}', 'query parameter');
      return { status: 200, body: { status: 'ok', res_type: 'time_series', series: [{ metric: 'http.errors', pointlist: [[(to - 60) * 1000, 0.02], [to * 1000, 0.004]] }] } };
    }
    if (req.method === 'POST' && req.url.pathname === '/api/v2/query/scalar') {
      expect(req.headers['content-type'] === 'application/json', 'Content-Type: application/json');
      const body = JSON.parse(req.body) as { data: { type: string; attributes: { from: number; to: number; queries: { data_source: string; name: string; query: string; aggregator: string }[]; formulas: { formula: string }[] } } };
      expect(body.data.type === 'scalar_request', 'data.type scalar_request');
      const a = body.data.attributes;
      expect(a.to - a.from === 600_000, 'from/to in milliseconds over interval 10m');
      expect(a.queries.every((q) => q.data_source === 'metrics' && q.aggregator === 'avg'), 'metrics queries with the aggregator');
      expect(a.formulas[0]?.formula === 'errors / total', 'the formula');
      return { status: 200, body: { data: { type: 'scalar_response', attributes: { columns: [{ name: 'errors / total', type: 'number', values: [0.003], meta: { unit: null } }] } } } };
    }
    return { status: 404, body: { errors: ['Not found'] } };
  };
  let api: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    api = await listen(datadog);
  });
  after(() => api.close());

  const provider = () => createDatadogProvider({ http: nodeHttp, secrets: fakeSecrets({ [`${NS}/datadog`]: { ...KEYS, address: api.url } }), namespace: NS, env: {} });
  const metric = (datadog: NonNullable<Metric['provider']['datadog']>): Metric => ({ name: 'errors', successCondition: 'result < 0.01', provider: { datadog } });

  it('v1: the last point of the series', async () => {
    const m = await provider().run({ run, metric: metric({ query: 'avg:http.errors{service:checkout}' }), now: Date.now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '0.004');
  });

  it('v2: the formula over named queries', async () => {
    const m = await provider().run({
      run,
      metric: metric({ apiVersion: 'v2', interval: '10m', aggregator: 'avg', queries: { errors: 'sum:http.errors{*}.as_count()', total: 'sum:http.requests{*}.as_count()' }, formula: 'errors / total' }),
      now: Date.now,
    });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '0.003');
  });

  it('wrong keys are refused by the API and reported as Argo does', async () => {
    const wrong = createDatadogProvider({ http: nodeHttp, secrets: fakeSecrets({ [`${NS}/datadog`]: { 'api-key': 'x', 'app-key': 'y', address: api.url } }), namespace: NS, env: {} });
    const m = await wrong.run({ run, metric: metric({ query: 'avg:http.errors{service:checkout}' }), now: Date.now });
    assert.equal(m.phase, 'Error');
    assert.match(m.message ?? '', /^received non 2xx response code: 400 .*DD-API-KEY header/);
  });
});

describe('new relic provider against a NerdGraph double', () => {
  const nerdgraph: Handler = (req) => {
    expect(req.method === 'POST' && req.url.pathname === '/graphql', 'POST /graphql');
    expect(req.headers['api-key'] === 'NRAK-TEST', 'Api-Key header');
    expect(req.headers['content-type'] === 'application/json', 'Content-Type: application/json');
    const body = JSON.parse(req.body) as { query: string; variables: { accountId: number; query: string; timeout: number } };
    expect(body.query === NRQL_QUERY && body.variables.accountId === 1234 && body.variables.timeout === 5, 'the nrql query with accountId and timeout variables');
    if (body.variables.query.includes('FACET')) {
      return { status: 200, body: { data: { actor: { account: { nrql: { results: [{ facet: 'web', count: 3 }, { facet: 'api', count: 7 }] } } } } } };
    }
    if (body.variables.query.includes('SELEKT')) {
      return { status: 200, body: { data: { actor: { account: { nrql: null } } }, errors: [{ message: 'NRQL Syntax Error: Error at line 1 position 1', path: ['actor', 'account', 'nrql'] }] } };
    }
    return { status: 200, body: { data: { actor: { account: { nrql: { results: [{ 'percentage.errors': 0.5 }] } } } } } };
  };
  let api: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    api = await listen(nerdgraph);
  });
  after(() => api.close());

  const provider = () =>
    createNewRelicProvider({
      http: nodeHttp,
      secrets: fakeSecrets({ [`${NS}/newrelic`]: { 'personal-api-key': 'NRAK-TEST', 'account-id': '1234', 'base-url-nerdgraph': `${api.url}/graphql` } }),
      namespace: NS,
    });
  const metric = (query: string, successCondition: string): Metric => ({ name: 'errors', successCondition, provider: { newRelic: { query } } });

  it('one row is an object, several a list', async () => {
    const one = await provider().run({ run, metric: metric("FROM Transaction SELECT percentage(count(*), WHERE error is true) AS 'percentage.errors'", 'result["percentage.errors"] < 1'), now: Date.now });
    assert.equal(one.phase, 'Successful', one.message);
    assert.equal(one.value, '{"percentage.errors":0.5}');
    const facets = await provider().run({ run, metric: metric('FROM Transaction SELECT count(*) FACET appName', 'all(result, .count < 10)'), now: Date.now });
    assert.equal(facets.phase, 'Successful', facets.message);
    assert.equal(facets.value, '[{"count":3,"facet":"web"},{"count":7,"facet":"api"}]');
  });

  it('GraphQL errors become the measurement\'s message', async () => {
    const m = await provider().run({ run, metric: metric('SELEKT 1', 'true'), now: Date.now });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'NRQL Syntax Error: Error at line 1 position 1');
  });
});

describe('wavefront provider against a Wavefront API double over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ramp-wavefront-'));
  const pki = generatePki(dir);
  const ca = readFileSync(pki.caCert, 'utf8');
  // The provider speaks https to the address as Wavefront's client does; the double's certificate is trusted here.
  const trusting: HttpPort = (url, init = {}) => nodeHttp(url, { ...init, tls: { caCert: ca } });
  const chart: Handler = (req) => {
    expect(req.method === 'GET' && req.url.pathname === '/api/v2/chart/api', 'GET /api/v2/chart/api');
    expect(req.headers['authorization'] === 'Bearer wf-token', 'Authorization: Bearer token');
    const p = req.url.searchParams;
    expect(p.get('s') === p.get('e') && /^\d+000$/.test(p.get('s') ?? ''), 's and e: the start in epoch milliseconds');
    expect(p.get('g') === 's' && p.get('p') === '1' && p.get('i') === 'true', 'granularity, points and series outside the window');
    const at = Number(p.get('s')) / 1000;
    const series = (p.get('q') ?? '').includes('by (env)') ? [{ label: 'errors', data: [[at - 10, 0.01]] }, { label: 'errors', data: [[at, 0.02]] }] : [{ label: 'errors', host: 'web-1', data: [[at - 60, 0.9], [at - 2, 0.015]] }];
    return { status: 200, body: { name: p.get('q'), query: p.get('q'), granularity: 1, timeseries: series, warnings: 'query truncated' } };
  };
  let api: Awaited<ReturnType<typeof listen>>;
  before(async () => {
    api = await listen(chart, { cert: readFileSync(pki.servingCert, 'utf8'), key: readFileSync(pki.servingKey, 'utf8') });
  });
  after(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const provider = () =>
    createWavefrontProvider({ http: trusting, secrets: fakeSecrets({ [`${NS}/wavefront-api-tokens`]: { [api.hostPort]: 'wf-token' } }), namespace: NS });
  const metric = (query: string, successCondition: string): Metric => ({ name: 'errors', successCondition, provider: { wavefront: { address: api.hostPort, query } } });

  it('the point nearest the measurement, with its timestamp, drift and the warnings', async () => {
    const m = await provider().run({ run, metric: metric('ts(http.errors)', 'result < 0.05'), now: Date.now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '0.01');
    assert.equal(m.metadata?.['drift'], '-2');
    assert.equal(m.metadata?.['warnings'], 'query truncated');
  });

  it('several series are a list', async () => {
    const m = await provider().run({ run, metric: metric('sum(ts(http.errors)) by (env)', 'all(result, # < 0.05)'), now: Date.now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[0.01,0.02]');
  });
});
