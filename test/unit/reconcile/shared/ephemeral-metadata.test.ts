import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { podMetadataPatch } from '../../../../controller/reconcile/shared/ephemeral-metadata.ts';
import { HASH, World } from '../support/pod-world.ts';

const EPHEMERAL = 'rollout.argoproj.io/ephemeral-metadata';

const spec = {
  replicas: 2,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: {
    blueGreen: {
      activeService: 'app-active',
      previewService: 'app-preview',
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 0,
      activeMetadata: { labels: { role: 'active' } },
      previewMetadata: { labels: { role: 'preview' }, annotations: { 'preview.example.com/note': 'candidate' } },
    },
  },
};

function rsLabels(world: World, hash: string): Record<string, string> | undefined {
  return [...world.replicaSets.values()].find((rs) => rs.metadata?.labels?.[HASH] === hash)?.spec?.template?.metadata?.labels;
}

function podRoles(world: World, hash: string): Array<string | undefined> {
  return [...world.pods.values()].filter((p) => p.metadata?.labels?.[HASH] === hash).map((p) => p.metadata?.labels?.role);
}

describe('activeMetadata and previewMetadata', () => {
  test('the first revision carries the active metadata on its template and its pods', () => {
    const world = new World(structuredClone(spec));
    world.settle();
    const v1 = world.rollout.status!.currentPodHash!;
    assert.equal(rsLabels(world, v1)?.role, 'active');
    assert.deepEqual(podRoles(world, v1), ['active', 'active']);
    const rs = [...world.replicaSets.values()][0]!;
    assert.equal(rs.metadata?.annotations?.[EPHEMERAL], '{"labels":{"role":"active"}}');
  });

  test('an update carries the preview metadata until promotion, then the active metadata moves to it and leaves the old revision', () => {
    const world = new World(structuredClone(spec));
    world.settle();
    const v1 = world.rollout.status!.currentPodHash!;
    (world.rollout.spec as typeof spec).template.spec.containers[0]!.image = 'app:v2';
    world.settle();
    const v2 = world.rollout.status!.currentPodHash!;
    assert.notEqual(v2, v1);
    assert.equal(world.rollout.status?.phase, 'Paused');
    assert.equal(rsLabels(world, v2)?.role, 'preview');
    assert.deepEqual(podRoles(world, v2), ['preview', 'preview']);
    const previewPod = [...world.pods.values()].find((p) => p.metadata?.labels?.[HASH] === v2)!;
    assert.equal(previewPod.metadata?.annotations?.['preview.example.com/note'], 'candidate');
    assert.deepEqual(podRoles(world, v1), ['active', 'active']);

    world.rollout.status!.pauseConditions = undefined; // promote
    world.settle();
    assert.equal(world.rollout.status?.stableRS, v2);
    assert.equal(rsLabels(world, v2)?.role, 'active');
    assert.deepEqual(podRoles(world, v2), ['active', 'active'], 'running pods are rewritten, not replaced');
    const promotedPod = world.pods.get(previewPod.metadata!.name!)!;
    assert.equal(promotedPod.metadata?.annotations?.['preview.example.com/note'], undefined, 'the preview annotation is removed');
    assert.equal(rsLabels(world, v1)?.role, undefined, 'the old revision loses the active label');
    assert.equal(rsLabels(world, v1)?.app, 'app', 'labels of the template stay');
    const settled = world.pass();
    assert.deepEqual(settled.effects, [], 'nothing left to sync');
  });

  test('a pod patch removes only what was injected and sets what is desired', () => {
    const pod = { metadata: { labels: { app: 'a', role: 'preview', sidecar: 'x' }, annotations: { 'note': 'n' } } };
    assert.deepEqual(podMetadataPatch(pod, { labels: { role: 'preview' }, annotations: { note: 'n' } }, { labels: { role: 'active' } }), {
      metadata: { labels: { role: 'active' }, annotations: { note: null } },
    });
    assert.equal(podMetadataPatch(pod, { labels: { role: 'preview' } }, { labels: { role: 'preview' } }), null);
  });
});
