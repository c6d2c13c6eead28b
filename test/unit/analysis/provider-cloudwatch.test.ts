import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCloudWatchProvider, getMetricDataForm, parseGetMetricData } from '../../../controller/analysis/providers/cloudwatch/index.ts';
import { providerAuth } from '../../../controller/analysis/providers/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, run, T } from '../../support/analysis-ports.ts';

const xml = (values: string) => `<GetMetricDataResponse><GetMetricDataResult><MetricDataResults>
  <member><Id>q</Id><StatusCode>Complete</StatusCode><Timestamps><member>2025-03-01T11:59:00Z</member></Timestamps><Values>${values}</Values><Messages/></member>
</MetricDataResults><Messages/></GetMetricDataResult></GetMetricDataResponse>`;

const metric = (cloudWatch: NonNullable<Metric['provider']['cloudWatch']>, successCondition = 'all(result[0].Values, {# < 1})'): Metric => ({ name: 'errors', successCondition, provider: { cloudWatch } });
const QUERY = { id: 'q', metricStat: { metric: { namespace: 'AWS/ELB', metricName: 'Errors', dimensions: [{ name: 'LB', value: 'web' }] }, period: '60', stat: 'Sum' } };

function provider(status: number, body: string, env: Record<string, string> = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' }) {
  const http = cannedHttp(status, body);
  const { aws } = providerAuth({ http, awsEnvironment: { env, homeDir: '/nonexistent', readFile: () => undefined } });
  return { http, provider: createCloudWatchProvider({ http, aws }) };
}

describe('cloudwatch provider', () => {
  it('the Query protocol form: each query flattened, periods as integers, the window ending now', () => {
    const form = getMetricDataForm({ metricDataQueries: [QUERY, { id: 'e', expression: 'SUM(METRICS())', period: 300, returnData: false }] }, T - 300_000, T);
    assert.deepEqual(Object.fromEntries(form), {
      Action: 'GetMetricData',
      Version: '2010-08-01',
      StartTime: '2025-03-01T11:55:00.000Z',
      EndTime: '2025-03-01T12:00:00.000Z',
      'MetricDataQueries.member.1.Id': 'q',
      'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'Errors',
      'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/ELB',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'LB',
      'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': 'web',
      'MetricDataQueries.member.1.MetricStat.Period': '60',
      'MetricDataQueries.member.1.MetricStat.Stat': 'Sum',
      'MetricDataQueries.member.2.Id': 'e',
      'MetricDataQueries.member.2.Expression': 'SUM(METRICS())',
      'MetricDataQueries.member.2.Period': '300',
      'MetricDataQueries.member.2.ReturnData': 'false',
    });
  });

  it('parses MetricDataResults with Argo\'s field names; a document that is not a GetMetricData answer throws', () => {
    assert.deepEqual(parseGetMetricData(xml('<member>0.5</member><member>1e-05</member>')).MetricDataResults, [
      { Id: 'q', Label: null, StatusCode: 'Complete', Timestamps: ['2025-03-01T11:59:00Z'], Values: [0.5, 0.00001], Messages: [] },
    ]);
    assert.throws(() => parseGetMetricData('<Other/>'), /unexpected GetMetricData response/);
  });

  const cases: { name: string; status: number; body: string; condition?: string; env?: Record<string, string>; phase: string; value?: string; message?: RegExp }[] = [
    { name: 'values under the limit succeed', status: 200, body: xml('<member>0.5</member>'), phase: 'Successful', value: '[[0.5]]' },
    { name: 'a value over the limit fails', status: 200, body: xml('<member>0.5</member><member>3</member>'), phase: 'Failed', value: '[[0.5 3]]' },
    { name: 'no values reach the condition as an empty list', status: 200, body: xml(''), condition: 'len(result[0].Values) == 0', phase: 'Successful', value: '[[]]' },
    { name: 'an AWS error names its code', status: 400, body: '<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>', phase: 'Error', message: /StatusCode: 400, api error Throttling: Rate exceeded$/ },
    { name: 'no region is an error', status: 200, body: xml(''), env: { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' }, phase: 'Error', message: /region not configured/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const { http, provider: p } = provider(c.status, c.body, c.env);
      const m = await p.run({ run, metric: metric({ metricDataQueries: [QUERY] }, c.condition), now: () => T });
      assert.equal(m.phase, c.phase, m.message);
      if (c.value !== undefined) assert.equal(m.value, c.value);
      if (c.message) assert.match(m.message ?? '', c.message);
      if (!c.env) {
        assert.equal(http.calls[0]?.url, 'https://monitoring.eu-west-1.amazonaws.com/');
        assert.match(String((http.calls[0]?.init.headers as Record<string, string>)['Authorization']), /^AWS4-HMAC-SHA256 Credential=AKID\/20250301\/eu-west-1\/monitoring\/aws4_request, /);
      }
    });
  }
});
