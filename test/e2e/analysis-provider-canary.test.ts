import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { SUPPORT, unsupportedMessage } from '../../controller/api/support.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, SECRETS, type KubeObject } from '../../controller/kube/resources.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { startGraphite, startInfluxdb, type RunningGraphite, type RunningInfluxdb } from '../support/metric-servers.ts';
import { canaryRollout, RolloutHelper, type RolloutLike } from '../support/rollouts.ts';
import { startDoubles, type Family, type Verdict } from './support/provider-doubles.ts';

/**
 * A canary with an analysis step per metric provider family, on the real control plane: Graphite
 * and InfluxDB are real servers, the SaaS APIs (and a web endpoint behind OAuth2) in-process
 * doubles the controller process reaches over loopback. For each family one Rollout measures the
 * good service and goes on to Healthy, another the bad one and is aborted; all run at once under
 * one controller, whose credentials are Secrets in its namespace and its environment (AWS, CA).
 */

let graphite: RunningGraphite;
let influx: RunningInfluxdb;
let doubles: Family[] = [];
const certs = mkdtempSync(join(tmpdir(), 'ramp-provider-canary-'));

before(async () => {
  [graphite, influx, doubles] = await Promise.all([startGraphite(), startInfluxdb(), startDoubles(certs)]);
  await influx.createDatabase('app');
  const now = Math.floor(Date.now() / 1000);
  const at = now - (now % 10) - 20;
  graphite.write('checkout.good.errors', [[at, 0.25]]);
  graphite.write('checkout.bad.errors', [[at, 7]]);
  await influx.write('app', `http,service=good errors=0.5 ${now - 10}\nhttp,service=bad errors=9 ${now - 10}`);
});

after(async () => {
  await Promise.all([graphite?.stop(), influx?.stop(), ...doubles.map((d) => d.close())]);
  rmSync(certs, { recursive: true, force: true });
});

/** The two families with real servers, shaped as the doubles. */
function realServers(): Family[] {
  const none = { received: () => [], close: async () => {} };
  return [
    { name: 'graphite', metric: { successCondition: 'all(result, # < 1)', provider: { graphite: { address: graphite.url, query: 'target=checkout.{{args.service}}.errors&from=-5min' } } }, ...none },
    {
      name: 'influxdb',
      metric: {
        successCondition: 'result[0] < 1',
        provider: { influxdb: { query: 'from(bucket: "app/autogen") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "http" and r.service == "{{args.service}}") |> last()' } },
      },
      secrets: { influxdb: { address: influx.url, authToken: 'ramp:ramp', org: 'ramp' } },
      ...none,
    },
  ];
}

type Run = AnalysisRun & KubeObject;

const healthy = (ro: RolloutLike): boolean => ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

const template = (name: string, metric: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name }, spec: { args: [{ name: 'service' }], metrics: [{ name, ...metric }] } }) as KubeObject;

const analysedCanary = (name: string, templateName: string, service: string): KubeObject =>
  canaryRollout(name, { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName }], args: [{ name: 'service', value: service }] } }] }, { replicas: 2 });

describe('a canary analysed by every metric provider family, on the real control plane', () => {
  test('good data promotes the canary to Healthy, bad data fails the run and aborts it (Degraded)', { concurrency: true }, async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const families = [...realServers(), ...doubles];
    for (const f of families) {
      for (const [name, stringData] of Object.entries(f.secrets ?? {})) {
        await ro.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData } as KubeObject);
      }
      const tpl = template(f.name, f.metric);
      await ro.client.create(ANALYSIS_TEMPLATES, { ...tpl, metadata: { ...tpl.metadata, namespace: ns } });
    }
    const env = Object.assign({}, ...families.map((f) => f.env ?? {})) as Record<string, string>;
    const controller = await startController({ namespace: ns, name: `${ns}-provider-canary`, env });
    t.after(() => controller.kill());

    const analyse = async (f: Family, verdict: Verdict): Promise<{ rollout: RolloutLike; run: Run; v1: string }> => {
      const name = `${f.name}-${verdict}`;
      await ro.create(analysedCanary(name, f.name, verdict));
      const v1 = (await ro.waitFor(name, `${name}: v1 Healthy`, healthy, 90_000)).status!.currentPodHash!;
      await ro.setImage(name, 'registry.local/app:v2');
      const done = (r: RolloutLike) => (verdict === 'good' ? healthy(r) && r.status?.currentPodHash !== v1 : r.status?.phase === 'Degraded');
      const rollout = await ro.waitFor(name, `${name}: ${verdict === 'good' ? 'promoted' : 'aborted'} after its analysis`, done, 90_000);
      const runs = (await ro.client.list<Run>(ANALYSIS_RUNS, { namespace: ns })).items.filter((r) => (r.metadata.ownerReferences as { name?: string }[] | undefined)?.[0]?.name === name);
      assert.equal(runs.length, 1, `${name}: one step run`);
      return { rollout, run: runs[0]!, v1 };
    };

    const checks = families.map((f) =>
      t.test(f.name, async () => {
        const [good, bad] = await Promise.all([analyse(f, 'good'), analyse(f, 'bad')]);
        assert.equal(good.run.status?.phase, 'Successful', JSON.stringify(good.run.status));
        // Failed, not Error: the provider measured the bad data and the condition rejected it.
        assert.equal(bad.run.status?.phase, 'Failed', JSON.stringify(bad.run.status));
        // No request was refused (a double answers 400 to a request off the API reference, 401 without the OAuth2 token).
        for (const { run } of [good, bad]) assert.equal(run.status?.metricResults?.[0]?.error ?? 0, 0, JSON.stringify(run.status));
        assert.equal(bad.rollout.status?.abort, true);
        assert.match(bad.rollout.status?.message ?? '', new RegExp(`^RolloutAborted: Rollout aborted update to revision 2: Metric "${f.name}" assessed Failed`));
        assert.equal(bad.rollout.status?.stableRS, bad.v1, 'v1 stays stable');
      }),
    );

    const refused = t.test('a template whose metric uses a provider plugin is InvalidSpec naming the template and the metric, before any ReplicaSet', async () => {
      const plugin = template('plugin-errors', { successCondition: 'result < 0.01', provider: { plugin: { 'argoproj-labs/sample': { query: 'sum:errors{*}' } } } });
      await ro.client.create(ANALYSIS_TEMPLATES, { ...plugin, metadata: { ...plugin.metadata, namespace: ns } });
      await ro.create(analysedCanary('plugin', 'plugin-errors', 'good'));
      const invalid = await ro.waitFor('plugin', 'InvalidSpec', (r) => r.status?.phase === 'Degraded');
      const entry = SUPPORT.find((e) => e.field === 'provider.plugin')!;
      const message = `The Rollout "plugin" is invalid: spec.strategy.canary.steps[1].analysis.templates: Forbidden: AnalysisTemplate "plugin-errors" metric "plugin-errors" (provider.plugin): ${unsupportedMessage(entry)}`;
      assert.equal(invalid.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message, message);
      assert.equal(invalid.status?.message, `InvalidSpec: ${message}`);
      const owned = (await ro.replicaSets()).filter((rs) => (rs.metadata?.ownerReferences as { name?: string }[] | undefined)?.[0]?.name === 'plugin');
      assert.deepEqual(owned, [], 'no ReplicaSet');
    });

    await Promise.all([...checks, refused]);
  });
});
