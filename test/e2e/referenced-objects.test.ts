import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ANALYSIS_TEMPLATES, SERVICES, type KubeObject } from '../../controller/kube/resources.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, canaryRollout, RolloutHelper, service, successRateTemplate } from '../support/rollouts.ts';

/**
 * What Argo's controller refuses about the objects a Rollout references (getRolloutValidationErrors
 * and ValidateRolloutReferencedResources), refused by Ramp's controller too, not only by lint.
 */
describe('referenced objects Argo refuses, on the real control plane', () => {
  test('a Service managed by another Rollout or not selecting the pods, a template argument not given and a step metric that runs indefinitely are InvalidSpec, with no ReplicaSet', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const taken = service('taken', 'managed');
    taken.metadata!.annotations = { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'someone-else' };
    await ro.client.create(SERVICES, { ...taken, metadata: { ...taken.metadata, namespace: ns } });
    await ro.create(service('elsewhere', 'other'));
    await ro.client.create(ANALYSIS_TEMPLATES, { ...successRateTemplate('needs-arg', 'http://127.0.0.1:1', { count: 1 }), metadata: { name: 'needs-arg', namespace: ns } } as KubeObject);
    await ro.client.create(ANALYSIS_TEMPLATES, { ...successRateTemplate('forever', 'http://127.0.0.1:1', { interval: '1m' }), metadata: { name: 'forever', namespace: ns } } as KubeObject);
    await ro.create(blueGreenRollout('managed', { activeService: 'taken' }));
    await ro.create(blueGreenRollout('unmatched', { activeService: 'elsewhere' }));
    await ro.create(canaryRollout('missing-arg', { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'needs-arg' }] } }] }));
    await ro.create(canaryRollout('indefinite', { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'forever' }], args: [{ name: 'service-name', value: 'app' }] } }] }));
    await ro.create(blueGreenRollout('good', { activeService: 'good-active' }));
    await ro.create(service('good-active', 'good'));
    const controller = await startController({ namespace: ns, name: `${ns}-refs` });
    t.after(() => controller.kill());

    const invalid = async (name: string): Promise<string> => {
      const r = await ro.waitFor(name, `InvalidSpec on ${name}`, (x) => x.status?.phase === 'Degraded');
      const condition = r.status?.conditions?.find((c) => c.type === 'InvalidSpec');
      assert.equal(condition?.status, 'True', name);
      return condition?.message ?? '';
    };
    assert.equal(
      await invalid('managed'),
      'The Rollout "managed" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "taken": Service "taken" is managed by another Rollout',
    );
    assert.equal(
      await invalid('unmatched'),
      'The Rollout "unmatched" is invalid: spec.strategy.blueGreen.activeService: Invalid value: "elsewhere": Service "elsewhere" has unmatch label "app" in rollout',
    );
    assert.match(
      await invalid('missing-arg'),
      /^The Rollout "missing-arg" is invalid: spec\.strategy\.canary\.steps\[1\]\.analysis\.templates: Invalid value: .*args\.service-name was not resolved/,
    );
    assert.equal(
      await invalid('indefinite'),
      'The Rollout "indefinite" is invalid: spec.strategy.canary.steps[1].analysis.templates: Invalid value: "forever": AnalysisTemplate forever has metric success-rate which runs indefinitely. Invalid value for count: <nil>',
    );
    await ro.waitFor('good', 'the valid rollout beside them deploys', (r) => r.status?.phase === 'Healthy');
    const owners = (await ro.replicaSets()).map((rs) => (rs.metadata?.ownerReferences as Array<{ name?: string }> | undefined)?.[0]?.name);
    assert.deepEqual(owners, ['good'], 'only the valid Rollout has a ReplicaSet');
    const still = await ro.service('taken');
    assert.equal(still.metadata?.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'], 'someone-else', 'the other Rollout\'s Service is left alone');
  });
});
