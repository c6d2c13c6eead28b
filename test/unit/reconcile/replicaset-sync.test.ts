import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HASH, World } from './support/pod-world.ts';

const spec = (blueGreen: Record<string, unknown> = {}): Record<string, unknown> => ({
  replicas: 2,
  selector: { matchLabels: { app: 'app' } },
  template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } },
  strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, ...blueGreen } },
});

describe('the new ReplicaSet synced in place', () => {
  test('a changed minReadySeconds is patched onto the existing ReplicaSet, once', () => {
    const world = new World(spec());
    world.settle();
    (world.rollout.spec as Record<string, unknown>).minReadySeconds = 5;
    world.rollout.metadata.generation = 2;
    const p = world.pass();
    const patch = p.effects.find((e) => e.kind === 'patchReplicaSet' && e.reason === 'sync revision');
    assert.ok(patch && patch.kind === 'patchReplicaSet');
    assert.equal(patch.patch.minReadySeconds, 5);
    assert.equal([...world.replicaSets.values()][0]?.spec?.minReadySeconds, 5);
    assert.equal(world.replicaSets.size, 1, 'minReadySeconds is not part of the pod template: no new revision');
    const again = world.pass();
    assert.ok(!again.effects.some((e) => e.kind === 'patchReplicaSet' && e.reason === 'sync revision'));
  });

  test('the injected anti-affinity rule follows a new stable revision', () => {
    const antiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: {} };
    const world = new World(spec({ antiAffinity }));
    world.settle();
    const v1 = world.rollout.status!.currentPodHash!;
    (world.rollout.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = 'app:v2';
    world.settle();
    const v2 = world.rollout.status!.currentPodHash!;
    const v2rs = [...world.replicaSets.values()].find((rs) => rs.metadata?.labels?.[HASH] === v2)!;
    const rule = () => v2rs.spec?.template?.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]?.labelSelector?.matchExpressions?.[0]?.values;
    assert.deepEqual(rule(), [v1], 'v2 pods keep off the nodes of the stable v1 pods');

    // The stable revision recorded in the status moves on (e.g. a rollback promoted another
    // ReplicaSet): the rule on the ReplicaSet still naming v1 is rewritten in place.
    world.rollout.status!.stableRS = 'elsewhere';
    const p = world.pass();
    const patch = p.effects.find((e) => e.kind === 'patchReplicaSet' && e.reason === 'sync revision');
    assert.ok(patch && patch.kind === 'patchReplicaSet' && patch.patch.template, 'the template affinity is patched');
    assert.deepEqual(rule(), ['elsewhere']);
  });
});
