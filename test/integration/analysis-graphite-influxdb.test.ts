// The Graphite and InfluxDB providers against real servers: graphite-web over
// whisper files and influxd 1.8 answering Flux, points written by the test.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createGraphiteProvider } from '../../controller/analysis/providers/graphite/index.ts';
import { nodeHttp } from '../../controller/http/client.ts';
import { createInfluxdbProvider } from '../../controller/analysis/providers/influxdb/index.ts';
import type { AnalysisRun, Metric } from '../../controller/analysis/types.ts';
import { fakeSecrets } from '../support/analysis-ports.ts';
import { graphiteSkipReason, influxdbSkipReason, startGraphite, startInfluxdb, type RunningGraphite, type RunningInfluxdb } from '../support/metric-servers.ts';

const run: AnalysisRun = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisRun',
  metadata: { name: 'canary-check', namespace: 'default', uid: 'b1f6c7d2' },
  spec: { metrics: [] },
};
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('graphite provider against graphite-web', { skip: graphiteSkipReason() }, () => {
  let graphite: RunningGraphite;
  before(async () => {
    graphite = await startGraphite();
  });
  after(async () => {
    await graphite?.stop();
  });

  const metric = (query: string, successCondition: string): Metric => ({
    name: 'errors',
    successCondition,
    provider: { graphite: { address: graphite.url, query } },
  });

  it('written points reach the condition as the series\' values', async () => {
    const t = nowSeconds() - (nowSeconds() % 10);
    graphite.write('checkout.errors', [[t - 40, 0.5], [t - 20, 1.5]]);
    const provider = createGraphiteProvider({ http: nodeHttp });
    const m = await provider.run({ run, metric: metric('target=checkout.errors&from=-5min', 'all(result, # < 2) && len(result) == 2'), now: Date.now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[0.500000,1.500000]');

    const sum = await provider.run({ run, metric: metric('target=sumSeries(checkout.errors,\n  checkout.errors)&from=-5min', 'result[1] == 3'), now: Date.now });
    assert.equal(sum.phase, 'Successful', sum.message);
    assert.equal(sum.value, '[1.000000,3.000000]');

    const failing = await provider.run({ run, metric: metric('target=checkout.errors&from=-5min', 'all(result, # < 1)'), now: Date.now });
    assert.equal(failing.phase, 'Failed');
  });

  it('a target that matches nothing has no values: an Error measurement', async () => {
    const m = await createGraphiteProvider({ http: nodeHttp }).run({ run, metric: metric('target=absent.metric&from=-5min', 'true'), now: Date.now });
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'no values found');
  });
});

describe('influxdb provider against influxd with Flux', { skip: influxdbSkipReason() }, () => {
  let influx: RunningInfluxdb;
  before(async () => {
    influx = await startInfluxdb();
    await influx.createDatabase('app');
  });
  after(async () => {
    await influx?.stop();
  });

  const provider = () =>
    createInfluxdbProvider({
      http: nodeHttp,
      secrets: fakeSecrets({ 'argo-rollouts/influxdb': { address: influx.url, authToken: 'ramp:ramp', org: 'ramp' } }),
      namespace: 'argo-rollouts',
    });
  const metric = (query: string, successCondition: string): Metric => ({ name: 'errors', successCondition, provider: { influxdb: { query } } });

  it('each record\'s _value reaches the condition, typed', async () => {
    const t = nowSeconds();
    await influx.write('app', `http,service=checkout errors=0.5,total=100i ${t - 30}\nhttp,service=checkout errors=0.25,total=120i ${t - 10}`);
    const query = 'from(bucket: "app/autogen") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "http" and r._field == "errors")';
    const m = await provider().run({ run, metric: metric(query, 'len(result) == 2 && all(result, # < 1)'), now: Date.now });
    assert.equal(m.phase, 'Successful', m.message);
    assert.equal(m.value, '[0.5 0.25]');

    const both = 'from(bucket: "app/autogen") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "http") |> last()';
    const last = await provider().run({ run, metric: metric(both, 'result[0] == 0.25 && result[1] == 120'), now: Date.now });
    assert.equal(last.phase, 'Successful', last.message);
    assert.equal(last.value, '[0.25 120]');
  });

  it('a query with no records and a query Flux rejects are Error measurements', async () => {
    const none = await provider().run({ run, metric: metric('from(bucket: "app/autogen") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "none")', 'true'), now: Date.now });
    assert.equal(none.message, 'no results returned from flux query');
    const bad = await provider().run({ run, metric: metric('from(bucket: "app/autogen") |> rangex(start: -5m)', 'true'), now: Date.now });
    assert.equal(bad.phase, 'Error');
    assert.match(bad.message ?? '', /^500 Internal Server Error: .*undefined identifier "?rangex"?/);
  });
});
