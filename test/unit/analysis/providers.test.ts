import assert from 'node:assert/strict';
import { providerAuth } from '../../../controller/analysis/providers/index.ts';
import { describe, it } from 'node:test';
import { formatGoFloat, formatGoFloatV, goJsonMarshal } from '../../../controller/analysis/providers/format.ts';
import type { HttpPort } from '../../../controller/http/client.ts';
import {
  createPrometheusProvider,
  evalTime,
  resolveAddress,
  timeoutMs,
  toResult,
} from '../../../controller/analysis/providers/prometheus/index.ts';
import { providerFor } from '../../../controller/analysis/providers/registry.ts';
import { parseJsonPath } from '../../../controller/analysis/providers/web/jsonpath.ts';
import { createWebProvider } from '../../../controller/analysis/providers/web/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, run, T } from '../../support/analysis-ports.ts';

const webProvider = (http: HttpPort) => createWebProvider({ http, ...providerAuth({ http }) });

describe('prometheus results reach conditions as Argo shapes them', () => {
  it('a vector is an array of numbers, printed as Go prints floats', () => {
    const data = { resultType: 'vector', result: [{ metric: {}, value: [1, '0.95'] }, { metric: {}, value: [1, 'NaN'] }] };
    const { result, value } = toResult(data);
    assert.equal(value, '[0.95,NaN]');
    assert.equal((result as number[])[0], 0.95);
    assert.ok(Number.isNaN((result as number[])[1]));
  });

  it('a scalar is a number; a matrix is flattened; a string is refused', () => {
    assert.deepEqual(toResult({ resultType: 'scalar', result: [1, '+Inf'] }), { result: Infinity, value: '+Inf' });
    assert.deepEqual(toResult({ resultType: 'matrix', result: [{ values: [[1, '1'], [2, '2']] }, { values: [[1, '3']] }] }), {
      result: [1, 2, 3],
      value: '[1,2,3]',
    });
    assert.throws(() => toResult({ resultType: 'string', result: [1, 'x'] }), { message: 'Prometheus metric type not supported' });
  });

  it("fmt's %v prints exponents below 1e-4 and from 1e21", () => {
    assert.deepEqual([0.001, 0.0001, 0.00002, 3, 1e20, 1.5e21, -2.5e-7, 0, NaN].map(formatGoFloatV), ['0.001', '0.0001', '2e-05', '3', '100000000000000000000', '1.5e+21', '-2.5e-07', '0', 'NaN']);
  });

  it('floats print without exponents', () => {
    assert.equal(formatGoFloat(1e21), '1000000000000000000000');
    assert.equal(formatGoFloat(1.5e-7), '0.00000015');
    assert.equal(formatGoFloat(-0.25), '-0.25');
  });

  it('address, timeout and range bounds are checked with Argo messages', () => {
    assert.throws(() => resolveAddress({}, undefined), { message: 'prometheus address is not configured' });
    assert.throws(() => resolveAddress({ address: 'prometheus:9090/x' }, undefined), { message: 'prometheus address is not is url format' });
    assert.equal(resolveAddress({}, 'http://prom:9090/'), 'http://prom:9090');
    assert.equal(timeoutMs({}), 30_000);
    assert.throws(() => timeoutMs({ timeout: -1 }), { message: 'prometheus timeout should not be negative' });
    assert.equal(evalTime('now() - duration("5m")', T), T - 300_000);
    assert.equal(evalTime('now()', T), T);
  });

  it('sends the query with headers and basic auth, and records the resolved query', async () => {
    const http = cannedHttp(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ value: [1, '0.99'] }] } }));
    const provider = createPrometheusProvider({ http, ...providerAuth({ http }) });
    const metric: Metric = {
      name: 'rate',
      successCondition: 'result[0] >= 0.95',
      provider: {
        prometheus: {
          address: 'http://prom:9090',
          query: 'up',
          headers: [{ key: 'X-Scope-OrgID', value: 'tenant_a' }],
          authentication: { basicAuth: { username: 'u', password: 'p' } },
        } as Metric['provider']['prometheus'],
      },
    };
    const m = await provider.run({ run, metric, now: () => T });
    assert.deepEqual(m, { phase: 'Successful', startedAt: '2025-03-01T12:00:00Z', value: '[0.99]', finishedAt: '2025-03-01T12:00:00Z' });
    const call = http.calls[0]!;
    assert.equal(call.url, 'http://prom:9090/api/v1/query');
    assert.equal(call.init.method, 'POST');
    assert.equal(call.init.headers?.['X-Scope-OrgID'], 'tenant_a');
    assert.equal(call.init.headers?.['Authorization'], `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(new URLSearchParams(call.init.body).get('query'), 'up');
    assert.deepEqual(provider.metadata?.(metric), { ResolvedPrometheusQuery: 'up' });
  });

  it('a condition error becomes an Error measurement without a value', async () => {
    const http = cannedHttp(200, JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    const provider = createPrometheusProvider({ http, ...providerAuth({ http }) });
    const metric: Metric = { name: 'rate', successCondition: 'result[0] >= 0.95', provider: { prometheus: { address: 'http://p:9090', query: 'up' } } };
    const m = await provider.run({ run, metric, now: () => T });
    assert.equal(m.phase, 'Error');
    assert.equal(m.value, undefined);
    assert.match(m.message ?? '', /^could not evaluate successCondition "result\[0\] >= 0.95": metric result is nil or empty/);
  });
});

describe('web provider requests and results', () => {
  const web = (overrides: Partial<NonNullable<Metric['provider']['web']>>, condition = 'true'): Metric => ({
    name: 'w',
    successCondition: condition,
    provider: { web: { url: 'http://svc/check', ...overrides } },
  });

  it('refuses a body with GET and both body kinds together', async () => {
    const provider = webProvider(cannedHttp(200, '{}'));
    const get = await provider.run({ run, metric: web({ body: 'x' }), now: () => T });
    assert.equal(get.message, 'Body/JSONBody can only be used with POST or PUT WebMetric Method types');
    const both = await provider.run({ run, metric: web({ method: 'POST', body: 'x', jsonBody: { a: 1 } }), now: () => T });
    assert.equal(both.message, 'use either Body or JSONBody; both cannot exists for WebMetric payload');
  });

  it('a body that is not JSON is recorded and Successful, as in Argo', async () => {
    const provider = webProvider(cannedHttp(200, 'test: notJson'));
    const m = await provider.run({ run, metric: web({}, 'false'), now: () => T });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, 'test: notJson');
  });

  it('values are recorded as Go marshals them: sorted keys, quoted strings', async () => {
    const provider = webProvider(cannedHttp(200, '{"key":{"num":1.2,"bool":true,"mapfield":{"foo":"bar"}}}'));
    const m = await provider.run({
      run,
      metric: web({ jsonPath: '{$.key}' }, 'result.num > 1.1 && result.bool && result.mapfield.foo == "bar"'),
      now: () => T,
    });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '{"bool":true,"mapfield":{"foo":"bar"},"num":1.2}');
    assert.equal(goJsonMarshal('<a&b>'), '"\\u003ca\\u0026b\\u003e"');
  });
});

describe('Kubernetes JSONPath subset', () => {
  const doc = {
    data: { ok: true, 'hyphen-key': 1 },
    items: [{ name: 'a', v: 1 }, { name: 'b', v: 2 }, { name: 'c', v: 3 }],
    series: [{ pointlist: [[0, 1], [1, 5]] }],
  };
  const cases: [string, unknown[]][] = [
    ['{$}', [doc]],
    ['{$.data.ok}', [true]],
    ['{.data.ok}', [true]],
    ["{$.data['hyphen-key']}", [1]],
    ['{$.data.hyphen-key}', [1]],
    ['{$.items[1].name}', ['b']],
    ['{$.items[-1].name}', ['c']],
    ['{$.items[0:2].v}', [1, 2]],
    ['{$.items[*].v}', [1, 2, 3]],
    ['{$.series[0].pointlist[-1:][1]}', [5]],
    ['{$.items[?(@.name=="b")].v}', [2]],
    ['{$.items[?(@.v > 1)].name}', ['b', 'c']],
    ['{..name}', ['a', 'b', 'c']],
  ];
  for (const [path, expected] of cases) {
    it(`${path} selects ${JSON.stringify(expected)}`, () => assert.deepEqual(parseJsonPath(path).find(doc), expected));
  }
  it('a missing key and an out-of-range index are errors', () => {
    assert.throws(() => parseJsonPath('{$.data.nope}').find(doc), { message: 'nope is not found' });
    assert.throws(() => parseJsonPath('{$.items[5]}').find(doc), { message: 'array index out of bounds: index 5, length 3' });
  });
});

describe('provider registry', () => {
  it('names the metric when no provider is set and when one is not supported', () => {
    const registry = {};
    assert.throws(() => providerFor({ name: 'm', provider: {} }, registry), { message: "no valid provider in metric 'm'" });
    assert.throws(() => providerFor({ name: 'm', provider: { skywalking: { query: 'x' } } }, registry), /metric 'm' uses provider 'skywalking'/);
  });
});
