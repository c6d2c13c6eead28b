import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signV4 } from '../../controller/analysis/providers/aws/sigv4.ts';
import { createCloudWatchProvider } from '../../controller/analysis/providers/cloudwatch/index.ts';
import { nodeHttp } from '../../controller/http/client.ts';
import { providerAuth } from '../../controller/analysis/providers/index.ts';
import type { AnalysisRun, Metric } from '../../controller/analysis/types.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';

// The GetMetricData answer as the CloudWatch Query API documents it.
const RESPONSE = `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <GetMetricDataResult>
    <MetricDataResults>
      <member>
        <Id>rate</Id>
        <Label>5xx rate</Label>
        <StatusCode>Complete</StatusCode>
        <Timestamps><member>2026-01-01T11:59:00Z</member><member>2026-01-01T11:58:00Z</member></Timestamps>
        <Values><member>0.001</member><member>0.00002</member></Values>
        <Messages/>
      </member>
    </MetricDataResults>
    <Messages><member><Code>MaxMetricsExceeded</Code><Value>some &amp; more</Value></member></Messages>
  </GetMetricDataResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</GetMetricDataResponse>`;

describe('CloudWatch provider against a loopback GetMetricData endpoint', () => {
  let fixture: HttpFixture;
  before(async () => {
    fixture = await startHttpFixture();
  });
  after(async () => {
    await fixture?.close();
  });

  const credentials = { accessKeyId: 'AKIDCW', secretAccessKey: 'cw-secret' };
  const env = () => ({ AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_ENDPOINT_URL_CLOUDWATCH: `${fixture.url}/` });
  const metric: Metric = {
    name: 'errors',
    successCondition: 'all(result[0].Values, {# <= 0.01})',
    provider: {
      cloudWatch: {
        interval: '10m',
        metricDataQueries: [
          {
            id: 'rate',
            label: '5xx rate',
            metricStat: {
              metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: [{ name: 'LoadBalancer', value: 'app/lb/1' }] },
              period: '300',
              stat: 'Sum',
              unit: 'Count',
            },
            returnData: true,
          },
          { id: 'total', expression: 'SUM(METRICS())', period: 60 },
        ],
      },
    },
  };
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  const run: AnalysisRun = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'cw', namespace: 'default', uid: 'u' }, spec: { metrics: [metric] } };

  it('posts a signed GetMetricData for the interval and evaluates the MetricDataResults', async () => {
    fixture.setText('/', RESPONSE);
    const awsEnvironment = { env: env(), homeDir: '/nonexistent', readFile: () => undefined };
    const provider = createCloudWatchProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp, awsEnvironment }) });
    fixture.requests.length = 0;
    const m = await provider.run({ run, metric, now: () => now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[[0.001 2e-05]]');
    assert.deepEqual(m.metadata, { messages: '[{Code:MaxMetricsExceeded Value:some & more}]' });

    const sent = fixture.requests.at(-1)!;
    assert.equal(sent.method, 'POST');
    assert.equal(sent.path, '/');
    assert.equal(sent.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(sent.body)), {
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: '2026-01-01T11:50:00.000Z',
      EndTime: '2026-01-01T12:00:00.000Z',
      'MetricDataQueries.member.1.Id': 'rate',
      'MetricDataQueries.member.1.Label': '5xx rate',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'HTTPCode_Target_5XX_Count',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/ApplicationELB',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'LoadBalancer',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': 'app/lb/1',
      'MetricDataQueries.member.1.MetricStat.Period': '300',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
      'MetricDataQueries.member.1.MetricStat.Unit': 'Count',
      'MetricDataQueries.member.1.ReturnData': 'true',
      'MetricDataQueries.member.2.Id': 'total',
      'MetricDataQueries.member.2.Expression': 'SUM(METRICS())',
      'MetricDataQueries.member.2.Period': '60',
    });
    assert.equal(sent.headers['x-amz-date'], '20260101T120000Z');
    const expected = signV4({
      method: 'POST',
      url: `${fixture.url}/`,
      headers: { 'content-type': String(sent.headers['content-type']), host: String(sent.headers['host']) },
      body: sent.body,
      service: 'monitoring',
      region: 'us-west-2',
      credentials,
      now,
    });
    assert.equal(sent.headers['authorization'], expected['Authorization']);
    assert.match(String(sent.headers['authorization']), /Credential=AKIDCW\/20260101\/us-west-2\/monitoring\/aws4_request, SignedHeaders=content-type;host;x-amz-date,/);
  });

  it('a failing condition fails; an AWS error answer is an Error naming its code', async () => {
    const awsEnvironment = { env: env(), homeDir: '/nonexistent', readFile: () => undefined };
    const provider = createCloudWatchProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp, awsEnvironment }) });
    fixture.setText('/', RESPONSE.replace('<member>0.001</member>', '<member>0.5</member>'));
    assert.equal((await provider.run({ run, metric, now: () => now })).phase, 'Failed');
    fixture.setText('/', '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>', 403);
    const m = await provider.run({ run, metric, now: () => now });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'operation error CloudWatch: GetMetricData, https response error StatusCode: 403, api error AccessDenied: not allowed');
  });

  it('without a region it says so', async () => {
    const awsEnvironment = { env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, homeDir: '/nonexistent', readFile: () => undefined };
    const provider = createCloudWatchProvider({ http: nodeHttp, ...providerAuth({ http: nodeHttp, awsEnvironment }) });
    const m = await provider.run({ run, metric, now: () => now });
    assert.equal(m.phase, 'Error');
    assert.match(m.message ?? '', /region not configured/);
  });
});
