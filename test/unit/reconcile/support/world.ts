import assert from 'node:assert/strict';
import type { V1Ingress, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout, RolloutStatus } from '../../../../controller/api/index.ts';
import { promotePatches } from '../../../../client/actions/patches.ts';
import { applyMergePatch, type Json } from '../../../../controller/kube/merge-patch.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION } from '../../../../controller/api/labels.ts';
import { apply, type RolloutWriter } from '../../../../controller/reconcile/apply.ts';
import { plan } from '../../../../controller/reconcile/plan.ts';
import type { Effect, Observed, Plan, RolloutEvent, RolloutObject } from '../../../../controller/reconcile/types.ts';

export const HASH = 'rollouts-pod-template-hash';
export const NS = 'ns';
export type RunPhase = NonNullable<NonNullable<AnalysisRun['status']>['phase']>;

export interface WorldOptions {
  /** The Services that exist, each selecting `app: app`; the canary's two by default. */
  services?: string[];
  /** The AnalysisTemplates of the namespace, by name. */
  templates?: AnalysisTemplate[];
  /** The ClusterAnalysisTemplates the controller's cache holds; not observed when left out. */
  clusterTemplates?: ClusterAnalysisTemplate[];
}

/**
 * A small world for plan() and apply(): the Rollout `ns/app`, its ReplicaSets, Services,
 * AnalysisRuns and templates, changed through the RolloutWriter port that apply() writes
 * through, by the users' patches, and by what the other controllers would do (the ReplicaSet
 * controller and kubelets in podsCatchUp, the AnalysisRun controller in runPhase).
 */
export class RolloutWorld implements RolloutWriter {
  now = Date.parse('2026-01-01T00:00:00Z');
  rollout: RolloutObject;
  replicaSets = new Map<string, V1ReplicaSet>();
  services = new Map<string, V1Service>();
  runs = new Map<string, AnalysisRun>();
  experiments = new Map<string, Experiment>();
  templates: Map<string, AnalysisTemplate>;
  clusterTemplates: Map<string, ClusterAnalysisTemplate> | undefined;
  /** The stable Ingresses the controller's cache holds; undefined: not observed. */
  ingresses: Map<string, V1Ingress> | undefined;
  /** Every run created, in order, as first created. */
  created: AnalysisRun[] = [];
  events: RolloutEvent[] = [];
  /** Every write apply() made to ReplicaSets, Services, AnalysisRuns and the Rollout, for "writes nothing" checks. */
  writes: string[] = [];
  private version = 1;

