import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKayentaProvider, executionRequest, kayentaPhase } from '../../../controller/analysis/providers/kayenta/index.ts';
import { createSkyWalkingProvider, skywalkingRequest, skywalkingTime } from '../../../controller/analysis/providers/skywalking/index.ts';
import type { KayentaMetric } from '../../../controller/api/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, run, T } from '../../support/analysis-ports.ts';

describe('skywalking provider', () => {
  const metric = (skywalking: NonNullable<Metric['provider']['skywalking']>, successCondition = 'result.m.values[0].value > 90'): Metric => ({ name: 'm', successCondition, provider: { skywalking } });

  it('posts the query with a duration over the last interval in minute steps', () => {
    assert.deepEqual(JSON.parse(skywalkingRequest('q', 300_000, T)), { query: 'q', variables: { duration: { start: skywalkingTime(T - 300_000), end: skywalkingTime(T), step: 'MINUTE' } } });
    assert.match(skywalkingTime(T), /^\d{4}-\d{2}-\d{2} \d{4}$/);
  });

  const cases: { name: string; status: number; body: string; interval?: string; phase: string; value?: string; message?: string }[] = [
    { name: 'data reaches the condition', status: 200, body: '{"data":{"m":{"values":[{"value":99}]}}}', phase: 'Successful', value: '{"m":{"values":[{"value":99}]}}' },
    { name: 'a failing condition fails', status: 200, body: '{"data":{"m":{"values":[{"value":10}]}}}', phase: 'Failed' },
    { name: 'GraphQL errors are the message', status: 200, body: '{"errors":[{"message":"no such metric"}]}', phase: 'Error', message: 'graphql: no such metric' },
    { name: 'no data is an error', status: 200, body: '{"data":null}', phase: 'Error', message: 'no results returned from SkyWalking query' },
    { name: 'a non-JSON error status names the status', status: 502, body: 'bad gateway', phase: 'Error', message: 'graphql: server returned a non-200 status code: 502' },
    // Argo parses the interval when it builds the client: an empty one is an error.
    { name: 'no interval is an error, as in Argo', status: 200, body: '{"data":{}}', interval: '', phase: 'Error', message: 'time: invalid duration ""' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const http = cannedHttp(c.status, c.body);
      const m = await createSkyWalkingProvider({ http }).run({ run, metric: metric({ address: 'http://sw:12800', query: 'q', interval: c.interval ?? '5m' }), now: () => T });
      assert.equal(m.phase, c.phase, m.message);
      if (c.value !== undefined) assert.equal(m.value, c.value);
      if (c.message !== undefined) assert.equal(m.message, c.message);
      if (c.interval === undefined) assert.equal(http.calls[0]?.url, 'http://sw:12800/graphql');
    });
  }
});

describe('kayenta provider', () => {
  const spec: KayentaMetric = {
    address: 'http://kayenta:8090',
    application: 'app',
    canaryConfigName: 'cfg',
    metricsAccountName: 'metrics',
    configurationAccountName: 'config',
    storageAccountName: 'storage',
    threshold: { pass: 90, marginal: 75 },
    scopes: [{ name: 'default', controlScope: { scope: 'stable', region: 'r', step: 60 }, experimentScope: { scope: 'canary', region: 'r', step: 60 } }],
  };

  it('judges the score: pass and above Successful, marginal and above Inconclusive, else Failed', () => {
    assert.deepEqual([95, 90, 80, 75, 74].map((s) => kayentaPhase(s, 90, 75)), ['Successful', 'Successful', 'Inconclusive', 'Inconclusive', 'Failed']);
  });

  it('the execution window is the interval back from now, or the run\'s start with lookback; without either it is Argo\'s error', () => {
    assert.deepEqual(executionRequest(spec, { interval: '10m' }, T), {
      scopes: {
        default: {
          controlScope: { scope: 'stable', location: 'r', step: 60, start: '2025-03-01T11:50:00Z', end: '2025-03-01T12:00:00Z' },
          experimentScope: { scope: 'canary', location: 'r', step: 60, start: '2025-03-01T11:50:00Z', end: '2025-03-01T12:00:00Z' },
        },
      },
      thresholds: { pass: 90, marginal: 75 },
    });
    const lookback = executionRequest({ ...spec, lookback: true }, { runStartedAt: '2025-03-01T11:30:00Z' }, T) as { scopes: { default: { controlScope: { start: string } } } };
    assert.equal(lookback.scopes.default.controlScope.start, '2025-03-01T11:30:00Z');
    assert.throws(() => executionRequest(spec, {}, T), { message: 'Invalid duration "": time: invalid duration ""' });
  });

  const metric: Metric = { name: 'k', interval: '5m', provider: { kayenta: spec } };
  const started = { phase: 'Running' as const, startedAt: '2025-03-01T12:00:00Z', metadata: { canaryExecutionId: 'e1' } };
  const resumes: { name: string; body: string; phase: string; value?: string; message?: string }[] = [
    { name: 'a complete execution is judged by its truncated score', body: '{"complete":true,"result":{"judgeResult":{"score":{"score":89.9}}}}', phase: 'Inconclusive', value: '89' },
    { name: 'an incomplete one polls again in 15s', body: '{"complete":false}', phase: 'Running' },
    { name: 'a missing status is an error', body: '{}', phase: 'Error', message: 'Missing Complete Status' },
    { name: 'a missing score is an error', body: '{"complete":true,"result":{}}', phase: 'Error', message: 'Missing Score' },
  ];
  for (const c of resumes) {
    it(`resume: ${c.name}`, async () => {
      const http = cannedHttp(200, c.body);
      const m = await createKayentaProvider({ http }).resume!({ run, metric, now: () => T }, started);
      assert.equal(m.phase, c.phase, m.message);
      if (c.value !== undefined) assert.equal(m.value, c.value);
      if (c.message !== undefined) assert.equal(m.message, c.message);
      if (c.phase === 'Running') assert.equal(m.resumeAt, '2025-03-01T12:00:15Z');
      assert.equal(http.calls[0]?.url, 'http://kayenta:8090/canary/e1');
    });
  }

  it('run: a canary config not found by name is an error', async () => {
    const m = await createKayentaProvider({ http: cannedHttp(200, '[{"id":"x","name":"other"}]') }).run({ run, metric, now: () => T });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'Canary config not found');
  });
});
