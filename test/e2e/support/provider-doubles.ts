// The SaaS metric APIs (Datadog, New Relic, Wavefront, CloudWatch, SkyWalking,
// Kayenta) and a web endpoint behind an OAuth2 token endpoint, as in-process
// doubles for the controller process to measure: each answers only requests
// shaped as the vendor documents them, with "good" or "bad" data by the service
// named in the query. Each family is the one AnalysisTemplate metric that
// measures it, taking the service from the template's `service` argument.
import { readFileSync } from 'node:fs';
import { signV4 } from '../../../controller/analysis/providers/aws/sigv4.ts';
import { NRQL_QUERY } from '../../../controller/analysis/providers/newrelic/index.ts';
import { generatePki } from '../../cluster/pki.ts';
import { expect, listen, type ApiDouble, type Received } from '../../support/api-double.ts';

export type Verdict = 'good' | 'bad';

export interface Family {
  name: string;
  /** The AnalysisTemplate metric; `{{args.service}}` is `good` or `bad`. */
  metric: Record<string, unknown>;
  /** Secrets (name → data) in the controller's namespace. */
  secrets?: Record<string, Record<string, string>>;
  /** Environment of the controller process. */
  env?: Record<string, string>;
  /** Every request this family's doubles received. */
  received(): Received[];
  close(): Promise<void>;
}

/** `good` or `bad` from a request field; anything else is not a request this test sends. */
function verdictOf(text: string, what: string): Verdict {
  const found = /\b(good|bad)\b/.exec(text)?.[1];
  expect(found !== undefined, `${what} names the good or the bad service`);
  return found as Verdict;
}

function family(name: string, servers: ApiDouble[], rest: Omit<Family, 'name' | 'received' | 'close'>): Family {
  return { name, ...rest, received: () => servers.flatMap((s) => s.received), close: async () => void (await Promise.all(servers.map((s) => s.close()))) };
}

async function datadog(): Promise<Family> {
  const api = await listen((req) => {
    expect(req.method === 'GET' && req.url.pathname === '/api/v1/query', 'GET /api/v1/query');
    expect(req.headers['dd-api-key'] === 'dd-api' && req.headers['dd-application-key'] === 'dd-app', 'DD-API-KEY and DD-APPLICATION-KEY headers');
    const [from, to] = [Number(req.url.searchParams.get('from')), Number(req.url.searchParams.get('to'))];
    expect(Number.isInteger(from) && to - from === 300, 'from/to: the 5m default interval in seconds');
    const verdict = verdictOf(req.url.searchParams.get('query') ?? '', 'query');
    return { status: 200, body: { status: 'ok', res_type: 'time_series', series: [{ metric: 'http.errors', pointlist: [[(to - 60) * 1000, 0.02], [to * 1000, verdict === 'good' ? 0.004 : 0.3]] }] } };
  });
  return family('datadog', [api], {
    metric: { successCondition: 'result < 0.01', provider: { datadog: { query: 'avg:http.errors{service:{{args.service}}}' } } },
    secrets: { datadog: { 'api-key': 'dd-api', 'app-key': 'dd-app', address: api.url } },
  });
}

async function newRelic(): Promise<Family> {
  const api = await listen((req) => {
    expect(req.method === 'POST' && req.url.pathname === '/graphql', 'POST /graphql');
    expect(req.headers['api-key'] === 'NRAK-E2E' && req.headers['content-type'] === 'application/json', 'Api-Key and Content-Type headers');
    const body = JSON.parse(req.body) as { query: string; variables: { accountId: number; query: string } };
    expect(body.query === NRQL_QUERY && body.variables.accountId === 4321, 'the nrql query with the accountId variable');
    const errors = verdictOf(body.variables.query, 'NRQL') === 'good' ? 0.5 : 12;
    return { status: 200, body: { data: { actor: { account: { nrql: { results: [{ errors }] } } } } } };
  });
  return family('newrelic', [api], {
    metric: { successCondition: 'result.errors < 1', provider: { newRelic: { query: "FROM Transaction SELECT percentage(count(*), WHERE error is true) AS 'errors' WHERE appName = '{{args.service}}'" } } },
    secrets: { newrelic: { 'personal-api-key': 'NRAK-E2E', 'account-id': '4321', 'base-url-nerdgraph': `${api.url}/graphql` } },
  });
}

