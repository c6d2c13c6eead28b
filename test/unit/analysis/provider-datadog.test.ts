import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRequest, createDatadogProvider, findCredentials, parseResponse, validate } from '../../../controller/analysis/providers/datadog/index.ts';
import type { DatadogMetric } from '../../../controller/api/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, fakeSecrets, run, T } from '../../support/analysis-ports.ts';

const KEYS = { 'api-key': 'api', 'app-key': 'app' };
const metric = (datadog: DatadogMetric, successCondition = 'result < 0.01'): Metric => ({ name: 'errors', successCondition, provider: { datadog } });

describe('datadog credentials', () => {
  const deps = (secrets: Record<string, Record<string, string>>, env: Record<string, string> = {}) => ({
    http: cannedHttp(200, '{}'),
    secrets: fakeSecrets(secrets),
    namespace: 'argo-rollouts',
    env,
  });

  it('the `datadog` Secret in the controller namespace, with its address', async () => {
    const found = await findCredentials(deps({ 'argo-rollouts/datadog': { ...KEYS, address: 'https://api.datadoghq.eu' } }), {}, run);
    assert.deepEqual(found, { address: 'https://api.datadoghq.eu', apiKey: 'api', appKey: 'app' });
  });

  it('DD_* variables come before the default Secret, and only all three together', async () => {
    const env = { DD_API_KEY: 'e-api', DD_APP_KEY: 'e-app', DD_ADDRESS: '' };
    assert.deepEqual(await findCredentials(deps({ 'argo-rollouts/datadog': KEYS }, env), {}, run), { address: '', apiKey: 'e-api', appKey: 'e-app' });
    assert.equal((await findCredentials(deps({ 'argo-rollouts/datadog': KEYS }, { DD_API_KEY: 'x', DD_APP_KEY: 'y' }), {}, run)).apiKey, 'api');
  });

  it('secretRef names a Secret, in the run\'s namespace when namespaced', async () => {
    const d = deps({ 'ns/team-dd': KEYS, 'argo-rollouts/other': KEYS });
    assert.equal((await findCredentials(d, { secretRef: { name: 'team-dd', namespaced: true } }, run)).apiKey, 'api');
    assert.equal((await findCredentials(d, { secretRef: { name: 'other' } }, run)).appKey, 'app');
    await assert.rejects(findCredentials(d, { secretRef: { namespaced: true } }, run), { message: 'secret name is required for namespaced credentials' });
    await assert.rejects(findCredentials(deps({ 'argo-rollouts/datadog': { 'api-key': 'only' } }), {}, run), {
      message: 'failed to find the credentials for datadog metrics provider',
    });
  });
});

describe('datadog requests', () => {
  it('v1 is a GET over the interval ending now, v1 the default', () => {
    const req = buildRequest({ query: 'avg:errors{*}', interval: '10m' }, '', T);
    const url = new URL(req.url);
    assert.equal(req.method, 'GET');
    assert.equal(url.origin + url.pathname, 'https://api.datadoghq.com/api/v1/query');
    assert.equal(url.searchParams.get('query'), 'avg:errors{*}');
    assert.equal(url.searchParams.get('to'), String(T / 1000));
    assert.equal(url.searchParams.get('from'), String(T / 1000 - 600));
  });

  it('v2 posts a scalar request in milliseconds, named queries with the aggregator (last by default) and the formula', () => {
    const req = buildRequest({ apiVersion: 'v2', queries: { b: 'sum:b{*}', a: 'sum:a{*}' }, formula: 'a/b' }, 'https://dd.example', T);
    assert.equal(req.url, 'https://dd.example/api/v2/query/scalar');
    assert.equal(req.method, 'POST');
    assert.deepEqual(JSON.parse(req.body!), {
      data: {
        type: 'scalar_request',
        attributes: {
          from: T - 300_000,
          to: T,
          queries: [
            { aggregator: 'last', data_source: 'metrics', name: 'a', query: 'sum:a{*}' },
            { aggregator: 'last', data_source: 'metrics', name: 'b', query: 'sum:b{*}' },
          ],
          formulas: [{ formula: 'a/b' }],
        },
      },
    });
    const single = JSON.parse(buildRequest({ apiVersion: 'v2', query: 'q', aggregator: 'avg' }, '', T).body!);
    assert.deepEqual(single.data.attributes.queries, [{ aggregator: 'avg', data_source: 'metrics', name: 'query', query: 'q' }]);
    assert.deepEqual(single.data.attributes.formulas, []);
  });

  it('template checks use Argo\'s messages', () => {
    assert.throws(() => validate({}), { message: 'Must have either a query or queries. Please review the Analysis Template.' });
    assert.throws(() => validate({ query: 'q', queries: { a: 'x' } }), /Cannot have both a query and queries/);
    assert.throws(() => validate({ queries: { a: 'x' } }), /API Version v1 only supports using the query parameter/);
    assert.throws(() => validate({ apiVersion: 'v2', query: 'q', formula: 'a' }), /Formula are only valid when queries are set/);
    assert.throws(() => validate({ apiVersion: 'v2', queries: { a: 'x', b: 'y' } }), { message: 'When multiple queries are provided you must include a formula.' });
    assert.throws(() => validate({ query: 'q', aggregator: 'avg' }), /Aggregator is not supported in v1/);
    assert.throws(() => validate({ query: 'q', requestTimeout: '0s' }), /Request timeout must be a positive duration/);
  });
});

