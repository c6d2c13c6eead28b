import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { FakeKube } from '../../support/fake-kube.ts';
import { run } from './cli-env.ts';

const prometheus = (query: string) => ({ prometheus: { address: 'http://prometheus:9090', query } });
const template = (name: string, spec: object, kind = 'AnalysisTemplate', namespace: string | null = 'demo'): KubeObject =>
  ({ apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name, ...(namespace ? { namespace } : {}), labels: { team: 'checkout' } }, spec }) as unknown as KubeObject;

const successRate = template('success-rate', {
  args: [{ name: 'service-name' }, { name: 'threshold', value: '0.95' }],
  dryRun: [{ metricName: 'success-rate' }],
  metrics: [{ name: 'success-rate', successCondition: 'result[0] >= {{args.threshold}}', provider: prometheus('rate{service="{{args.service-name}}"}') }],
});
const latency = template('latency', { metrics: [{ name: 'latency', provider: prometheus('latency') }] }, 'ClusterAnalysisTemplate', null);
const combined = template('combined', { templates: [{ templateName: 'success-rate' }, { templateName: 'latency', clusterScope: true }] });

const createdBody = (kube: FakeKube) => kube.calls.find((c) => c.verb === 'create')?.body as { metadata: Record<string, unknown>; spec: Record<string, unknown> } | undefined;

describe('create analysisrun', () => {
  it('--from a template in the cluster: its metrics, args filled by -a, dryRun and labels; named by --name', async () => {
    const kube = new FakeKube([successRate]);
    const result = await run(['create', 'analysisrun', '--from', 'success-rate', '-a', 'service-name=checkout', '--name', 'manual-1', '--instance-id', 'blue'], { kube });
    assert.deepEqual(result, { code: 0, out: 'analysisrun.argoproj.io/manual-1 created\n', err: '' });
    const body = createdBody(kube)!;
    assert.deepEqual(body.metadata, { name: 'manual-1', namespace: 'demo', labels: { team: 'checkout', 'argo-rollouts.argoproj.io/controller-instance-id': 'blue' } });
    assert.deepEqual(body.spec['args'], [{ name: 'service-name', value: 'checkout' }, { name: 'threshold', value: '0.95' }]);
    assert.deepEqual(body.spec['dryRun'], [{ metricName: 'success-rate' }]);
    assert.deepEqual((body.spec['metrics'] as { name: string }[]).map((m) => m.name), ['success-rate']);
  });

  it('a composed template runs the metrics of every template it reaches; the name is generated from the template', async () => {
    const kube = new FakeKube([successRate, latency, combined]);
    const result = await run(['create', 'ar', '--from', 'combined', '-a', 'service-name=checkout'], { kube });
    assert.equal(result.code, 0, result.err);
    const body = createdBody(kube)!;
    assert.equal(body.metadata['generateName'], 'combined-');
    assert.deepEqual((body.spec['metrics'] as { name: string }[]).map((m) => m.name), ['success-rate', 'latency']);
  });

  it('--from-file with --global reads a ClusterAnalysisTemplate manifest', async () => {
    const kube = new FakeKube([]);
    const files = { 'latency.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ClusterAnalysisTemplate\nmetadata:\n  name: latency\nspec:\n  metrics:\n  - name: latency\n    provider:\n      prometheus:\n        address: http://prometheus:9090\n        query: latency\n' };
    const result = await run(['create', 'analysisrun', '--global', '--from-file', 'latency.yaml', '--generate-name', 'lat-'], { kube, files });
    assert.equal(result.code, 0, result.err);
    assert.equal(createdBody(kube)!.metadata['generateName'], 'lat-');
  });

  it('errors say what to do, on one line', async () => {
    const kube = new FakeKube([successRate, combined]);
    const cases: [string[], RegExp][] = [
      [['create', 'analysisrun'], /^error: one of --from or --from-file must be specified; e\.g\. kubectl ramp create analysisrun --from success-rate/],
      [['create', 'analysisrun', '--from', 'success-rate', '-a', 'service-name'], /^error: arguments must be in the form NAME=VALUE, got "service-name"/],
      [['create', 'analysisrun', '--from', 'success-rate'], /^error: cannot make an AnalysisRun from "success-rate": args\.service-name was not resolved; give it with -a NAME=VALUE$/],
      [['create', 'analysisrun', '--from', 'nope'], /^error: analysistemplate "nope" not found in namespace "demo"/],
      [['create', 'analysisrun', '--from', 'combined', '-a', 'service-name=x'], /^error: ClusterAnalysisTemplate "latency" \(named in spec\.templates of "combined"\) not found; create it first$/],
    ];
    for (const [argv, pattern] of cases) {
      const result = await run(argv, { kube });
      assert.equal(result.code, 1, argv.join(' '));
      assert.equal(result.out, '');
      assert.match(result.err.trimEnd(), pattern);
      assert.equal(result.err.trimEnd().split('\n').length, 1);
    }
    assert.equal(kube.calls.filter((c) => c.verb === 'create').length, 0);
  });
});

describe('terminate analysisrun', () => {
  it('sets spec.terminate on each named run', async () => {
    const runs = ['a', 'b'].map((name) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name, namespace: 'demo' }, spec: { metrics: [] } }) as unknown as KubeObject);
    const kube = new FakeKube(runs);
    const result = await run(['terminate', 'analysisrun', 'a', 'b'], { kube });
    assert.deepEqual(result, { code: 0, out: "analysisRun 'a' terminated\nanalysisRun 'b' terminated\n", err: '' });
    assert.deepEqual(kube.patches().map((p) => [p.plural, p.body]), [
      ['analysisruns', { spec: { terminate: true } }],
      ['analysisruns', { spec: { terminate: true } }],
    ]);
    const missing = await run(['terminate', 'ar', 'zzz'], { kube });
    assert.equal(missing.code, 1);
    assert.match(missing.err, /^error: analysisrun "zzz" not found in namespace "demo"/);
  });
});
