import assert from 'node:assert/strict';
import type { V1LabelSelector, V1Pod, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { applyMergePatch } from '../../../../controller/kube/merge-patch.ts';
import { podMetadataPatch } from '../../../../controller/reconcile/shared/ephemeral-metadata.ts';
import { restartPending } from '../../../../controller/reconcile/shared/restart.ts';
import type { Effect, Observed, Plan } from '../../../../controller/reconcile/types.ts';
import { HASH, PlanWorld } from './world.ts';

export { HASH };

/**
 * plan() with pods: the ReplicaSet controller is played by podsCatchUp (pods created at the
 * world's clock, Ready at once, as kwok makes them), evictions delete pods.
 */
export class World extends PlanWorld {
  pods = new Map<string, V1Pod>();
  evicted: string[] = [];
  /** The Deployment spec.workloadRef names, when there is one. */
  deployment?: { template?: V1PodTemplateSpec; selector?: V1LabelSelector; generation?: number; replicas?: number };
  private serial = 0;

  constructor(spec: Record<string, unknown>) {
    super(spec, { services: ['app-active', 'app-preview', 'app-stable', 'app-canary'] });
  }

  override observed(): Observed {
    return {
      ...super.observed(),
      ...(this.deployment ? { workloadTemplate: structuredClone(this.deployment) } : {}),
      ...(restartPending(this.rollout, new Date(this.now)) ? { pods: [...this.pods.values()].map((p) => structuredClone(p)) } : {}),
    };
  }

  protected override applyEffect(e: Effect): void {
    super.applyEffect(e);
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
  override podsCatchUp(): void {
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

  /** Each pass followed by the pods catching up; the last pass's plan. */
  override settle(passes = 4): Plan {
    let last: Plan | undefined;
    for (let i = 0; i < passes; i++) {
      last = this.pass();
      this.podsCatchUp();
    }
    return last!;
  }

  restart(at: string): void {
    (this.rollout.spec as Record<string, unknown>).restartAt = at;
    this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  podsCreatedBefore(iso: string): string[] {
    return [...this.pods.values()].filter((p) => new Date(p.metadata!.creationTimestamp!).getTime() < Date.parse(iso)).map((p) => p.metadata!.name!);
  }
}
