import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signV4 } from '../../controller/analysis/providers/aws/sigv4.ts';
import { nodeHttp } from '../../controller/http/client.ts';
import { providerAuth } from '../../controller/analysis/providers/index.ts';
import { createPrometheusProvider } from '../../controller/analysis/providers/prometheus/index.ts';
import type { ProviderContext } from '../../controller/analysis/providers/provider.ts';
import { createWebProvider } from '../../controller/analysis/providers/web/index.ts';
import type { AnalysisRun, Metric } from '../../controller/analysis/types.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';

const run = (metric: Metric): AnalysisRun => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'auth', namespace: 'default', uid: 'u-1' },
  spec: { metrics: [metric] },
});
const ctx = (metric: Metric): ProviderContext => ({ run: run(metric), metric, now: () => Date.now() });

describe('provider authentication against a loopback server', () => {
  let fixture: HttpFixture;
  before(async () => {
    fixture = await startHttpFixture();
  });
  after(async () => {
    await fixture?.close();
  });

  it('web oauth2: one client-credentials grant, its bearer token on every measurement', async () => {
    fixture.setJson('/oauth/token', { access_token: 'tok-1', token_type: 'bearer', expires_in: 3600 });
    fixture.setJson('/api/health', { ok: true });
    const web = createWebProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp }) });
    const metric: Metric = {
      name: 'health',
      successCondition: 'result == true',
      provider: {
        web: {
          url: `${fixture.url}/api/health`,
          jsonPath: '{$.ok}',
          authentication: { oauth2: { tokenUrl: `${fixture.url}/oauth/token`, clientId: 'ramp', clientSecret: 'shh', scopes: ['metrics:read'] } },
        },
      },
    };
    fixture.requests.length = 0;
    for (let i = 0; i < 2; i++) assert.equal((await web.run(ctx(metric))).phase, 'Successful');
    const tokenRequests = fixture.requests.filter((r) => r.path === '/oauth/token');
    assert.equal(tokenRequests.length, 1);
    const grant = tokenRequests[0]!;
    assert.equal(grant.method, 'POST');
    assert.equal(grant.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(grant.headers['authorization'], `Basic ${Buffer.from('ramp:shh').toString('base64')}`);
    assert.equal(grant.body, 'grant_type=client_credentials&scope=metrics%3Aread');
    const queries = fixture.requests.filter((r) => r.path === '/api/health');
    assert.deepEqual(queries.map((r) => r.headers['authorization']), ['Bearer tok-1', 'Bearer tok-1']);
  });

  it('prometheus sigv4: the query is signed for aps with the environment credentials, as received', async () => {
    const path = '/workspaces/ws-1/api/v1/query';
    fixture.setJson(path, { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.5'] }] } });
    const credentials = { accessKeyId: 'AKIDRAMP', secretAccessKey: 'ramp-secret', sessionToken: 'ramp-session' };
    const awsEnvironment = {
      env: { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken },
      homeDir: '/nonexistent',
      readFile: () => undefined,
    };
    const prometheus = createPrometheusProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp, awsEnvironment }) });
    const metric: Metric = {
      name: 'ratio',
      successCondition: 'result[0] < 1',
      provider: { prometheus: { address: `${fixture.url}/workspaces/ws-1`, query: 'up', authentication: { sigv4: { region: 'eu-central-1' } } } },
    };
    fixture.requests.length = 0;
    const m = await prometheus.run(ctx(metric));
    assert.equal(m.phase, 'Successful', m.message);
    const sent = fixture.requests.at(-1)!;
    assert.equal(sent.path, path);
    assert.equal(sent.headers['x-amz-security-token'], 'ramp-session');
    const date = String(sent.headers['x-amz-date']);
    assert.match(date, /^\d{8}T\d{6}Z$/);
    const authorization = String(sent.headers['authorization']);
    assert.match(authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=AKIDRAMP/${date.slice(0, 8)}/eu-central-1/aps/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=`));
    // The server's own check: the signature recomputed from the request as it arrived.
    const at = Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15));
    const expected = signV4({
      method: sent.method,
      url: `${fixture.url}${sent.path}`,
      headers: { 'content-type': String(sent.headers['content-type']), host: String(sent.headers['host']) },
      body: sent.body,
      service: 'aps',
      region: 'eu-central-1',
      credentials,
      now: at,
    });
    assert.equal(authorization, expected['Authorization']);
  });
});
