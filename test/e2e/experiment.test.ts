import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Experiment } from '../../controller/api/index.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, EVENTS, EXPERIMENTS, REPLICA_SETS, SERVICES, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, kubeconfigPath, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { kubectl, rampOk } from './support/cli.ts';

/**
 * Experiments on the real control plane (kwok makes pods Ready): templates run as ReplicaSets,
 * with Services, a duration, analyses over a loopback web endpoint, terminate and InvalidSpec;
 * and examples/experiment applied as a user would.
 */

let fixture: HttpFixture;
before(async () => {
  fixture = await startHttpFixture();
  fixture.setJson('/good', { verdict: 'pass' });
  fixture.setJson('/bad', { verdict: 'fail' });
});
after(async () => fixture?.close());

const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
type Ex = Experiment & KubeObject;
interface RS extends KubeObject {
  spec?: { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  status?: { readyReplicas?: number };
}

function template(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    replicas: 2,
    selector: { matchLabels: { app: 'exp', variant: name } },
    template: {
      metadata: { labels: { app: 'exp', variant: name } },
      spec: { containers: [{ name: 'app', image: `registry.local/app:${name}`, ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
    ...extra,
  };
}

const webTemplate = (ns: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'verdict', namespace: ns },
  spec: {
    args: [{ name: 'url' }],
    metrics: [{ name: 'verdict', successCondition: 'result == "pass"', provider: { web: { url: '{{args.url}}', jsonPath: '{$.verdict}', timeoutSeconds: 5 } } }],
  },
});

async function setUp(t: Parameters<typeof testNamespace>[0]) {
  const ns = await testNamespace(t);
  const controller = await startController({ namespace: ns, name: `${ns}-experiment` });
  t.after(() => controller.kill());
  const create = (name: string, spec: Record<string, unknown>) =>
    client.create(EXPERIMENTS, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', metadata: { name, namespace: ns }, spec } as KubeObject);
  const get = (name: string) => client.get<Ex>(EXPERIMENTS, ns, name);
  const phase = (name: string, wanted: string, timeoutMs = 60_000) =>
    eventually(`experiment ${name} ${wanted}`, async () => {
      const ex = await get(name);
      return ex.status?.phase === wanted ? ex : undefined;
    }, timeoutMs);
  const replicaSet = (name: string) => client.get<RS>(REPLICA_SETS, ns, name);
  const scaledToZero = (...names: string[]) =>
    eventually(`${names.join(', ')} scaled to zero`, async () => {
      for (const name of names) if ((await replicaSet(name)).spec?.replicas !== 0) return undefined;
      return true;
    }, 60_000);
  return { ns, controller, create, get, phase, replicaSet, scaledToZero };
}

describe('experiments on the real control plane', () => {
  test('two templates and a duration: Running with ready ReplicaSets and a Service, then Successful scaled to zero', async (t) => {
    const { ns, controller, create, phase, replicaSet, scaledToZero } = await setUp(t);
    await create('two', { duration: '5s', scaleDownDelaySeconds: 0, templates: [template('baseline', { service: {} }), template('canary')] });
    const running = await phase('two', 'Running');
    assert.ok(running.status?.availableAt);
    for (const name of ['two-baseline', 'two-canary']) {
      const rs = await replicaSet(name);
      assert.equal(rs.spec?.replicas, 2);
      assert.equal(rs.status?.readyReplicas, 2, `${name} is ready`);
      assert.equal((rs.metadata?.ownerReferences?.[0] as { kind?: string } | undefined)?.kind, 'Experiment');
    }
    const rs = await replicaSet('two-baseline');
    const hash = rs.metadata?.labels?.['rollouts-pod-template-hash'];
    assert.ok(hash);
    const svc = await client.get<KubeObject & { spec?: { selector?: Record<string, string> } }>(SERVICES, ns, 'two-baseline');
    assert.deepEqual(svc.spec?.selector, { app: 'exp', variant: 'baseline', 'rollouts-pod-template-hash': hash });
    assert.deepEqual(running.status?.templateStatuses?.map((s) => [s.name, s.status, s.serviceName]), [
      ['baseline', 'Running', 'two-baseline'],
      ['canary', 'Running', undefined],
    ]);

    const done = await phase('two', 'Successful');
    assert.equal(done.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ExperimentCompleted');
    await scaledToZero('two-baseline', 'two-canary');
    await eventually('the Service is deleted once the pods are gone', async () => {
      const svcs = await client.list<KubeObject>(SERVICES, { namespace: ns });
      return svcs.items.some((s) => s.metadata?.name === 'two-baseline') ? undefined : true;
    });
    const events = (await client.list<KubeObject & { reason?: string }>(EVENTS, { namespace: ns })).items.map((e) => e.reason);
    assert.ok(events.includes('ExperimentSuccessful') && events.includes('TemplateRunning'), JSON.stringify(events));
    const metrics = await (await fetch(controller.metricsUrl)).text();
    assert.match(metrics, new RegExp(`experiment_info\\{namespace="${ns}",name="two",phase="Successful"\\} 1`));
    assert.match(metrics, new RegExp(`experiment_phase\\{namespace="${ns}",name="two",phase="Successful"\\} 1`));
  });

  test('a required analysis that passes ends an experiment without duration Successful; one that fails ends it Failed', async (t) => {
    const { ns, create, phase, scaledToZero } = await setUp(t);
    await client.create(ANALYSIS_TEMPLATES, webTemplate(ns) as KubeObject);
    const analyses = (path: string) => [{ name: 'verdict', templateName: 'verdict', requiredForCompletion: true, args: [{ name: 'url', value: `${fixture.url}${path}` }] }];
    await create('good', { scaleDownDelaySeconds: 0, templates: [template('canary')], analyses: analyses('/good') });
    await create('bad', { duration: '1h', scaleDownDelaySeconds: 0, templates: [template('canary')], analyses: analyses('/bad') });

    const good = await phase('good', 'Successful');
    assert.equal(good.status?.message, 'Required AnalysisRuns completed');
    assert.deepEqual(good.status?.analysisRuns?.map((r) => [r.name, r.analysisRun, r.phase]), [['verdict', 'good-verdict', 'Successful']]);
    const run = await client.get<KubeObject & { spec: { args?: Array<{ value?: string }> } }>(ANALYSIS_RUNS, ns, 'good-verdict');
    assert.equal((run.metadata?.ownerReferences?.[0] as { name?: string } | undefined)?.name, 'good');

    const bad = await phase('bad', 'Failed');
    assert.deepEqual(bad.status?.analysisRuns?.map((r) => r.phase), ['Failed']);
    await scaledToZero('good-canary', 'bad-canary');
  });

  test('retry experiment: a Failed experiment runs again and, its analysis now passing, ends Successful', async (t) => {
    const { ns, create, phase, get } = await setUp(t);
    await client.create(ANALYSIS_TEMPLATES, webTemplate(ns) as KubeObject);
    fixture.setJson('/flaky', { verdict: 'fail' });
    await create('flaky', {
      scaleDownDelaySeconds: 0,
      templates: [template('canary')],
      analyses: [{ name: 'verdict', templateName: 'verdict', requiredForCompletion: true, args: [{ name: 'url', value: `${fixture.url}/flaky` }] }],
    });
    await phase('flaky', 'Failed');
    fixture.setJson('/flaky', { verdict: 'pass' });
    assert.equal(await rampOk(['retry', 'experiment', 'flaky'], { namespace: ns }), "experiment 'flaky' retried\n");
    const again = await phase('flaky', 'Successful', 90_000);
    assert.deepEqual(again.status?.analysisRuns?.map((r) => r.phase), ['Successful'], 'a new run measured the passing endpoint');
    assert.ok((await get('flaky')).status?.templateStatuses?.length, 'the templates ran again');
  });

  test('terminate: true ends a running experiment Successful and scales it down', async (t) => {
    const { ns, create, phase, scaledToZero } = await setUp(t);
    await create('endless', { scaleDownDelaySeconds: 0, templates: [template('canary')] });
    await phase('endless', 'Running');
    await client.mergePatch(EXPERIMENTS, ns, 'endless', { spec: { terminate: true } });
    await phase('endless', 'Successful');
    await scaledToZero('endless-canary');
  });

  test('an invalid Experiment gets InvalidSpec naming the field, phase Error, and no ReplicaSet', async (t) => {
    const { ns, create, phase } = await setUp(t);
    await create('invalid', { templates: [template('a'), template('a')] });
    const ex = await phase('invalid', 'Error');
    const condition = ex.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    assert.match(condition?.message ?? '', /The Experiment "invalid" is invalid: spec\.templates\[1\]\.name: Duplicate value: "a"/);
    assert.deepEqual((await client.list<KubeObject>(REPLICA_SETS, { namespace: ns })).items, []);
  });

  test('examples/experiment runs as its README says', async (t) => {
    const { ns, phase, replicaSet } = await setUp(t);
    kubectl(['apply', '-n', ns, '-k', fileURLToPath(new URL('../../examples/experiment', import.meta.url))]);
    const running = await phase('experiment-demo', 'Running', 120_000);
    assert.deepEqual(running.status?.templateStatuses?.map((s) => s.serviceName), [undefined, 'experiment-demo-canary']);
    const done = await phase('experiment-demo', 'Successful', 120_000);
    assert.deepEqual(done.status?.analysisRuns?.map((r) => [r.analysisRun, r.phase]), [['experiment-demo-smoke-test', 'Successful']]);
    const run = await client.get<KubeObject & { spec: { args?: Array<{ name: string; value?: string }> } }>(ANALYSIS_RUNS, ns, 'experiment-demo-smoke-test');
    assert.deepEqual(run.spec.args, [{ name: 'url', value: 'http://experiment-demo-canary:8080/' }]);
    await eventually('the templates scaled to zero after the delay', async () => ((await replicaSet('experiment-demo-canary')).spec?.replicas === 0 ? true : undefined), 60_000);
  });
});
