import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rollout } from '../../../controller/api/index.ts';
import { deepDerivative, promotePatches, RefusedError, restartPatch, resumePatch, undoPatch, withImage } from '../../../client/actions/patches.ts';
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  restartRollout,
  resumeRollout,
  retryRollout,
  setImage,
  undoRollout,
} from '../../../client/actions/rollout-actions.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { apiError, FakeKube } from '../../support/fake-kube.ts';
import { loadFixture } from '../../support/rollout-fixtures.ts';

function canary(status: Rollout['status'], spec: Partial<Rollout['spec']> = {}): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'app', namespace: 'ns' },
    spec: { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { analysis: {} }, { setWeight: 80 }] } }, ...spec },
    status: { stableRS: 'old', currentPodHash: 'new', ...status },
  };
}

describe('promote patches (Argo getPatches)', () => {
  it('clears the pause conditions of a canary paused at a step', () => {
    const ro = canary({ currentStepIndex: 1, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }], controllerPause: true });
    assert.deepEqual(promotePatches(ro), {
      status: { status: { pauseConditions: null } },
      unified: { spec: { paused: false }, status: { pauseConditions: null } },
    });
  });

  it('unpauses spec and clears pause conditions of a manually paused blue-green', () => {
    const loaded = loadFixture('bluegreen-paused.yaml').rollout;
    const ro = { ...loaded, spec: { ...loaded.spec, paused: true } };
    assert.deepEqual(promotePatches(ro), {
      spec: { spec: { paused: false } },
      status: { status: { pauseConditions: null } },
      unified: { spec: { paused: false }, status: { pauseConditions: null } },
    });
  });

  it('moves a canary past a running analysis step', () => {
    assert.deepEqual(promotePatches(canary({ currentStepIndex: 2 })), {
      status: { status: { pauseConditions: null, currentStepIndex: 3 } },
      unified: { spec: { paused: false }, status: { pauseConditions: null, currentStepIndex: 3 } },
    });
  });

  it('moves past an inconclusive analysis and drops the controller pause', () => {
    const ro = canary({
      currentStepIndex: 2,
      controllerPause: true,
      pauseConditions: [{ reason: 'InconclusiveAnalysisRun', startTime: 't' }],
      canary: { currentStepAnalysisRunStatus: { name: 'run', status: 'Inconclusive' } },
    });
    assert.deepEqual(promotePatches(ro).status, { status: { pauseConditions: null, controllerPause: false, currentStepIndex: 3 } });
  });

  it('asks for a full promotion with --full', () => {
    assert.deepEqual(promotePatches(canary({ currentStepIndex: 1 }), { full: true }), { status: { status: { promoteFull: true } } });
  });

  it('skips steps with the deprecated flags', () => {
    assert.deepEqual(promotePatches(canary({ currentStepIndex: 1 }), { skipCurrentStep: true }).status, { status: { currentStepIndex: 2 } });
    assert.deepEqual(promotePatches(canary({ currentStepIndex: 1 }), { skipAllSteps: true }).status, { status: { currentStepIndex: 4 } });
    assert.throws(() => promotePatches(loadFixture('bluegreen-paused.yaml').rollout, { skipAllSteps: true }), /Cannot skip steps of a bluegreen rollout/);
  });

  it('refuses a rollout that is already fully promoted', () => {
    const healthy = canary({ stableRS: 'same', currentPodHash: 'same', currentStepIndex: 4 });
    assert.throws(() => promotePatches(healthy), new RefusedError('rollout "app" is already fully promoted and not paused; nothing to promote'));
    assert.throws(() => promotePatches(healthy, { full: true }), /already fully promoted/);
  });
});

describe('other write patches', () => {
  it('restart sets spec.restartAt in RFC 3339 without fractions', () => {
    assert.deepEqual(restartPatch(new Date('2025-01-10T12:00:00.123Z')), { spec: { restartAt: '2025-01-10T12:00:00Z' } });
  });

  it('resume unpauses a manual pause and refuses a pause step', () => {
    assert.deepEqual(resumePatch(canary({}, { paused: true })), { spec: { paused: false } });
    assert.throws(
      () => resumePatch(canary({ pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 't' }] })),
      /not paused by hand; it waits on CanaryPauseStep; continue it with: kubectl ramp promote app/,
    );
  });

  it('undo replaces spec.template with the ReplicaSet template minus the hash label', () => {
    const template = { metadata: { labels: { app: 'a', 'rollouts-pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } };
    assert.deepEqual(undoPatch(template), [
      { op: 'replace', path: '/spec/template', value: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } } },
    ]);
  });

  it('set image changes init, regular and ephemeral containers by name or "*"', () => {
    const obj = { spec: { template: { spec: { initContainers: [{ name: 'init', image: 'i:1' }], containers: [{ name: 'app', image: 'a:1' }, { name: 'side', image: 's:1' }] } } } };
    assert.deepEqual(withImage(obj, 'app', 'a:2').spec.template.spec.containers, [{ name: 'app', image: 'a:2' }, { name: 'side', image: 's:1' }]);
    const all = withImage(obj, '*', 'x:9').spec.template.spec;
    assert.deepEqual([all.initContainers[0]?.image, all.containers[1]?.image], ['x:9', 'x:9']);
    assert.throws(() => withImage(obj, 'nope', 'x'), /unable to find container named "nope"/);
  });

  it('compares templates as Go DeepDerivative: unset fields match anything', () => {
    assert.equal(deepDerivative({ a: 1, b: '' }, { a: 1, b: 'x', c: 2 }), true);
    assert.equal(deepDerivative({ a: [1] }, { a: [1, 2] }), false);
    assert.equal(deepDerivative({ a: 1 }, { a: 2 }), false);
  });
});