  constructor(spec: Record<string, unknown>, opts: WorldOptions = {}) {
    this.rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'app', namespace: NS, uid: 'uid-1', generation: 1 }, spec };
    for (const name of opts.services ?? ['app-stable', 'app-canary']) {
      this.services.set(name, { metadata: { name, namespace: NS }, spec: { selector: { app: 'app' } } });
    }
    this.templates = new Map((opts.templates ?? []).map((t) => [t.metadata.name!, t]));
    this.clusterTemplates = opts.clusterTemplates ? new Map(opts.clusterTemplates.map((t) => [t.metadata.name!, t])) : undefined;
  }

  observed(): Observed {
    return {
      rollout: structuredClone(this.rollout),
      replicaSets: [...this.replicaSets.values()].map((rs) => structuredClone(rs)),
      services: new Map([...this.services].map(([k, v]) => [k, structuredClone(v)])),
      managedServices: managedBy(this.services, this.rollout.metadata.name).map((svc) => structuredClone(svc)),
      ...(this.ingresses ? { ingresses: new Map(this.ingresses) } : {}),
      analysisRuns: [...this.runs.values()].map((run) => structuredClone(run)),
      experiments: [...this.experiments.values()].map((ex) => structuredClone(ex)),
      analysisTemplates: new Map(this.templates),
      ...(this.clusterTemplates ? { clusterAnalysisTemplates: new Map(this.clusterTemplates) } : {}),
      now: new Date(this.now),
    };
  }

  /** What a pass observes: observed(), and whatever else a subclass reads at the edge as the reconciler does. */
  protected async observeForPass(): Promise<Observed> {
    return this.observed();
  }

  /** One reconcile pass: plan, then apply through this world's writer. */
  async pass(): Promise<Plan> {
    const observed = await this.observeForPass();
    const p = plan(observed);
    await apply(this, observed, p);
    return p;
  }

  /** Passes with pods catching up in between, as the ReplicaSet controller and kubelets would. */
  async settle(passes = 4): Promise<Plan> {
    let last = await this.pass();
    for (let i = 1; i < passes; i++) {
      this.podsCatchUp();
      last = await this.pass();
    }
    return last;
  }

  podsCatchUp(): void {
    for (const rs of this.replicaSets.values()) {
      const n = rs.spec?.replicas ?? 0;
      rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: rs.metadata?.generation ?? 1 };
    }
  }

  // RolloutWriter -------------------------------------------------------------------------------

  async createReplicaSet(_ns: string, rs: V1ReplicaSet): Promise<void> {
    const name = rs.metadata!.name!;
    this.writes.push(`create rs ${name}`);
    const created = structuredClone(rs);
    created.metadata = { ...created.metadata, uid: `uid-${name}`, generation: 1, creationTimestamp: new Date(this.now) };
    created.status = { replicas: 0, availableReplicas: 0, readyReplicas: 0, observedGeneration: 1 };
    this.replicaSets.set(name, created);
  }

  async patchReplicaSet(_ns: string, name: string, patch: object): Promise<void> {
    this.writes.push(`patch rs ${name} ${JSON.stringify(patch)}`);
    const rs = this.replicaSets.get(name);
    assert.ok(rs, `ReplicaSet ${name} exists`);
    this.replicaSets.set(name, { ...(applyMergePatch(rs as unknown as Json, patch as Json) as V1ReplicaSet), status: rs.status });
  }

  async deleteReplicaSet(_ns: string, name: string): Promise<void> {
    this.writes.push(`delete rs ${name}`);
    this.replicaSets.delete(name);
  }

  async patchService(_ns: string, name: string, patch: object): Promise<void> {
    this.writes.push(`patch service ${name}`);
    this.services.set(name, applyMergePatch(this.services.get(name) as unknown as Json, patch as Json) as V1Service);
  }

  async patchRollout(_ns: string, _name: string, patch: object): Promise<string> {
    this.writes.push('patch rollout');
    this.rollout = applyMergePatch(this.rollout as unknown as Json, patch as Json) as unknown as RolloutObject;
    return String(++this.version);
  }

  async patchRolloutStatus(_ns: string, _name: string, patch: object): Promise<string> {
    this.writes.push('patch status');
    const { status } = patch as { status: Json };
    this.rollout.status = applyMergePatch(this.rollout.status ?? {}, status) as RolloutStatus;
    return String(++this.version);
  }

  async recordEvent(_rollout: RolloutObject, event: RolloutEvent): Promise<void> {
    this.events.push(event);
  }

  async createAnalysisRun(_ns: string, run: AnalysisRun): Promise<void> {
    const name = run.metadata.name!;
    this.writes.push(`create analysisrun ${name}`);
    assert.ok(!this.runs.has(name), `run ${name} created twice`);
    const created = structuredClone(run);
    created.metadata.uid = `uid-${name}`;
    created.metadata.creationTimestamp = new Date(this.now).toISOString();
    this.runs.set(name, created);
    this.created.push(created);
  }

  async patchAnalysisRun(_ns: string, name: string, patch: object): Promise<void> {
    this.writes.push(`patch analysisrun ${name}`);
    this.runs.set(name, applyMergePatch(this.runs.get(name) as unknown as Json, patch as Json) as unknown as AnalysisRun);
  }

  async deleteAnalysisRun(_ns: string, name: string): Promise<void> {
    this.writes.push(`delete analysisrun ${name}`);
    this.runs.delete(name);
  }

  async createExperiment(_ns: string, experiment: Experiment): Promise<void> {
    const name = experiment.metadata.name!;
    this.writes.push(`create experiment ${name}`);
    assert.ok(!this.experiments.has(name), `experiment ${name} created twice`);
    const created = structuredClone(experiment);
    created.metadata.uid = `uid-${name}`;
    created.metadata.creationTimestamp = new Date(this.now).toISOString();
    this.experiments.set(name, created);
  }

  async patchExperiment(_ns: string, name: string, patch: object): Promise<void> {
    this.writes.push(`patch experiment ${name}`);
    this.experiments.set(name, applyMergePatch(this.experiments.get(name) as unknown as Json, patch as Json) as unknown as Experiment);
  }

  async deleteExperiment(_ns: string, name: string): Promise<void> {
    this.writes.push(`delete experiment ${name}`);
    this.experiments.delete(name);
  }

  // Users and the other controllers -------------------------------------------------------------

  setImage(image: string): void {
    (this.spec.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image = image;
    this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  /** `kubectl argo rollouts promote [--full]`: the patches the CLI sends. */
  promote(full = false): void {
    const patches = promotePatches(this.rollout as unknown as Rollout, { full });
    for (const patch of [patches.status, patches.spec]) {
      if (patch) this.rollout = applyMergePatch(this.rollout as unknown as Json, patch as Json) as unknown as RolloutObject;
    }
  }

  /** abort, retry, pause, resume: the CLI's fixed patches; a spec change bumps the generation. */
  patch(patch: object): void {
    this.rollout = applyMergePatch(this.rollout as unknown as Json, patch as Json) as unknown as RolloutObject;
    if ('spec' in patch) this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  /** What the AnalysisRun controller would write. */
  runPhase(name: string, phase: RunPhase, message?: string): void {
    const run = this.runs.get(name);
    assert.ok(run, `run ${name} exists (have ${[...this.runs.keys()].join(', ')})`);
    run.status = { ...run.status, phase, ...(message ? { message } : {}) };
  }

  /** What the Experiment controller would write. */
  experimentPhase(name: string, phase: RunPhase, message?: string): void {
    const ex = this.experiments.get(name);
    assert.ok(ex, `experiment ${name} exists (have ${[...this.experiments.keys()].join(', ')})`);
    ex.status = { ...ex.status, phase, ...(message ? { message } : {}) };
  }

  // Views ---------------------------------------------------------------------------------------

  get spec(): Record<string, unknown> {
    return this.rollout.spec as Record<string, unknown>;
  }

  get status(): RolloutStatus {
    return this.rollout.status ?? {};
  }

  selector(service: string): string | undefined {
    return this.services.get(service)!.spec!.selector![HASH];
  }

  rsByHash(hash: string | undefined): V1ReplicaSet | undefined {
    return [...this.replicaSets.values()].find((rs) => rs.metadata?.labels?.[HASH] === hash);
  }

  replicas(hash: string | undefined): number | undefined {
    return this.rsByHash(hash)?.spec?.replicas;
  }

  terminated(name: string): boolean {
    return this.runs.get(name)?.spec.terminate === true;
  }

  reasons(): string[] {
    return this.events.map((e) => e.reason);
  }
}

/**
 * A small world for plan() alone: the Rollout `ns/app`, its ReplicaSets, Services, AnalysisRuns
 * and templates, changed only by the plan's effects (applied here as the API server would) and
 * by what the other controllers would do. Subclasses add effects they play (pods, Deployments).
 */
export class PlanWorld {
  now = Date.parse('2026-01-01T00:00:00Z');
  rollout: RolloutObject;
  replicaSets = new Map<string, V1ReplicaSet>();
  services = new Map<string, V1Service>();
  runs = new Map<string, AnalysisRun>();
  /** The AnalysisTemplates the controller's cache holds; not observed when not given. */
  templates: Map<string, AnalysisTemplate> | undefined;
  /** The ClusterAnalysisTemplates the controller's cache holds; not observed when not given. */
  clusterTemplates: Map<string, ClusterAnalysisTemplate> | undefined;
  /** Every run created, in order. */
  created: AnalysisRun[] = [];
  private uids = 0;

  constructor(spec: Record<string, unknown>, opts: WorldOptions & { services: string[] }) {
    this.rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'app', namespace: NS, uid: 'uid-1', generation: 1 }, spec };
    for (const name of opts.services) {
      this.services.set(name, { metadata: { name, namespace: NS }, spec: { selector: { app: 'app' } } });
    }
    this.templates = opts.templates ? new Map(opts.templates.map((t) => [t.metadata.name!, t])) : undefined;
    this.clusterTemplates = opts.clusterTemplates ? new Map(opts.clusterTemplates.map((t) => [t.metadata.name!, t])) : undefined;
  }

  observed(): Observed {
    return {
      rollout: structuredClone(this.rollout),
      replicaSets: [...this.replicaSets.values()].map((rs) => structuredClone(rs)),
      services: new Map(this.services),
      managedServices: managedBy(this.services, this.rollout.metadata.name),
      analysisRuns: [...this.runs.values()].map((r) => structuredClone(r)),
      ...(this.templates ? { analysisTemplates: new Map(this.templates) } : {}),
      ...(this.clusterTemplates ? { clusterAnalysisTemplates: new Map(this.clusterTemplates) } : {}),
      now: new Date(this.now),
    };
  }

  /** One reconcile pass: plan, apply the effects to the world, store the status. */
  pass(): Plan {
    const p = plan(this.observed());
    for (const e of p.effects) this.applyEffect(e);
    this.rollout.status = structuredClone(p.status);
    return p;
  }

  protected applyEffect(e: Effect): void {
    switch (e.kind) {
      case 'createReplicaSet': {
        const name = e.replicaSet.metadata!.name!;
        const metadata = { ...structuredClone(e.replicaSet.metadata), uid: `uid-${name}`, creationTimestamp: new Date(this.now) };
        this.replicaSets.set(name, { ...structuredClone(e.replicaSet), metadata, status: { replicas: 0, availableReplicas: 0 } });
        break;
      }
      case 'patchReplicaSet': {
        const rs = this.replicaSets.get(e.name)!;
        if (e.patch.replicas !== undefined) rs.spec!.replicas = e.patch.replicas;
        if (e.patch.minReadySeconds !== undefined) rs.spec!.minReadySeconds = e.patch.minReadySeconds;
        if (e.patch.template) rs.spec!.template = applyMergePatch(rs.spec!.template, e.patch.template) as NonNullable<V1ReplicaSet['spec']>['template'];
        for (const [k, v] of Object.entries(e.patch.annotations ?? {})) {
          rs.metadata!.annotations ??= {};
          if (v === null) delete rs.metadata!.annotations[k];
          else rs.metadata!.annotations[k] = v;
        }
        break;
      }
      case 'deleteReplicaSet':
        this.replicaSets.delete(e.name);
        break;
      case 'annotateRollout':
        this.rollout.metadata.annotations = { ...this.rollout.metadata.annotations, ...e.annotations };
        break;
      case 'setServiceSelector': {
        // As apply() writes it: the selector and the managed-by annotation together.
        const svc = this.services.get(e.service)!;
        svc.spec!.selector![HASH] = e.hash;
        svc.metadata!.annotations = { ...svc.metadata!.annotations, [MANAGED_BY_ROLLOUTS_ANNOTATION]: e.rollout };
        break;
      }
      case 'releaseService': {
        const svc = this.services.get(e.service)!;
        delete svc.spec!.selector![HASH];
        delete svc.metadata!.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION];
        break;
      }
      case 'createAnalysisRun': {
        const run = structuredClone(e.analysisRun);
        assert.ok(!this.runs.has(run.metadata.name!), `run ${run.metadata.name} created twice`);
        run.metadata.uid = `run-${++this.uids}`;
        run.metadata.creationTimestamp = new Date(this.now).toISOString();
        this.runs.set(run.metadata.name!, run);
        this.created.push(run);
        break;
      }
      case 'terminateAnalysisRun':
        this.runs.get(e.name)!.spec.terminate = true;
        break;
      case 'deleteAnalysisRun':
        this.runs.delete(e.name);
        break;
    }
  }

  /** What the ReplicaSet controller and kubelets would do: every ReplicaSet reaches its size. */
  podsCatchUp(): void {
    for (const rs of this.replicaSets.values()) {
      const n = rs.spec?.replicas ?? 0;
      rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, observedGeneration: 1 };
    }
  }

  /** Passes with pods catching up in between; the last pass's plan. */
  settle(passes = 4): Plan {
    let last = this.pass();
    for (let i = 1; i < passes; i++) {
      this.podsCatchUp();
      last = this.pass();
    }
    return last;
  }

  setImage(image: string): void {
    (this.rollout.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = image;
    this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  /** `kubectl argo rollouts promote [--full]`: the patches the CLI sends, applied as the API server would. */
  promote(full = false): void {
    const patches = promotePatches(this.rollout as unknown as Rollout, { full });
    for (const patch of [patches.spec, patches.status]) {
      if (patch) this.rollout = applyMergePatch(this.rollout as unknown as Json, patch as Json) as unknown as RolloutObject;
    }
  }

  /** One of the CLI's patches; a spec change bumps the generation. */
  patch(patch: object): void {
    this.rollout = applyMergePatch(this.rollout as unknown as Json, patch as Json) as unknown as RolloutObject;
    if ('spec' in patch) this.rollout.metadata.generation = (this.rollout.metadata.generation ?? 1) + 1;
  }

  /** What the AnalysisRun controller would write. */
  runPhase(name: string, phase: RunPhase, message?: string): void {
    const run = this.runs.get(name)!;
    run.status = { ...run.status, phase, ...(message ? { message } : {}) };
  }

  selector(service: string): string | undefined {
    return this.services.get(service)!.spec!.selector![HASH];
  }

  rsByHash(hash: string | undefined): V1ReplicaSet | undefined {
    return [...this.replicaSets.values()].find((rs) => rs.metadata?.labels?.[HASH] === hash);
  }

  runsOfType(type: string): AnalysisRun[] {
    return [...this.runs.values()].filter((r) => r.metadata.labels?.['rollout-type'] === type);
  }
}

/** The Services whose managed-by annotation names the Rollout, as the controller's cache view finds them. */
function managedBy(services: ReadonlyMap<string, V1Service>, rolloutName: string): V1Service[] {
  return [...services.values()].filter((svc) => svc.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === rolloutName);
}
