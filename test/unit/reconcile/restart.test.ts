import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { plan } from '../../../controller/reconcile/plan.ts';
import { podLabelSelector, restartPending } from '../../../controller/reconcile/restart.ts';
import type { Effect, Observed, Plan, RolloutObject } from '../../../controller/reconcile/types.ts';

const HASH = 'rollouts-pod-template-hash';

/**
 * plan() with pods: the ReplicaSet controller is played by podsCatchUp (pods created at the
 * world's clock, Ready at once, as kwok makes them), evictions delete pods.
 */
class World {
  now = Date.parse('2026-01-01T00:00:00Z');
  rollout: RolloutObject;
  replicaSets = new Map<string, V1ReplicaSet>();
  services = new Map<string, V1Service>();
  pods = new Map<string, V1Pod>();
  evicted: string[] = [];
  private serial = 0;

  constructor(spec: Record<string, unknown>) {
    this.rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'app', namespace: 'ns', uid: 'uid-1', generation: 1 }, spec };
    for (const name of ['app-active', 'app-preview', 'app-stable', 'app-canary']) {
      this.services.set(name, { metadata: { name, namespace: 'ns' }, spec: { selector: { app: 'app' } } });
    }
  }

  observed(): Observed {
    return {
      rollout: structuredClone(this.rollout),
      replicaSets: [...this.replicaSets.values()].map((rs) => structuredClone(rs)),
      services: new Map(this.services),
      analysisRuns: [],
      ...(restartPending(this.rollout, new Date(this.now)) ? { pods: [...this.pods.values()].map((p) => structuredClone(p)) } : {}),
      now: new Date(this.now),
    };
  }

  pass(): Plan {
    const p = plan(this.observed());
    for (const e of p.effects) this.applyEffect(e);
    this.rollout.status = structuredClone(p.status);
    return p;
  }

  private applyEffect(e: Effect): void {
    if (e.kind === 'createReplicaSet') {
      this.replicaSets.set(e.replicaSet.metadata!.name!, { ...structuredClone(e.replicaSet), metadata: { ...structuredClone(e.replicaSet.metadata), uid: `uid-${e.replicaSet.metadata!.name}` }, status: { replicas: 0, availableReplicas: 0 } });
    }
    if (e.kind === 'patchReplicaSet') {
      const rs = this.replicaSets.get(e.name)!;
      if (e.patch.replicas !== undefined) rs.spec!.replicas = e.patch.replicas;
      for (const [k, v] of Object.entries(e.patch.annotations ?? {})) {
        rs.metadata!.annotations ??= {};
        if (v === null) delete rs.metadata!.annotations[k];
        else rs.metadata!.annotations[k] = v;
      }
    }
    if (e.kind === 'annotateRollout') this.rollout.metadata.annotations = { ...this.rollout.metadata.annotations, ...e.annotations };
    if (e.kind === 'setServiceSelector') this.services.get(e.service)!.spec!.selector![HASH] = e.hash;
    if (e.kind === 'evictPod') {
      assert.ok(this.pods.delete(e.name), `evicted pod ${e.name} exists`);
      this.evicted.push(e.name);
      this.syncStatus();
    }
  }

  /** The ReplicaSet controller and kwok: each ReplicaSet gets its pods, Ready at once. */
  podsCatchUp(): void {
    for (const rs of this.replicaSets.values()) {
      const owned = this.podsOf(rs);
      const want = rs.spec?.replicas ?? 0;
      for (let i = owned.length; i < want; i++) {
        const name = `${rs.metadata!.name}-p${++this.serial}`;
        const created = new Date(this.now);
        this.pods.set(name, {
          metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { ...rs.spec?.template?.metadata?.labels }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata!.name!, uid: rs.metadata!.uid!, controller: true }] },
          status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: created }] },
        });
      }
      for (const extra of owned.slice(want)) this.pods.delete(extra.metadata!.name!);
    }
    this.syncStatus();
  }

  private syncStatus(): void {
    for (const rs of this.replicaSets.values()) {
      const n = this.podsOf(rs).length;
      rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 1 };
    }
  }

  podsOf(rs: V1ReplicaSet): V1Pod[] {
    return [...this.pods.values()].filter((p) => p.metadata?.ownerReferences?.[0]?.uid === rs.metadata?.uid);
  }

  settle(passes = 4): void {
    for (let i = 0; i < passes; i++) {
      this.pass();
      this.podsCatchUp();
    }
  }

  restart(at: string): void {
    (this.rollout.spec as Record<string, unknown>).restartAt = at;
    this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  podsCreatedBefore(iso: string): string[] {
    return [...this.pods.values()].filter((p) => (p.metadata!.creationTimestamp as Date).getTime() < Date.parse(iso)).map((p) => p.metadata!.name!);
  }
}

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
