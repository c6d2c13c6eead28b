import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeHttp } from '../../controller/http/client.ts';
import { createKayentaProvider } from '../../controller/analysis/providers/kayenta/index.ts';
import { createSkyWalkingProvider, skywalkingTime } from '../../controller/analysis/providers/skywalking/index.ts';
import type { AnalysisRun, Metric } from '../../controller/analysis/types.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';

const runOf = (metric: Metric, startedAt?: string): AnalysisRun => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'r', namespace: 'default', uid: 'u' },
  spec: { metrics: [metric] },
  ...(startedAt ? { status: { phase: 'Running', startedAt } } : {}),
});

describe('SkyWalking and Kayenta providers against loopback servers', () => {
  let fixture: HttpFixture;
  before(async () => {
    fixture = await startHttpFixture();
  });
  after(async () => {
    await fixture?.close();
  });
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);

  it('SkyWalking: posts the GraphQL query with the duration variable and evaluates its data', async () => {
    const query = 'query queryData($duration: Duration!) { service_apdex: readMetricsValues(condition: { name: "service_apdex", entity: { scope: Service, serviceName: "checkout", normal: true } }, duration: $duration) { values { values { value } } } }';
    fixture.setJson('/graphql', { data: { service_apdex: { values: { values: [{ value: 10000 }, { value: 9800 }] } } } });
    const metric: Metric = {
      name: 'apdex',
      successCondition: 'all(result.service_apdex.values.values, {#.value >= 9500})',
      provider: { skywalking: { address: fixture.url, query, interval: '5m' } },
    };
    const provider = createSkyWalkingProvider({ http: nodeHttp });
    fixture.requests.length = 0;
    const m = await provider.run({ run: runOf(metric), metric, now: () => now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '{"service_apdex":{"values":{"values":[{"value":10000},{"value":9800}]}}}');
    const sent = fixture.requests.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/graphql');
    assert.equal(sent.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(sent.body), { query, variables: { duration: { start: skywalkingTime(now - 300_000), end: skywalkingTime(now), step: 'MINUTE' } } });

    fixture.setJson('/graphql', { data: null, errors: [{ message: 'metric service_apdex not found' }] });
    const failed = await provider.run({ run: runOf(metric), metric, now: () => now });
    assert.equal(failed.phase, 'Error');
    assert.equal(failed.message, 'graphql: metric service_apdex not found');
  });

  const kayenta = (address: string, lookback = false): Metric => ({
    name: 'kayenta',
    interval: '10m',
    provider: {
      kayenta: {
        address,
        application: 'guestbook',
        canaryConfigName: 'my-test',
        metricsAccountName: 'wavefront-prod',
        configurationAccountName: 'intuit-kayenta',
        storageAccountName: 'intuit-kayenta',
        threshold: { pass: 90, marginal: 75 },
        scopes: [
          {
            name: 'default',
            controlScope: { scope: 'app=guestbook and rollouts-pod-template-hash=stable', region: 'us-west-2', step: 60 },
            experimentScope: { scope: 'app=guestbook and rollouts-pod-template-hash=canary', region: 'us-west-2', step: 60 },
          },
        ],
        ...(lookback ? { lookback: true } : {}),
      },
    },
  });

  it('Kayenta: finds the config, starts the execution, polls until complete and judges the score', async () => {
    fixture.setJson('/canaryConfig', [{ id: 'other', name: 'other' }, { id: 'cfg-1', name: 'my-test', applications: ['guestbook'] }]);
    fixture.setJson('/canary/cfg-1', { canaryExecutionId: 'exec-1' });
    fixture.setJson('/canary/exec-1', { complete: false });
    const provider = createKayentaProvider({ http: nodeHttp });
    const metric = kayenta(fixture.url);
    const run = runOf(metric);
    fixture.requests.length = 0;
    const started = await provider.run({ run, metric, now: () => now });
    assert.equal(started.phase, 'Running', started.message);
    assert.deepEqual(started.metadata, { canaryExecutionId: 'exec-1' });
    assert.equal(started.resumeAt, '2026-01-01T12:00:15Z');

    const [lookup, start] = fixture.requests;
    assert.equal(lookup!.method, 'GET');
    assert.equal(`${lookup!.path}${lookup!.query}`, '/canaryConfig?application=guestbook&configurationAccountName=intuit-kayenta');
    assert.equal(start!.method, 'POST');
    assert.equal(
      `${start!.path}${start!.query}`,
      '/canary/cfg-1?application=guestbook&metricsAccountName=wavefront-prod&configurationAccountName=intuit-kayenta&storageAccountName=intuit-kayenta',
    );
    assert.equal(start!.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(start!.body), {
      scopes: {
        default: {
          controlScope: { scope: 'app=guestbook and rollouts-pod-template-hash=stable', location: 'us-west-2', step: 60, start: '2026-01-01T11:50:00Z', end: '2026-01-01T12:00:00Z' },
          experimentScope: { scope: 'app=guestbook and rollouts-pod-template-hash=canary', location: 'us-west-2', step: 60, start: '2026-01-01T11:50:00Z', end: '2026-01-01T12:00:00Z' },
        },
      },
      thresholds: { pass: 90, marginal: 75 },
    });

    const later = now + 15_000;
    const polling = await provider.resume!({ run, metric, now: () => later }, started);
    assert.equal(polling.phase, 'Running');
    assert.equal(polling.resumeAt, '2026-01-01T12:00:30Z');
    assert.equal(fixture.requests.at(-1)!.path, '/canary/exec-1');

    const judged = async (score: number) => {
      fixture.setJson('/canary/exec-1', { complete: true, result: { judgeResult: { score: { score } } } });
      return provider.resume!({ run, metric, now: () => later }, polling);
    };
    assert.deepEqual([(await judged(95.7)).phase, (await judged(80)).phase, (await judged(10)).phase], ['Successful', 'Inconclusive', 'Failed']);
    assert.equal((await judged(95.7)).value, '95');
  });

  it('Kayenta: lookback starts the window when the run started; errors are Argo’s', async () => {
    fixture.setJson('/canaryConfig', [{ id: 'cfg-1', name: 'my-test' }]);
    fixture.setJson('/canary/cfg-1', { canaryExecutionId: 'exec-2' });
    const provider = createKayentaProvider({ http: nodeHttp });
    const metric = kayenta(fixture.url, true);
    fixture.requests.length = 0;
    await provider.run({ run: runOf(metric, '2026-01-01T11:00:00Z'), metric, now: () => now });
    const body = JSON.parse(fixture.requests.at(-1)!.body) as { scopes: { default: { controlScope: { start: string } } } };
    assert.equal(body.scopes.default.controlScope.start, '2026-01-01T11:00:00Z');

    fixture.setJson('/canaryConfig', [], 500);
    assert.equal((await provider.run({ run: runOf(metric), metric, now: () => now })).message, 'Invalid Response: HTTP 500');
    fixture.setJson('/canaryConfig', [{ id: 'x', name: 'x' }]);
    assert.equal((await provider.run({ run: runOf(metric), metric, now: () => now })).message, 'Canary config not found');
    fixture.setJson('/canary/exec-2', { complete: true, result: {} });
    const m = await provider.resume!({ run: runOf(metric), metric, now: () => now }, { phase: 'Running', metadata: { canaryExecutionId: 'exec-2' } });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'Missing Score');
  });
});
