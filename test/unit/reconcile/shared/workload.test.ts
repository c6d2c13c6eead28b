import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { World } from '../support/pod-world.ts';

const template = { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } };

function migrating(scaleDown?: string): World {
  const world = new World({
    replicas: 3,
    selector: { matchLabels: { app: 'app' } },
    workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', ...(scaleDown ? { scaleDown } : {}) },
    strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview' } },
  });
  world.deployment = { template: structuredClone(template), selector: { matchLabels: { app: 'app' } }, generation: 4, replicas: 3 };
  return world;
}

describe('spec.workloadRef', () => {
  test('the Rollout deploys the Deployment\'s template and records the generation it saw', () => {
    const world = migrating();
    const first = world.pass();
    const created = first.effects.find((e) => e.kind === 'createReplicaSet');
    assert.ok(created && created.kind === 'createReplicaSet');
    assert.equal(created.replicaSet.spec?.template?.spec?.containers[0]?.image, 'app:v1');
    assert.ok(first.effects.some((e) => e.kind === 'annotateRollout' && e.annotations['rollout.argoproj.io/workload-generation'] === '4'));
    assert.equal(first.status.workloadObservedGeneration, '4');
    assert.equal(created.replicaSet.metadata?.annotations?.['rollout.argoproj.io/workload-generation'], undefined, 'the bookkeeping annotation is not copied to ReplicaSets');
  });

  test('scaleDown never (the default) leaves the Deployment alone', () => {
    const world = migrating();
    world.settle();
    assert.equal(world.rollout.status?.phase, 'Healthy');
    assert.equal(world.deployment?.replicas, 3);
  });

  test('scaleDown onsuccess scales the Deployment to zero once the first revision is Healthy', () => {
    const world = migrating('onsuccess');
    world.pass();
    world.pass();
    assert.notEqual(world.rollout.status?.phase, 'Healthy');
    assert.equal(world.deployment?.replicas, 3, 'kept while the Rollout is not Healthy yet');
    world.settle();
    assert.equal(world.rollout.status?.phase, 'Healthy');
    assert.equal(world.deployment?.replicas, 0);
  });

  test('scaleDown progressively takes one Deployment replica away per available Rollout pod', () => {
    const world = migrating('progressively');
    world.pass();
    const rs = [...world.replicaSets.values()][0]!;
    rs.status = { replicas: 3, readyReplicas: 2, availableReplicas: 2 };
    const p = world.pass();
    assert.ok(p.effects.some((e) => e.kind === 'scaleDeployment' && e.replicas === 1));
    assert.equal(world.deployment?.replicas, 1);
    world.podsCatchUp();
    world.settle();
    assert.equal(world.deployment?.replicas, 0);
  });

  test('later revisions do not touch the Deployment again', () => {
    const world = migrating('onsuccess');
    world.settle();
    world.deployment!.replicas = 2; // someone scaled it back up
    world.deployment!.template!.spec!.containers[0]!.image = 'app:v2';
    world.deployment!.generation = 5;
    world.settle();
    assert.equal(world.rollout.status?.workloadObservedGeneration, '5');
    assert.equal(world.deployment?.replicas, 2);
  });
});
