import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartUrl, createWavefrontProvider, nearestPoint, toResult } from '../../../controller/analysis/providers/wavefront/index.ts';
import { formatGoFixed } from '../../../controller/analysis/providers/format.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, fakeSecrets, run, T } from '../../support/analysis-ports.ts';

const NS = 'argo-rollouts';
const S = T / 1000;
const metric = (successCondition: string): Metric => ({
  name: 'errors',
  successCondition,
  provider: { wavefront: { address: 'example.wavefront.com', query: 'sum(rate(ts(errors)))' } },
});

describe('wavefront provider', () => {
  it('asks the chart API for one point at the measurement time', () => {
    const url = new URL(chartUrl('example.wavefront.com', 'ts(x)', S));
    assert.equal(url.origin + url.pathname, 'https://example.wavefront.com/api/v2/chart/api');
    assert.equal(url.searchParams.get('q'), 'ts(x)');
    assert.equal(url.searchParams.get('s'), String(T));
    assert.equal(url.searchParams.get('e'), String(T));
    assert.equal(url.searchParams.get('p'), '1');
    assert.equal(url.searchParams.get('g'), 's');
    assert.equal(url.searchParams.get('i'), 'true');
  });

  it('the point nearest the start is taken; one series is a number, several a list', () => {
    assert.deepEqual(nearestPoint([[S - 30, 1], [S + 5, 2], [S + 60, 3]], S), { value: 2, epoch: S + 5, drift: '5' });
    assert.deepEqual(toResult([{ data: [[S, 0.5]] }], S), { result: 0.5, value: '0.50', timestamps: String(S), drift: '0' });
    assert.deepEqual(toResult([{ data: [[S, 1]] }, { data: [[S - 2, 2.345]] }], S), {
      result: [1, 2.345],
      value: '[1.00,2.35]',
      timestamps: `[${S},${S - 2}]`,
      drift: '[0,-2]',
    });
    assert.throws(() => toResult([], S), { message: 'No TimeSeries found in response from Wavefront' });
  });

  it('the token is the Secret key named by the address; warnings and timestamps are recorded', async () => {
    const http = cannedHttp(200, JSON.stringify({ timeseries: [{ data: [[S, 0.001]] }], warnings: 'slow query' }));
    const secrets = fakeSecrets({ [`${NS}/wavefront-api-tokens`]: { 'example.wavefront.com': 'tok', 'other.wavefront.com': 'no' } });
    const m = await createWavefrontProvider({ http, secrets, namespace: NS }).run({ run, metric: metric('result < 0.01'), now: () => T });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '0.00');
    assert.deepEqual(m.metadata, { warnings: 'slow query', timestamps: String(S), drift: '0' });
    assert.equal(http.calls[0]!.init.headers?.['Authorization'], 'Bearer tok');
  });

  it('no token for the address, and an error status, are Error measurements', async () => {
    const secrets = fakeSecrets({ [`${NS}/wavefront-api-tokens`]: { 'other.wavefront.com': 'no' } });
    const missing = await createWavefrontProvider({ http: cannedHttp(200, '{}'), secrets, namespace: NS }).run({ run, metric: metric('true'), now: () => T });
    assert.equal(missing.message, 'API token not found');
    const ok = fakeSecrets({ [`${NS}/wavefront-api-tokens`]: { 'example.wavefront.com': 'tok' } });
    const failed = await createWavefrontProvider({ http: cannedHttp(401, 'unauthorized'), secrets: ok, namespace: NS }).run({ run, metric: metric('true'), now: () => T });
    assert.equal(failed.message, 'server returned 401 Unauthorized\nunauthorized\n');
  });
});

describe('Go float printing', () => {
  it('%.2f rounds exact ties to even, others as written', () => {
    assert.equal(formatGoFixed(0.125, 2), '0.12');
    assert.equal(formatGoFixed(0.375, 2), '0.38');
    assert.equal(formatGoFixed(2.345, 2), '2.35');
    assert.equal(formatGoFixed(-1.5, 0), '-2');
    assert.equal(formatGoFixed(-2.5, 0), '-2');
  });
});