function clusterWith(...objects: object[]): FakeKube {
  return new FakeKube(objects as KubeObject[]);
}

describe('write functions against the API', () => {
  it('promote sends the status patch to the status subresource as a merge patch', async () => {
    const fixture = loadFixture('canary-mid-step.yaml');
    const kube = clusterWith(fixture.rollout);
    await promoteRollout(kube, 'demo', 'canary-demo');
    assert.deepEqual(kube.patches(), [
      { verb: 'patch', plural: 'rollouts', namespace: 'demo', name: 'canary-demo', body: { status: { pauseConditions: null } }, opts: { type: 'merge', subresource: 'status' } },
    ]);
    assert.equal((kube.object('rollouts', 'demo', 'canary-demo') as Rollout).status?.pauseConditions, undefined);
  });

  it('promote falls back to the unified patch when the status subresource is missing', async () => {
    const kube = clusterWith(loadFixture('canary-mid-step.yaml').rollout);
    kube.statusSubresource = false;
    await promoteRollout(kube, 'demo', 'canary-demo');
    assert.deepEqual(
      kube.patches().map((c) => [c.body, c.opts?.subresource]),
      [
        [{ status: { pauseConditions: null } }, 'status'],
        [{ spec: { paused: false }, status: { pauseConditions: null } }, undefined],
      ],
    );
  });

  it('abort and retry flip status.abort through the status subresource', async () => {
    const kube = clusterWith(loadFixture('canary-mid-step.yaml').rollout);
    await abortRollout(kube, 'demo', 'canary-demo');
    assert.equal((kube.object('rollouts', 'demo', 'canary-demo') as Rollout).status?.abort, true);
    await retryRollout(kube, 'demo', 'canary-demo');
    assert.equal((kube.object('rollouts', 'demo', 'canary-demo') as Rollout).status?.abort, false);
    assert.deepEqual(kube.patches().map((c) => [c.body, c.opts]), [
      [{ status: { abort: true } }, { type: 'merge', subresource: 'status' }],
      [{ status: { abort: false } }, { type: 'merge', subresource: 'status' }],
    ]);
  });

  it('pause and resume toggle spec.paused', async () => {
    const kube = clusterWith(loadFixture('canary-aborted.yaml').rollout);
    await pauseRollout(kube, 'demo', 'checkout');
    assert.equal((kube.object('rollouts', 'demo', 'checkout') as Rollout).spec.paused, true);
    await resumeRollout(kube, 'demo', 'checkout');
    assert.equal((kube.object('rollouts', 'demo', 'checkout') as Rollout).spec.paused, false);
  });

  it('restart patches spec.restartAt', async () => {
    const kube = clusterWith(loadFixture('canary-aborted.yaml').rollout);
    await restartRollout(kube, 'demo', 'checkout', new Date('2025-01-10T12:00:10Z'));
    assert.equal((kube.object('rollouts', 'demo', 'checkout') as Rollout).spec.restartAt, '2025-01-10T12:00:10Z');
  });

  it('undo copies the previous revision template back with a JSON patch', async () => {
    const fixture = loadFixture('canary-aborted.yaml');
    const kube = clusterWith(fixture.rollout, ...fixture.replicaSets);
    const result = await undoRollout(kube, 'demo', 'checkout');
    assert.deepEqual(result, { skipped: false, revision: 2, message: "rollout 'checkout' undo" });
    const [call] = kube.patches();
    assert.deepEqual(call?.opts, { type: 'json' });
    const ro = kube.object('rollouts', 'demo', 'checkout') as Rollout;
    assert.equal(ro.spec.template?.spec?.containers[0]?.image, 'registry.example/checkout:1.9');
    assert.deepEqual(ro.spec.template?.metadata?.labels, { app: 'checkout' });
    const again = await undoRollout(kube, 'demo', 'checkout', 2);
    assert.deepEqual(again, { skipped: true, revision: 2, message: 'skipped rollback (current template already matches revision 2)' });
  });

  it('undo names the revisions it knows when asked for a missing one', async () => {
    const fixture = loadFixture('canary-aborted.yaml');
    const kube = clusterWith(fixture.rollout, ...fixture.replicaSets);
    await assert.rejects(undoRollout(kube, 'demo', 'checkout', 9), /unable to find specified revision 9 in history of rollout "checkout" \(known revisions: 2, 3\)/);
  });

  it('set image updates the rollout and retries once on a conflict', async () => {
    const kube = clusterWith(loadFixture('canary-aborted.yaml').rollout);
    kube.failNext('replace', apiError(409, 'Conflict', 'the object has been modified'));
    const result = await setImage(kube, 'demo', 'checkout', 'checkout', 'registry.example/checkout:2.1');
    assert.deepEqual(result, { kind: 'Rollout', name: 'checkout' });
    assert.equal((kube.object('rollouts', 'demo', 'checkout') as Rollout).spec.template?.spec?.containers[0]?.image, 'registry.example/checkout:2.1');
    assert.equal(kube.calls.filter((c) => c.verb === 'replace').length, 2);
  });
});