// Wavefront is https only: the controller trusts the double's CA through NODE_EXTRA_CA_CERTS. Its
// token Secret is keyed by the metric's address, and a Secret key cannot hold ':', so the address is
// a bare host and the double answers on 443 (the test runs as root, as the control plane does).
async function wavefront(dir: string): Promise<Family> {
  const pki = generatePki(dir);
  const api = await listen(
    (req) => {
      expect(req.method === 'GET' && req.url.pathname === '/api/v2/chart/api', 'GET /api/v2/chart/api');
      expect(req.headers['authorization'] === 'Bearer wf-e2e', 'Authorization: Bearer token');
      const p = req.url.searchParams;
      expect(p.get('s') === p.get('e') && p.get('g') === 's' && p.get('p') === '1' && p.get('i') === 'true', 's, e, g, p and i as the Wavefront client sends them');
      const at = Number(p.get('s')) / 1000;
      const value = verdictOf(p.get('q') ?? '', 'q') === 'good' ? 0.01 : 0.4;
      return { status: 200, body: { name: p.get('q'), query: p.get('q'), granularity: 1, timeseries: [{ label: 'errors', data: [[at, value]] }] } };
    },
    { cert: readFileSync(pki.servingCert, 'utf8'), key: readFileSync(pki.servingKey, 'utf8') },
    443,
  );
  const host = '127.0.0.1';
  return family('wavefront', [api], {
    metric: { successCondition: 'result < 0.05', provider: { wavefront: { address: host, query: 'ts(http.errors, service={{args.service}})' } } },
    secrets: { 'wavefront-api-tokens': { [host]: 'wf-e2e' } },
    env: { NODE_EXTRA_CA_CERTS: pki.caCert },
  });
}

const AWS = { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e-secret' };

const getMetricDataResponse = (values: number[]) => `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <GetMetricDataResult><MetricDataResults><member><Id>rate</Id><Label>5xx rate</Label><StatusCode>Complete</StatusCode>
    <Timestamps>${values.map(() => '<member>2026-01-01T11:59:00Z</member>').join('')}</Timestamps>
    <Values>${values.map((v) => `<member>${v}</member>`).join('')}</Values><Messages/>
  </member></MetricDataResults><Messages/></GetMetricDataResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetMetricDataResponse>`;

async function cloudWatch(): Promise<Family> {
  let url = '';
  const api = await listen((req) => {
    expect(req.method === 'POST' && req.url.pathname === '/', 'POST /');
    const date = String(req.headers['x-amz-date'] ?? '');
    const at = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
    expect(at !== null, 'X-Amz-Date');
    const now = Date.UTC(Number(at![1]), Number(at![2]) - 1, Number(at![3]), Number(at![4]), Number(at![5]), Number(at![6]));
    // The signature recomputed with the AWS algorithm over what arrived.
    const expected = signV4({ method: 'POST', url: `${url}/`, headers: { 'content-type': String(req.headers['content-type']), host: String(req.headers['host']) }, body: req.body, service: 'monitoring', region: 'us-west-2', credentials: AWS, now });
    expect(req.headers['authorization'] === expected['Authorization'], 'the SigV4 signature');
    const form = new URLSearchParams(req.body);
    expect(form.get('Action') === 'GetMetricData' && form.get('Version') === '2010-08-01', 'Action and Version');
    const verdict = verdictOf(form.get('MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value') ?? '', 'the dimension');
    return { status: 200, body: getMetricDataResponse(verdict === 'good' ? [0.001, 0.002] : [0.001, 0.5]) };
  });
  url = api.url;
  return family('cloudwatch', [api], {
    metric: {
      successCondition: 'all(result[0].Values, {# <= 0.01})',
      provider: {
        cloudWatch: {
          interval: '5m',
          metricDataQueries: [
            {
              id: 'rate',
              metricStat: { metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: [{ name: 'Service', value: '{{args.service}}' }] }, period: '60', stat: 'Sum' },
            },
          ],
        },
      },
    },
    env: { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: AWS.accessKeyId, AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey, AWS_ENDPOINT_URL_CLOUDWATCH: `${api.url}/` },
  });
}

