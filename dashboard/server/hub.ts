import { ownerUid } from '../../client/info/labels.ts';
import { newRolloutInfo } from '../../client/info/rollout-info.ts';
import type { Clock, TimerHandle } from '../../controller/kube/clock.ts';
import type { RolloutDetail, RolloutSummary, WeightPoint } from '../shared/api.ts';
import { rolloutKey, type DashboardSource } from './cache.ts';
import type { DetailInputs } from './model/detail.ts';
import { rolloutDetailOf } from './model/detail.ts';
import { weightPoint, WeightHistory } from './model/history.ts';
import { mergeWeightHistory, rebuildWeightHistory } from './model/weight-rebuild.ts';
import { compareSummaries, rolloutSummary } from './model/summary.ts';

export type HubUpdate =
  | { kind: 'changed'; key: string; summary: RolloutSummary; detail: RolloutDetail }
  | { kind: 'deleted'; key: string; namespace: string; name: string };

export interface HubOptions {
  source: DashboardSource;
  clock: Clock;
  /** Weight points kept per rollout. */
  historyLimit: number;
  /** Changes within this window are sent once: a rollout step touches several objects at once. */
  debounceMs: number;
}

function splitRolloutKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Turns cache changes into what the browser needs: list rows, rollout details and the weight
 * history, recorded on every change whether or not anyone watches and rebuilt from the cluster's
 * events and ReplicaSets for the time before this process started.
 */
export class RolloutHub {
  private readonly history: WeightHistory;
  private readonly summaries = new Map<string, RolloutSummary>();
  private readonly listeners = new Set<(update: HubUpdate) => void>();
  private readonly pending = new Map<string, 'changed' | 'deleted'>();
  private timer: TimerHandle | undefined;
  private readonly unsubscribe: () => void;

  constructor(private readonly opts: HubOptions) {
    this.history = new WeightHistory(opts.historyLimit);
    this.unsubscribe = opts.source.subscribe((key, change) => this.schedule(key, change));
  }

  private schedule(key: string, change: 'changed' | 'deleted'): void {
    this.pending.set(key, change);
    if (this.timer === undefined) this.timer = this.opts.clock.setTimer(() => this.flush(), this.opts.debounceMs);
  }

  /** Processes every pending change now. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    for (const [key, change] of batch) {
      const update = change === 'deleted' ? this.remove(key) : this.refresh(key);
      if (update === undefined) continue;
      for (const listener of this.listeners) listener(update);
    }
  }

  private remove(key: string): HubUpdate | undefined {
    const { namespace, name } = splitRolloutKey(key);
    // A rollout deleted and created again within one batch is a change, not a deletion.
    if (this.opts.source.objects(namespace, name) !== undefined) return this.refresh(key);
    this.history.forget(key);
    this.summaries.delete(key);
    return { kind: 'deleted', key, namespace, name };
  }

  private refresh(key: string): HubUpdate | undefined {
    const { namespace, name } = splitRolloutKey(key);
    const objects = this.opts.source.objects(namespace, name);
    if (objects === undefined) return this.summaries.has(key) ? this.remove(key) : undefined;
    const now = this.opts.clock.now();
    const info = newRolloutInfo(objects);
    const point = weightPoint(info, now);
    if (point !== undefined) this.history.record(key, point);
    const summary = rolloutSummary(info, objects.rollout);
    this.summaries.set(key, summary);
    return { kind: 'changed', key, summary, detail: rolloutDetailOf(info, objects, this.historyOf(key, objects), now) };
  }

  /** What the cluster remembers of the weights, then what this process saw. */
  private historyOf(key: string, objects: DetailInputs): WeightPoint[] {
    // The rollout's own ReplicaSets: its Experiments' ones are among them for the view model.
    const own = new Set([objects.rollout.metadata.uid ?? '']);
    const replicaSets = (objects.replicaSets ?? []).filter((rs) => ownerUid(rs.metadata.ownerReferences as { uid: string }[] | undefined, own) !== undefined);
    const rebuilt = rebuildWeightHistory(objects.rollout, replicaSets, objects.events ?? []);
    return mergeWeightHistory(rebuilt, this.history.get(key), this.opts.historyLimit);
  }

  subscribe(listener: (update: HubUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(namespace?: string): RolloutSummary[] {
    const out: RolloutSummary[] = [];
    for (const ro of this.opts.source.rollouts(namespace)) {
      const key = rolloutKey(ro.metadata.namespace ?? '', ro.metadata.name ?? '');
      let summary = this.summaries.get(key);
      if (summary === undefined) {
        const objects = this.opts.source.objects(ro.metadata.namespace ?? '', ro.metadata.name ?? '');
        if (objects === undefined) continue;
        summary = rolloutSummary(newRolloutInfo(objects), objects.rollout);
      }
      out.push(summary);
    }
    return out.sort(compareSummaries);
  }

  /** The detail now; a change still waiting for the debounce is recorded in the history first. */
  detail(namespace: string, name: string): RolloutDetail | undefined {
    const objects = this.opts.source.objects(namespace, name);
    if (objects === undefined) return undefined;
    const key = rolloutKey(namespace, name);
    const now = this.opts.clock.now();
    const info = newRolloutInfo(objects);
    const point = weightPoint(info, now);
    if (point !== undefined) this.history.record(key, point);
    return rolloutDetailOf(info, objects, this.historyOf(key, objects), now);
  }

  /** Namespaces the kubeconfig may list and those that hold at least one rollout, sorted. */
  namespaces(): string[] {
    return [...new Set([...this.opts.source.namespaces(), ...this.opts.source.rollouts().map((ro) => ro.metadata.namespace ?? '')])].sort();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.unsubscribe();
    this.listeners.clear();
  }
}
