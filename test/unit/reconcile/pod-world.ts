import assert from 'node:assert/strict';
import type { V1LabelSelector, V1Pod, V1PodTemplateSpec, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { podMetadataPatch } from '../../../controller/reconcile/ephemeral-metadata.ts';
import { plan } from '../../../controller/reconcile/plan.ts';
import { restartPending } from '../../../controller/reconcile/restart.ts';
import type { Effect, Observed, Plan, RolloutObject } from '../../../controller/reconcile/types.ts';
import { applyMergePatch } from '../../../controller/kube/merge-patch.ts';

export const HASH = 'rollouts-pod-template-hash';

/**
 * plan() with pods: the ReplicaSet controller is played by podsCatchUp (pods created at the
 * world's clock, Ready at once, as kwok makes them), evictions delete pods.
 */
export class World {
  now = Date.parse('2026-01-01T00:00:00Z');
  rollout: RolloutObject;
  replicaSets = new Map<string, V1ReplicaSet>();
  services = new Map<string, V1Service>();
  pods = new Map<string, V1Pod>();
  evicted: string[] = [];
  /** The Deployment spec.workloadRef names, when there is one. */
  deployment?: { template?: V1PodTemplateSpec; selector?: V1LabelSelector; generation?: number; replicas?: number };
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
      ...(this.deployment ? { workloadTemplate: structuredClone(this.deployment) } : {}),
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
      if (e.patch.minReadySeconds !== undefined) rs.spec!.minReadySeconds = e.patch.minReadySeconds;
      if (e.patch.template) rs.spec!.template = applyMergePatch(rs.spec!.template, e.patch.template) as NonNullable<V1ReplicaSet['spec']>['template'];
      for (const [k, v] of Object.entries(e.patch.annotations ?? {})) {
        rs.metadata!.annotations ??= {};
        if (v === null) delete rs.metadata!.annotations[k];
        else rs.metadata!.annotations[k] = v;
      }
    }
    if (e.kind === 'annotateRollout') this.rollout.metadata.annotations = { ...this.rollout.metadata.annotations, ...e.annotations };
    if (e.kind === 'setServiceSelector') this.services.get(e.service)!.spec!.selector![HASH] = e.hash;
    if (e.kind === 'scaleDeployment') this.deployment!.replicas = e.replicas;
    if (e.kind === 'syncPodMetadata') {
      const rs = this.replicaSets.get(e.replicaSet)!;
      for (const pod of this.podsOf(rs)) {
        const patch = podMetadataPatch(pod, e.existing, e.desired);
        if (patch) pod.metadata = applyMergePatch(pod.metadata, patch.metadata!) as V1Pod['metadata'];
      }
    }
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
          metadata: { name, namespace: 'ns', creationTimestamp: created, labels: { ...rs.spec?.template?.metadata?.labels }, annotations: { ...rs.spec?.template?.metadata?.annotations }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata!.name!, uid: rs.metadata!.uid!, controller: true }] },
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
    return [...this.pods.values()].filter((p) => new Date(p.metadata!.creationTimestamp!).getTime() < Date.parse(iso)).map((p) => p.metadata!.name!);
  }
}