async function skyWalking(): Promise<Family> {
  const api = await listen((req) => {
    expect(req.method === 'POST' && req.url.pathname === '/graphql', 'POST /graphql');
    const body = JSON.parse(req.body) as { query: string; variables: { duration?: { start: string; end: string; step: string } } };
    expect(body.variables.duration?.step === 'MINUTE', 'the duration variable');
    const value = verdictOf(body.query, 'the GraphQL query') === 'good' ? 9900 : 6000;
    return { status: 200, body: { data: { service_apdex: { values: { values: [{ value: 10000 }, { value }] } } } } };
  });
  const query = 'query queryData($duration: Duration!) { service_apdex: readMetricsValues(condition: { name: "service_apdex", entity: { scope: Service, serviceName: "{{args.service}}", normal: true } }, duration: $duration) { values { values { value } } } }';
  return family('skywalking', [api], { metric: { successCondition: 'all(result.service_apdex.values.values, {#.value >= 9500})', provider: { skywalking: { address: api.url, query, interval: '5m' } } } });
}

async function kayenta(): Promise<Family> {
  const api = await listen((req) => {
    const path = req.url.pathname;
    if (req.method === 'GET' && path === '/canaryConfig') {
      expect(req.url.searchParams.get('application') === 'checkout', 'application parameter');
      return { status: 200, body: [{ id: 'cfg-1', name: 'checkout-canary', applications: ['checkout'] }] };
    }
    if (req.method === 'POST' && path === '/canary/cfg-1') {
      expect(req.url.searchParams.get('metricsAccountName') === 'prometheus-prod', 'metricsAccountName parameter');
      const body = JSON.parse(req.body) as { scopes: { default: { experimentScope: { scope: string } } }; thresholds: { pass: number; marginal: number } };
      expect(body.thresholds.pass === 90 && body.thresholds.marginal === 75, 'thresholds');
      return { status: 200, body: { canaryExecutionId: `exec-${verdictOf(body.scopes.default.experimentScope.scope, 'the experiment scope')}` } };
    }
    if (req.method === 'GET' && /^\/canary\/exec-(good|bad)$/.test(path)) {
      return { status: 200, body: { complete: true, result: { judgeResult: { score: { score: path.endsWith('good') ? 96.5 : 40 } } } } };
    }
    return { status: 404, body: { message: 'not found' } };
  });
  const scope = (hash: string) => ({ scope: `app={{args.service}} and rollouts-pod-template-hash=${hash}`, region: 'us-west-2', step: 60 });
  return family('kayenta', [api], {
    // Kayenta's window is the metric's interval back from now (Argo errors without one); one measurement.
    metric: {
      interval: '5m',
      count: 1,
      provider: {
        kayenta: {
          address: api.url,
          application: 'checkout',
          canaryConfigName: 'checkout-canary',
          metricsAccountName: 'prometheus-prod',
          configurationAccountName: 'gcs-config',
          storageAccountName: 'gcs-config',
          threshold: { pass: 90, marginal: 75 },
          scopes: [{ name: 'default', controlScope: scope('stable'), experimentScope: scope('canary') }],
        },
      },
    },
  });
}

/** A token endpoint (client credentials) and a metric endpoint that refuses any request without the token it issued. */
async function webOAuth2(): Promise<Family> {
  const issued = `tok-${process.pid}-${Date.now()}`;
  const tokens = await listen((req) => {
    expect(req.method === 'POST' && req.url.pathname === '/oauth/token', 'POST /oauth/token');
    expect(req.headers['authorization'] === `Basic ${Buffer.from('ramp-e2e:shh').toString('base64')}`, 'client credentials as Basic authentication');
    expect(req.body === 'grant_type=client_credentials&scope=metrics%3Aread', 'the client_credentials grant with its scope');
    return { status: 200, body: { access_token: issued, token_type: 'bearer', expires_in: 3600 } };
  });
  const metrics = await listen((req) => {
    if (req.headers['authorization'] !== `Bearer ${issued}`) return { status: 401, body: { error: 'invalid_token' } };
    const verdict = verdictOf(req.url.pathname, 'path');
    return { status: 200, body: { errors: verdict === 'good' ? 0.001 : 0.2 } };
  });
  return family('web-oauth2', [tokens, metrics], {
    metric: {
      successCondition: 'result < 0.01',
      provider: {
        web: {
          url: `${metrics.url}/errors/{{args.service}}`,
          jsonPath: '{$.errors}',
          authentication: { oauth2: { tokenUrl: `${tokens.url}/oauth/token`, clientId: 'ramp-e2e', clientSecret: 'shh', scopes: ['metrics:read'] } },
        },
      },
    },
  });
}

/** Every SaaS family and the web OAuth2 endpoint, their doubles listening; `dir` holds Wavefront's certificates. */
export function startDoubles(dir: string): Promise<Family[]> {
  return Promise.all([datadog(), newRelic(), wavefront(dir), cloudWatch(), skyWalking(), kayenta(), webOAuth2()]);
}
