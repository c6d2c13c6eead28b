import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { podLabelSelector, restartPending } from '../../../../controller/reconcile/shared/restart.ts';
import type { RolloutObject } from '../../../../controller/reconcile/types.ts';
import { World } from '../support/pod-world.ts';

const template = { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } };
const blueGreenSpec = { replicas: 3, selector: { matchLabels: { app: 'app' } }, template, strategy: { blueGreen: { activeService: 'app-active', previewService: 'app-preview' } } };
const canarySpec = { replicas: 4, selector: { matchLabels: { app: 'app' } }, template, strategy: { canary: { maxUnavailable: 2, maxSurge: 0 } } };

describe('spec.restartAt', () => {
  test('blue-green: pods older than restartAt are evicted one at a time, then status.restartedAt records restartAt', () => {
    const world = new World(blueGreenSpec);
    world.settle();
    assert.equal(world.rollout.status?.phase, 'Healthy');
    const original = [...world.pods.keys()];
    assert.equal(original.length, 3);

    world.now += 60_000;
    const restartAt = '2026-01-01T00:01:00Z';
    world.restart(restartAt);
    world.now += 1_000;
    const first = world.pass();
    // maxUnavailable 25% of 3 rounds down to 0, so one pod at a time.
    assert.deepEqual(first.effects.map((e) => e.kind), ['evictPod']);
    assert.equal(world.rollout.status?.restartedAt, undefined);
    assert.equal(world.rollout.status?.phase, 'Progressing');
    const waiting = world.pass();
    assert.deepEqual(waiting.effects, [], 'nothing more while a pod is missing');

    for (let i = 0; i < 6 && world.rollout.status?.restartedAt === undefined; i++) {
      world.now += 1_000;
      world.podsCatchUp();
      const p = world.pass();
      assert.ok(p.effects.filter((e) => e.kind === 'evictPod').length <= 1);
    }
    assert.deepEqual([...world.evicted].sort(), [...original].sort(), 'every original pod was evicted once');
    assert.equal(world.rollout.status?.restartedAt, restartAt);
    world.podsCatchUp();
    assert.deepEqual(world.podsCreatedBefore(restartAt), []);
    const settled = world.pass();
    assert.deepEqual(settled.effects, []);
    assert.equal(settled.status.phase, 'Healthy');
  });

  test('canary: maxUnavailable bounds the evictions in one pass', () => {
    const world = new World(canarySpec);
    world.settle();
    world.now += 60_000;
    world.restart('2026-01-01T00:01:00Z');
    world.now += 1_000;
    const first = world.pass();
    assert.equal(first.effects.filter((e) => e.kind === 'evictPod').length, 2);
    world.podsCatchUp();
    const second = world.pass();
    assert.equal(second.effects.filter((e) => e.kind === 'evictPod').length, 2);
    assert.equal(second.status.restartedAt, '2026-01-01T00:01:00Z');
  });

  test('a restartAt in the future evicts nothing and comes back when it is due', () => {
    const world = new World(blueGreenSpec);
    world.settle();
    world.restart('2026-01-01T00:10:00Z');
    const p = world.pass();
    assert.deepEqual(p.effects, []);
    assert.ok(p.requeueAfterMs !== undefined && p.requeueAfterMs > 590_000 && p.requeueAfterMs <= 601_000, String(p.requeueAfterMs));
  });

  test('nothing restarts while a ReplicaSet is not fully available', () => {
    const world = new World(blueGreenSpec);
    world.settle();
    world.now += 60_000;
    world.restart('2026-01-01T00:01:00Z');
    world.now += 1_000;
    const rs = [...world.replicaSets.values()][0]!;
    rs.status = { replicas: 3, readyReplicas: 2, availableReplicas: 2 };
    const p = world.pass();
    assert.deepEqual(p.effects, []);
    assert.equal(p.status.restartedAt, undefined);
  });

  test('a recorded restart reads no pods', () => {
    const ro = { metadata: { name: 'a', namespace: 'n', uid: 'u' }, spec: { restartAt: '2026-01-01T00:01:00Z' }, status: { restartedAt: '2026-01-01T00:01:00Z' } } as RolloutObject;
    assert.equal(restartPending(ro, new Date('2026-01-01T00:05:00Z')), false);
    assert.equal(restartPending({ ...ro, status: {} }, new Date('2026-01-01T00:05:00Z')), true);
    assert.equal(restartPending({ ...ro, status: {} }, new Date('2026-01-01T00:00:30Z')), false);
    assert.equal(podLabelSelector({ matchLabels: { app: 'a', tier: 'web' } }), 'app=a,tier=web');
    assert.equal(podLabelSelector(undefined), undefined);
  });
});
