import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { SECRETS } from '../../controller/analysis/run-controller/index.ts';
import { ANALYSIS_RUNS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { startGraphite, startInfluxdb, type RunningGraphite, type RunningInfluxdb } from '../support/metric-servers.ts';
import { RolloutHelper } from '../support/rollouts.ts';

/**
 * The Graphite and InfluxDB providers in the controller process on the real control plane: the
 * InfluxDB profile is the `influxdb` Secret in the controller's namespace, read through the API server.
 */

let graphite: RunningGraphite;
let influx: RunningInfluxdb;

before(async () => {
  [graphite, influx] = await Promise.all([startGraphite(), startInfluxdb()]);
  await influx.createDatabase('app');
});

after(async () => {
  await Promise.all([graphite?.stop(), influx?.stop()]);
});

test('an AnalysisRun with a Graphite and an InfluxDB metric measures both and completes Successful', async (t) => {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  const controller = await startController({ namespace: ns, name: `${ns}-providers` });
  t.after(() => controller.kill());

  const now = Math.floor(Date.now() / 1000);
  graphite.write('checkout.errors', [[now - (now % 10) - 20, 0.25]]);
  await influx.write('app', `http,service=checkout errors=0.5 ${now - 10}`);
  await ro.client.create(SECRETS, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'influxdb', namespace: ns },
    stringData: { address: influx.url, authToken: 'ramp:ramp', org: 'ramp' },
  } as KubeObject);

  await ro.client.create(ANALYSIS_RUNS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'providers', namespace: ns },
    spec: {
      metrics: [
        { name: 'graphite-errors', successCondition: 'all(result, # < 1)', provider: { graphite: { address: graphite.url, query: 'target=checkout.errors&from=-5min' } } },
        {
          name: 'influx-errors',
          successCondition: 'result[0] < 1',
          provider: { influxdb: { query: 'from(bucket: "app/autogen") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "http") |> last()' } },
        },
      ],
    },
  } as KubeObject);

  const run = await eventually(
    'the AnalysisRun completes',
    async () => {
      const r = (await ro.client.get<KubeObject>(ANALYSIS_RUNS, ns, 'providers')) as AnalysisRun & KubeObject;
      return r.status?.phase && r.status.phase !== 'Running' && r.status.phase !== 'Pending' ? r : undefined;
    },
    60_000,
  );
  const results = Object.fromEntries((run.status?.metricResults ?? []).map((m) => [m.name, m]));
  assert.equal(run.status?.phase, 'Successful', JSON.stringify(run.status));
  assert.equal(results['graphite-errors']?.measurements?.[0]?.value, '[0.250000]');
  assert.equal(results['influx-errors']?.measurements?.[0]?.value, '[0.5]');
});
