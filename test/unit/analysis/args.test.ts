import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArgumentsForRollout, resolveSecretArgs, type SecretPort } from '../../../controller/analysis/args.ts';
import { buildAnalysisRun } from '../../../controller/analysis/build.ts';
import { resolveArgs, resolveMetricArgs } from '../../../controller/analysis/template.ts';
import type { AnalysisTemplate, ClusterAnalysisTemplate, Metric } from '../../../controller/analysis/types.ts';

const secrets: SecretPort = {
  async get(namespace, name) {
    if (namespace === 'shop' && name === 'api') return { token: 'hunter2' };
    return undefined;
  },
};

describe('args resolve as Argo resolves them', () => {
  it('substitutes {{args.x}} with or without spaces', () => {
    assert.equal(resolveArgs('q{svc="{{args.svc}}", ns="{{ args.ns }}"}', [{ name: 'svc', value: 'a' }, { name: 'ns', value: 'b' }]), 'q{svc="a", ns="b"}');
  });

  it('names an unknown placeholder and an argument without value', () => {
    assert.throws(() => resolveArgs('{{args.missing}}', []), { message: 'failed to resolve {{args.missing}}' });
    assert.throws(() => resolveArgs('x', [{ name: 'svc' }]), { message: 'argument "svc" was not supplied' });
  });

  it('escapes quotes and newlines when substituting into a metric', () => {
    const metric: Metric = { name: 'm', successCondition: 'result == "{{args.v}}"', provider: { prometheus: { query: 'up' } } };
    const resolved = resolveMetricArgs(metric, [{ name: 'v', value: 'say "hi"\n' }]);
    assert.equal(resolved.successCondition, 'result == "say "hi"\n"');
  });

  it('reads secret values through the port and reports them for masking', async () => {
    const { args, secrets: values } = await resolveSecretArgs(
      [{ name: 'svc', value: 'a' }, { name: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }],
      'shop',
      secrets,
    );
    assert.deepEqual(args, [{ name: 'svc', value: 'a' }, { name: 'token', value: 'hunter2' }]);
    assert.deepEqual(values, ['hunter2']);
  });

  it('a missing secret or key is a clear error', async () => {
    await assert.rejects(
      resolveSecretArgs([{ name: 't', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }], 'shop', secrets),
      { message: 'secrets "nope" not found' },
    );
    await assert.rejects(
      resolveSecretArgs([{ name: 't', valueFrom: { secretKeyRef: { name: 'api', key: 'k' } } }], 'shop', secrets),
      { message: "key 'k' does not exist in secret 'api'" },
    );
  });

  it('takes values from the Rollout: pod hashes, metadata and any field path', () => {
    const rollout = {
      metadata: { name: 'guestbook', namespace: 'shop', labels: { app: 'guestbook' } },
      spec: { template: { spec: { containers: [{ name: 'app', image: 'guestbook:v2' }] } } },
    };
    const args = buildArgumentsForRollout(
      [
        { name: 'literal', value: 'x' },
        { name: 'stable', valueFrom: { podTemplateHashValue: 'Stable' } },
        { name: 'latest', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'name', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'app', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'image', valueFrom: { fieldRef: { fieldPath: 'spec.template.spec.containers[0].image' } } },
      ],
      { rollout, stablePodHash: '6c4f', latestPodHash: '7d5b' },
    );
    assert.deepEqual(args, [
      { name: 'literal', value: 'x' },
      { name: 'stable', value: '6c4f' },
      { name: 'latest', value: '7d5b' },
      { name: 'name', value: 'guestbook' },
      { name: 'app', value: 'guestbook' },
      { name: 'image', value: 'guestbook:v2' },
    ]);
  });

  it('a field path that leads nowhere names the argument', () => {
    assert.throws(
      () => buildArgumentsForRollout([{ name: 'img', valueFrom: { fieldRef: { fieldPath: 'spec.nothing' } } }], { rollout: { spec: {} } }),
      { message: 'argument "img": invalid path spec.nothing in rollout' },
    );
  });
});

describe('buildAnalysisRun merges templates as a Rollout templates[] does', () => {
  const prom = (name: string): Metric => ({ name, successCondition: 'result[0] > 0.9', provider: { prometheus: { query: 'up{svc="{{args.svc}}"}' } } });
  const template = (name: string, metrics: Metric[], args: AnalysisTemplate['spec']['args']): AnalysisTemplate => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: { metrics, args },
  });
  const clusterTemplate = (name: string, metrics: Metric[]): ClusterAnalysisTemplate => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ClusterAnalysisTemplate',
    metadata: { name },
    spec: { metrics, dryRun: [{ metricName: 'latency' }] },
  });

  it('combines metrics, args and dry-run rules and owns the run', () => {
    const run = buildAnalysisRun({
      templates: [template('success', [prom('success-rate')], [{ name: 'svc' }, { name: 'window', value: '5m' }])],
      clusterTemplates: [clusterTemplate('latency', [prom('latency')])],
      args: [{ name: 'svc', value: 'checkout' }, { name: 'unused', value: 'x' }],
      name: 'guestbook-7d5b-2',
      namespace: 'shop',
      owner: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'guestbook', uid: 'r-1' },
      labels: { 'rollouts-pod-template-hash': '7d5b' },
    });
    assert.deepEqual(run.metadata, {
      name: 'guestbook-7d5b-2',
      namespace: 'shop',
      labels: { 'rollouts-pod-template-hash': '7d5b' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'guestbook', uid: 'r-1', controller: true, blockOwnerDeletion: true }],
    });
    assert.deepEqual(run.spec.metrics.map((m) => m.name), ['success-rate', 'latency']);
    assert.deepEqual(run.spec.args, [{ name: 'svc', value: 'checkout' }, { name: 'window', value: '5m' }]);
    assert.deepEqual(run.spec.dryRun, [{ metricName: 'latency' }]);
    assert.equal(run.kind, 'AnalysisRun');
  });

  it('an argument left without a value is an error naming it', () => {
    assert.throws(
      () => buildAnalysisRun({ templates: [template('t', [prom('a')], [{ name: 'svc' }])], namespace: 'shop' }),
      { message: 'args.svc was not resolved' },
    );
  });

  it('duplicate metric names and conflicting arg values are refused', () => {
    assert.throws(
      () => buildAnalysisRun({ templates: [template('a', [prom('m')], []), template('b', [prom('m')], [])], namespace: 'shop' }),
      { message: "two metrics have the same name 'm'" },
    );
    assert.throws(
      () =>
        buildAnalysisRun({
          templates: [template('a', [prom('m1')], [{ name: 'x', value: '1' }]), template('b', [prom('m2')], [{ name: 'x', value: '2' }])],
          namespace: 'shop',
        }),
      { message: "Argument `x` specified multiple times with different values: '1', '2'" },
    );
  });
});
