import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/analysis/types.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { RolloutHelper } from '../support/rollouts.ts';
import { manifestDir, ramp, rampOk } from './support/cli.ts';

/**
 * kubectl-ramp create analysisrun / terminate analysisrun against the real control plane, the
 * controller measuring a web metric served by a loopback fixture.
 */

type Run = AnalysisRun & KubeObject;

let fixture: HttpFixture;
before(async () => {
  fixture = await startHttpFixture();
  fixture.setJson('/health', { ok: true, latencyMs: 12 });
});
after(async () => {
  await fixture?.close();
});

const webMetric = (name: string, jsonPath: string, condition: string) => ({
  name,
  interval: '1s',
  count: 1000,
  successCondition: condition,
  provider: { web: { url: `${fixture.url}/health?service={{args.service}}`, jsonPath } },
});

describe('kubectl-ramp analysisrun verbs on the real control plane', () => {
  test('create analysisrun from a composed template, watch it measure, terminate it', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const cli = { namespace: ns };
    const clusterName = `${ns}-latency`;
    await ro.client.create(ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'health', namespace: ns },
      spec: { args: [{ name: 'service' }], metrics: [webMetric('health', '{$.ok}', 'result == true')] },
    } as unknown as KubeObject);
    await ro.client.create(CLUSTER_ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ClusterAnalysisTemplate',
      metadata: { name: clusterName },
      spec: { args: [{ name: 'service' }], metrics: [webMetric('latency', '{$.latencyMs}', 'result < 100')] },
    } as unknown as KubeObject);
    t.after(async () => {
      await ro.client.delete(CLUSTER_ANALYSIS_TEMPLATES, undefined, clusterName).catch(() => undefined);
    });
    await ro.client.create(ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'checkout-checks', namespace: ns },
      spec: { templates: [{ templateName: 'health' }, { templateName: clusterName, clusterScope: true }] },
    } as unknown as KubeObject);
    const controller = await startController({ namespace: ns, name: `${ns}-cli-ar` });
    t.after(() => controller.kill());

    assert.equal(await rampOk(['create', 'analysisrun', '--from', 'checkout-checks', '-a', 'service=checkout', '--name', 'manual'], cli), 'analysisrun.argoproj.io/manual created\n');
    const created = await ro.client.get<Run>(ANALYSIS_RUNS, ns, 'manual');
    assert.deepEqual(created.spec.metrics.map((m) => m.name), ['health', 'latency']);
    assert.deepEqual(created.spec.args, [{ name: 'service', value: 'checkout' }]);

    await eventually('both metrics measured successfully', async () => {
      const r = await ro.client.get<Run>(ANALYSIS_RUNS, ns, 'manual');
      const results = r.status?.metricResults ?? [];
      return results.length === 2 && results.every((m) => (m.successful ?? 0) >= 1) ? r : undefined;
    });
    assert.ok(fixture.requests.some((r) => r.path === '/health' && r.query === '?service=checkout'), 'the controller called the web metric with the arg filled');

    assert.equal(await rampOk(['terminate', 'analysisrun', 'manual'], cli), "analysisRun 'manual' terminated\n");
    const ended = await eventually('the run ends once terminated', async () => {
      const r = await ro.client.get<Run>(ANALYSIS_RUNS, ns, 'manual');
      return r.status?.phase === 'Successful' ? r : undefined;
    }, 60_000);
    assert.equal(ended.spec.terminate, true);

    // A generated name from a file, and errors that say what to do.
    const file = manifestDir(t);
    const templateFile = file('health.yaml', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'health-file' },
      spec: { args: [{ name: 'service', value: 'cart' }], metrics: [{ ...webMetric('health', '{$.ok}', 'result == true'), count: 1 }] },
    });
    const out = await rampOk(['create', 'analysisrun', '--from-file', templateFile], cli);
    assert.match(out, /^analysisrun\.argoproj\.io\/health-file-[a-z0-9]{5} created\n$/);
    const missing = await ramp(['create', 'analysisrun', '--from', 'nope'], cli);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^error: analysistemplate "nope" not found in namespace "[^"]+"\n$/);
    const gone = await ramp(['terminate', 'analysisrun', 'nope'], cli);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: analysisrun "nope" not found in namespace "[^"]+"\n$/);
  });
});
