import assert from 'node:assert/strict';
import { providerAuth } from '../../controller/analysis/providers/index.ts';
import { after, before, describe, it } from 'node:test';
import { nodeHttp } from '../../controller/http/client.ts';
import type { ProviderContext } from '../../controller/analysis/providers/provider.ts';
import { createWebProvider } from '../../controller/analysis/providers/web/index.ts';
import { resolveMetricArgs } from '../../controller/analysis/template.ts';
import type { AnalysisRun, Metric } from '../../controller/analysis/types.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';

describe('web provider against a loopback server', () => {
  let fixture: HttpFixture;
  before(async () => {
    fixture = await startHttpFixture();
  });
  after(async () => {
    await fixture?.close();
  });

  const provider = createWebProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp }) });
  const run = (metric: Metric, args: AnalysisRun['spec']['args'] = []): AnalysisRun => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'web-check', namespace: 'default', uid: 'u-1' },
    spec: { metrics: [metric], args },
  });
  const measure = (metric: Metric, args: AnalysisRun['spec']['args'] = []) => {
    const r = run(metric, args);
    const ctx: ProviderContext = { run: r, metric: resolveMetricArgs(metric, args), now: () => Date.now() };
    return provider.run(ctx);
  };

  it('reads a JSONPath value and sends headers filled from args', async () => {
    fixture.setJson('/health', { data: { ok: true, ratio: 0.98 } });
    const m = await measure(
      {
        name: 'health',
        successCondition: 'result == true',
        provider: {
          web: {
            url: `${fixture.url}/health?service={{ args.service }}`,
            headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }],
            jsonPath: '{$.data.ok}',
          },
        },
      },
      [
        { name: 'service', value: 'checkout' },
        { name: 'token', value: 's3cret' },
      ],
    );
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, 'true');
    const sent = fixture.requests.at(-1)!;
    assert.equal(sent.method, 'GET');
    assert.equal(sent.path, '/health');
    assert.equal(sent.headers['authorization'], 'Bearer s3cret');
  });

  it('evaluates structured results and fails when the condition does not hold', async () => {
    fixture.setJson('/stats', { requests_made: 100, requests_succeeded: 80 });
    const m = await measure({
      name: 'stats',
      successCondition: '(result.requests_succeeded / result.requests_made * 100) >= 90',
      provider: { web: { url: `${fixture.url}/stats` } },
    });
    assert.equal(m.phase, 'Failed');
    assert.equal(m.value, '{"requests_made":100,"requests_succeeded":80}');
  });

  it('posts a JSON body with its content type', async () => {
    fixture.setJson('/query', { result: 'ok' });
    const m = await measure({
      name: 'post',
      successCondition: 'result == "ok"',
      provider: { web: { method: 'POST', url: `${fixture.url}/query`, jsonBody: { q: 'x' }, jsonPath: '{$.result}' } },
    });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '"ok"');
    const sent = fixture.requests.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(sent.body), { q: 'x' });
  });

  it('a non-2xx answer is an Error', async () => {
    fixture.setJson('/down', { error: 'nope' }, 503);
    const m = await measure({ name: 'down', successCondition: 'true', provider: { web: { url: `${fixture.url}/down` } } });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'received non 2xx response code: 503');
  });

  it('a missing JSONPath key is an Error naming it', async () => {
    fixture.setJson('/health', { data: { ok: true } });
    const m = await measure({
      name: 'missing',
      successCondition: 'result',
      provider: { web: { url: `${fixture.url}/health`, jsonPath: '{$.data.missing}' } },
    });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'Could not find JSONPath in body: missing is not found');
  });

  it('times out as configured', async () => {
    const m = await measure({
      name: 'slow',
      successCondition: 'true',
      provider: { web: { url: 'http://127.0.0.1:9/unreachable', timeoutSeconds: 1 } },
    });
    assert.equal(m.phase, 'Error');
    assert.match(m.message ?? '', /127\.0\.0\.1:9/);
  });
});