describe('datadog responses', () => {
  it('v1: the last point of the first series; no data is nil with the series printed', () => {
    assert.deepEqual(parseResponse('v1', 200, '{"series":[{"pointlist":[[1,0.5],[2,0.005]]}]}'), { result: 0.005, value: '0.005' });
    assert.deepEqual(parseResponse('v1', 200, '{"series":[]}'), { result: null, value: '[]' });
    assert.deepEqual(parseResponse('v1', 200, '{}'), { result: null, value: 'null' });
    assert.throws(() => parseResponse('v1', 200, '{"series":[{"pointlist":[[1]]}]}'), { message: 'Datapoint does not have 2 values' });
  });

  it('v2: the first value of the first column; errors and empty answers as Argo reports them', () => {
    assert.deepEqual(parseResponse('v2', 200, '{"data":{"attributes":{"columns":[{"values":[0.25]}]}}}'), { result: 0.25, value: '0.25' });
    assert.deepEqual(parseResponse('v2', 200, '{"data":{"attributes":{"columns":[{"values":[]}]}}}'), { result: null, value: '[]' });
    assert.deepEqual(parseResponse('v2', 200, '{"data":{"attributes":{}}}'), { result: null, value: '{"Columns":null}' });
    assert.throws(() => parseResponse('v2', 200, '{"data":{"errors":"bad query"}}'), { message: 'There were errors in your query: bad query' });
  });

  it('status codes: authentication and others', () => {
    assert.throws(() => parseResponse('v1', 403, 'denied'), { message: 'received authentication error response code: 403 denied' });
    assert.throws(() => parseResponse('v2', 500, 'oops'), { message: 'received non 2xx response code: 500 oops' });
    assert.throws(() => parseResponse('v1', 200, 'not json'), /^Error: Could not parse JSON body/);
  });

  it('a measurement sends the keys and evaluates the value; nil reaches the condition', async () => {
    const http = cannedHttp(200, '{"series":[{"pointlist":[[1,0.002]]}]}');
    const provider = createDatadogProvider({ http, secrets: fakeSecrets({ 'argo-rollouts/datadog': KEYS }), namespace: 'argo-rollouts', env: {} });
    const m = await provider.run({ run, metric: metric({ query: 'q' }), now: () => T });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '0.002');
    assert.deepEqual(http.calls[0]!.init.headers, { 'Content-Type': 'application/json', 'DD-API-KEY': 'api', 'DD-APPLICATION-KEY': 'app' });

    const empty = createDatadogProvider({ http: cannedHttp(200, '{"series":[]}'), secrets: fakeSecrets({ 'argo-rollouts/datadog': KEYS }), namespace: 'argo-rollouts', env: {} });
    const nil = await empty.run({ run, metric: metric({ query: 'q' }, 'default(result, 0) == 0'), now: () => T });
    assert.equal(nil.phase, 'Successful');
    assert.equal(nil.value, '[]');
  });
});
