/**
 * The chaos run's eyes: its own informers on the apiserver (never through the fault proxy), the
 * commands the clients sent, and the pure invariants of invariants.ts applied continuously (on
 * every change of a Rollout or its route, and in a sweep every few seconds) and at the end.
 */
import type { KubeClient } from '../../../controller/kube/client.ts';
import { systemClock } from '../../../controller/kube/clock.ts';
import { Informer, kubeListWatch } from '../../../controller/kube/informer.ts';
import { ANALYSIS_RUNS, INGRESSES, ISTIO_VIRTUAL_SERVICES, REPLICA_SETS, ROLLOUTS, SERVICES, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { createLogger } from '../../../controller/runtime/logger.ts';
import { HASH_LABEL } from '../rollouts.ts';
import {
  activeServiceUnavailable,
  duplicateHashes,
  nextWeight,
  promotedPastFailedAnalysis,
  reflects,
  sustained,
  type Finding,
  type RolloutView,
  type SentCommand,
  type WeightTrack,
} from './invariants.ts';
import { routedWeight, type WorkloadKind } from './workload.ts';

/** How long a Service-vs-ReplicaSet finding must hold before it counts (watches of two kinds race). */
export const SUSTAIN_MS = 10_000;

export interface Violation extends Finding {
  at: number;
}

type Obj = KubeObject & {
  metadata?: KubeObject['metadata'] & { generation?: number; deletionTimestamp?: string };
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
};

export class ClusterChecker {
  private readonly informers = new Map<ResourceType, Informer<Obj>>();
  private readonly tracks = new Map<string, WeightTrack | undefined>();
  private since = new Map<string, number>();
  private readonly seen = new Set<string>();
  readonly violations: Violation[] = [];
  readonly commands: SentCommand[] = [];
  /** When each command was first seen reflected. */
  readonly reflectedAt = new Map<SentCommand, number>();
  private readonly pending = new Map<string, SentCommand[]>();
  /** `rollout@hash` of revisions a user promoted by hand (they may pass a failed analysis). */
  readonly promotedByUser = new Set<string>();
  /** Invariant evaluations made, by invariant. */
  readonly checks = new Map<string, number>();

  constructor(
    client: KubeClient,
    private readonly namespace: string,
    private readonly kinds: ReadonlyMap<string, WorkloadKind>,
  ) {
    const logger = createLogger('error');
    for (const type of [ROLLOUTS, REPLICA_SETS, SERVICES, INGRESSES, ISTIO_VIRTUAL_SERVICES, ANALYSIS_RUNS]) {
      this.informers.set(type, new Informer<Obj>({ name: `chaos ${type.plural}`, source: kubeListWatch<Obj>(client, type, { namespace }), clock: systemClock, logger, resyncMs: 0 }));
    }
    const rolloutOf = (obj: Obj): string | undefined => {
      const name = obj.metadata?.name ?? '';
      if (obj.kind === 'Rollout') return name;
      const owner = (obj.metadata?.ownerReferences as ReadonlyArray<{ kind?: string; name?: string }> | undefined)?.find((o) => o.kind === 'Rollout')?.name;
      return owner ?? name.replace(/-vs$/, '');
    };
    const changed = (obj: Obj): void => {
      const name = rolloutOf(obj);
      if (name && this.kinds.has(name)) this.onChange(name);
    };
    this.informer(ROLLOUTS).addHandlers({ add: changed, update: (_p, c) => changed(c) });
    this.informer(INGRESSES).addHandlers({ add: changed, update: (_p, c) => changed(c) });
    this.informer(ISTIO_VIRTUAL_SERVICES).addHandlers({ add: changed, update: (_p, c) => changed(c) });
  }

  private informer(type: ResourceType): Informer<Obj> {
    return this.informers.get(type)!;
  }

  async start(): Promise<void> {
    for (const i of this.informers.values()) i.start();
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(AbortSignal.timeout(120_000))));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  rollout(name: string): Obj | undefined {
    return this.informer(ROLLOUTS).get(`${this.namespace}/${name}`);
  }

  view(name: string): RolloutView | undefined {
    const ro = this.rollout(name);
    const kind = this.kinds.get(name);
    if (!ro || !kind) return undefined;
    const uid = ro.metadata?.uid ?? '';
    const replicaSets = this.informer(REPLICA_SETS)
      .byOwner(uid)
      .filter((rs) => !rs.metadata?.deletionTimestamp)
      .map((rs) => ({ name: rs.metadata?.name ?? '', hash: rs.metadata?.labels?.[HASH_LABEL] ?? '', availableReplicas: Number(rs.status?.availableReplicas ?? 0) }));
    const active = kind === 'bluegreen' ? this.informer(SERVICES).get(`${this.namespace}/${name}-active`) : undefined;
    const failedAnalysisHashes = this.informer(ANALYSIS_RUNS)
      .byOwner(uid)
      .filter((run) => run.status?.phase === 'Failed')
      .map((run) => run.metadata?.labels?.[HASH_LABEL] ?? '');
    const get = (what: 'ingress' | 'virtualservice', objectName: string): KubeObject | undefined =>
      this.informer(what === 'ingress' ? INGRESSES : ISTIO_VIRTUAL_SERVICES).get(`${this.namespace}/${objectName}`);
    return {
      key: `${this.namespace}/${name}`,
      generation: ro.metadata?.generation ?? 0,
      status: (ro.status ?? {}) as RolloutView['status'],
      replicaSets,
      activeSelectorHash: (active?.spec?.selector as Record<string, string> | undefined)?.[HASH_LABEL],
      canaryWeight: routedWeight(kind, name, get),
      failedAnalysisHashes,
    };
  }

  /** Records a command the moment its write was answered, and what it lets pass (a promoted revision). */
  record(command: SentCommand, promotedHash?: string): void {
    this.commands.push(command);
    const name = command.rollout.slice(command.rollout.indexOf('/') + 1);
    this.pending.set(name, [...(this.pending.get(name) ?? []), command]);
    if (promotedHash) this.promotedByUser.add(`${command.rollout}@${promotedHash}`);
    this.onChange(name);
  }

  private count(invariant: string, n = 1): void {
    this.checks.set(invariant, (this.checks.get(invariant) ?? 0) + n);
  }

  private report(findings: readonly Finding[], at = Date.now()): void {
    for (const f of findings) {
      const id = `${f.invariant}|${f.subject}|${f.message}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.violations.push({ ...f, at });
    }
  }

  /** On every change of a Rollout or its route: weight direction and command reflection. */
  private onChange(name: string): void {
    const view = this.view(name);
    if (!view) return;
    if (view.canaryWeight !== undefined) {
      const next = nextWeight(this.tracks.get(name), view, Date.now());
      this.tracks.set(name, next.track);
      this.count('weight-direction');
      if (next.finding) this.report([next.finding]);
    }
    const waiting = this.pending.get(name);
    if (!waiting) return;
    const now = Date.now();
    const left = waiting.filter((c) => {
      this.count('command-reflected');
      if (!reflects(c, view)) return true;
      this.reflectedAt.set(c, now);
      return false;
    });
    if (left.length > 0) this.pending.set(name, left);
    else this.pending.delete(name);
  }

  /** The periodic sweep over every Rollout: structure, Services, analysis. */
  sweep(): void {
    const now = Date.now();
    const serviceFindings: Finding[] = [];
    for (const name of this.kinds.keys()) {
      const view = this.view(name);
      if (!view) continue;
      this.report(duplicateHashes(view), now);
      this.report(promotedPastFailedAnalysis(view, this.promotedByUser), now);
      serviceFindings.push(...activeServiceUnavailable(view));
      this.count('one-replicaset-per-hash');
      this.count('promoted-past-failed-analysis');
      if (view.activeSelectorHash !== undefined) this.count('active-service-available');
      this.onChange(name);
    }
    const next = sustained(this.since, serviceFindings, now, SUSTAIN_MS);
    this.since = next.since;
    this.report(next.due, now);
  }

  hasPending(name: string): boolean {
    return this.pending.has(name);
  }

  /** Commands still waiting to show in the status. */
  waitingCommands(): number {
    let n = 0;
    for (const list of this.pending.values()) n += list.length;
    return n;
  }

  /** Milliseconds from each reflected command's write to its reflection. */
  latencies(): number[] {
    return [...this.reflectedAt.entries()].map(([c, at]) => Math.max(0, at - c.sentAt));
  }
}
