import { withStrategy } from '../../controller/api/defaults.ts';
import type { Logger } from 'pino';
import type { AnalysisRun, Experiment, Rollout } from '../../controller/api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../controller/api/labels.ts';
import type { PodLike, ReplicaSetLike } from '../../client/info/types.ts';
import type { KubeClient, WatchEvent } from '../../controller/kube/client.ts';
import type { Clock } from '../../controller/kube/clock.ts';
import { Informer, kubeListWatch, type ListWatchSource } from '../../controller/kube/informer.ts';
import { ANALYSIS_RUNS, EVENTS, EXPERIMENTS, NAMESPACES, PODS, qualifiedName, REPLICA_SETS, ROLLOUTS, type KubeObject, type ResourceType } from '../../controller/kube/resources.ts';
import { controllerOf } from '../../controller/kube/store.ts';
import { EVENT_KINDS, type EventLike } from './model/events.ts';
import type { DetailInputs } from './model/detail.ts';
import type { ExperimentObjects } from './model/experiment.ts';

/**
 * The dashboard's view of the cluster: informers over rollouts, their ReplicaSets, pods,
 * AnalysisRuns and events. Requests read these caches only; the apiserver sees one list and one
 * watch per kind, however many browsers are open.
 */

/** Changes are reported per rollout (or experiment), by `namespace/name`. */
export type ChangeListener = (key: string, change: 'changed' | 'deleted') => void;

/** What the HTTP layer reads; tests implement it over in-memory informers. */
export interface DashboardSource {
  rollouts(namespace?: string): Rollout[];
  /** The rollout and every object the page shows about it, or undefined when it does not exist. */
  objects(namespace: string, name: string): DetailInputs | undefined;
  subscribe(listener: ChangeListener): () => void;
  /** Namespaces the kubeconfig may list; empty when it may not list namespaces. */
  namespaces(): string[];
  experiments(namespace?: string): Experiment[];
  /** The experiment with its ReplicaSets and AnalysisRuns, or undefined when it does not exist. */
  experimentObjects(namespace: string, name: string): ExperimentObjects | undefined;
  /** Changes of an experiment or of anything it owns. */
  subscribeExperiments(listener: ChangeListener): () => void;
}

export type WatchedKind = 'rollouts' | 'replicasets' | 'pods' | 'analysisruns' | 'events' | 'experiments' | 'namespaces';

export const WATCHED: Record<WatchedKind, ResourceType> = {
  rollouts: ROLLOUTS,
  replicasets: REPLICA_SETS,
  pods: PODS,
  analysisruns: ANALYSIS_RUNS,
  events: EVENTS,
  experiments: EXPERIMENTS,
  namespaces: NAMESPACES,
};

/** Cluster-scoped kinds, watched only when the dashboard watches every namespace. */
export const CLUSTER_KINDS: readonly WatchedKind[] = ['namespaces'];

/** Rollouts and ReplicaSets are required; without the others the page shows less. */
export const REQUIRED_KINDS: readonly WatchedKind[] = ['rollouts', 'replicasets'];

/** Every ReplicaSet and pod a rollout owns carries this label, so others are never cached. */
const MANAGED_SELECTOR = POD_TEMPLATE_HASH_LABEL;

export function rolloutKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Drops objects `keep` refuses before they reach the cache. A dropped watch event still advances
 * the resourceVersion (as a bookmark would), so a re-watch does not replay it.
 */
export function filteredSource<T extends KubeObject>(source: ListWatchSource<T>, keep: (obj: T) => boolean): ListWatchSource<T> {
  return {
    async list(signal) {
      const listed = await source.list(signal);
      return { items: listed.items.filter(keep), resourceVersion: listed.resourceVersion };
    },
    watch(opts, onEvent) {
      return source.watch(opts, (event: WatchEvent<T>) => {
        if (event.type === 'BOOKMARK' || keep(event.object)) {
          onEvent(event);
          return;
        }
        const rv = event.object.metadata?.resourceVersion;
        if (rv) onEvent({ type: 'BOOKMARK', resourceVersion: rv });
      });
    },
  };
}

export interface InformerDeps {
  client: KubeClient;
  clock: Clock;
  logger: Logger;
  /** Namespace-scoped mode; undefined watches every namespace. */
  namespace?: string;
}

/** The informer for one kind, scoped and filtered as the dashboard needs it. */
export function dashboardInformer(kind: WatchedKind, deps: InformerDeps): Informer<KubeObject> {
  const type = WATCHED[kind];
  const scope: { namespace?: string; labelSelector?: string } = {};
  if (deps.namespace !== undefined && !CLUSTER_KINDS.includes(kind)) scope.namespace = deps.namespace;
  if (kind === 'replicasets' || kind === 'pods') scope.labelSelector = MANAGED_SELECTOR;
  let source: ListWatchSource<KubeObject> = kubeListWatch<KubeObject>(deps.client, type, scope);
  if (kind === 'events') source = filteredSource(source, (e) => EVENT_KINDS.has((e as EventLike).involvedObject?.kind ?? ''));
  return new Informer<KubeObject>({ name: qualifiedName(type), source, clock: deps.clock, logger: deps.logger, resyncMs: 0 });
}

export type InformerMap = Partial<Record<WatchedKind, Informer<KubeObject>>> & { rollouts: Informer<KubeObject>; replicasets: Informer<KubeObject> };

function ns(obj: KubeObject): string {
  return obj.metadata?.namespace ?? '';
}

/** A DashboardSource over informers; kinds without an informer (not permitted) read as empty. */
export class InformerSource implements DashboardSource {
  private readonly listeners = new Set<ChangeListener>();
  private readonly experimentListeners = new Set<ChangeListener>();

  constructor(private readonly informers: InformerMap) {
    const changed = (key: string | undefined): void => {
      if (key !== undefined) this.emit(key, 'changed');
    };
    informers.rollouts.addHandlers({
      add: (ro) => changed(rolloutKey(ns(ro), ro.metadata?.name ?? '')),
      update: (_, ro) => changed(rolloutKey(ns(ro), ro.metadata?.name ?? '')),
      delete: (ro) => this.emit(rolloutKey(ns(ro), ro.metadata?.name ?? ''), 'deleted'),
    });
    const byOwner = (obj: KubeObject): void => changed(this.rolloutOf(obj));
    for (const kind of ['replicasets', 'pods', 'analysisruns', 'events', 'experiments'] as const) {
      informers[kind]?.addHandlers({ add: byOwner, update: (_, obj) => byOwner(obj), delete: byOwner });
    }
    const experimentChanged = (obj: KubeObject, change: 'changed' | 'deleted' = 'changed'): void => {
      const key = obj.kind === 'Experiment' ? rolloutKey(ns(obj), obj.metadata?.name ?? '') : this.experimentOf(obj);
      if (key !== undefined) for (const listener of this.experimentListeners) listener(key, change);
    };
    informers.experiments?.addHandlers({ add: experimentChanged, update: (_, obj) => experimentChanged(obj), delete: (obj) => experimentChanged(obj, 'deleted') });
    for (const kind of ['replicasets', 'analysisruns'] as const) {
      informers[kind]?.addHandlers({ add: experimentChanged, update: (_, obj) => experimentChanged(obj), delete: (obj) => experimentChanged(obj) });
    }
  }

  /** The key of the experiment that controls an object, if one does. */
  private experimentOf(obj: KubeObject): string | undefined {
    const owner = controllerOf(obj);
    return owner?.kind === 'Experiment' && owner.name ? rolloutKey(ns(obj), owner.name) : undefined;
  }

  /** The key of the rollout an object belongs to: its controller, its ReplicaSet's, its subject's. */
  private rolloutOf(obj: KubeObject): string | undefined {
    const namespace = ns(obj);
    if (obj.kind === 'Event') {
      const subject = (obj as EventLike).involvedObject;
      if (subject?.kind === 'Rollout') return rolloutKey(subject.namespace ?? namespace, subject.name ?? '');
      if (subject?.kind === 'AnalysisRun') {
        const run = this.informers.analysisruns?.get(rolloutKey(subject.namespace ?? namespace, subject.name ?? ''));
        return run ? this.rolloutOf(run) : undefined;
      }
      return undefined;
    }
    const owner = controllerOf(obj);
    if (owner?.kind === 'Rollout' && owner.name) return rolloutKey(namespace, owner.name);
    if (owner?.kind === 'Experiment' && owner.name) {
      const experiment = this.informers.experiments?.get(rolloutKey(namespace, owner.name));
      return experiment ? this.rolloutOf(experiment) : undefined;
    }
    if (owner?.kind === 'ReplicaSet' && owner.name) {
      const rs = this.informers.replicasets.get(rolloutKey(namespace, owner.name));
      return rs ? this.rolloutOf(rs) : undefined;
    }
    return undefined;
  }

  private emit(key: string, change: 'changed' | 'deleted'): void {
    for (const listener of this.listeners) listener(key, change);
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeExperiments(listener: ChangeListener): () => void {
    this.experimentListeners.add(listener);
    return () => this.experimentListeners.delete(listener);
  }

  namespaces(): string[] {
    return (this.informers.namespaces?.list() ?? []).map((n) => n.metadata?.name ?? '').filter(Boolean);
  }

  experiments(namespace?: string): Experiment[] {
    return (this.informers.experiments?.list(namespace) ?? []) as unknown as Experiment[];
  }

  /** The objects `uid` owns (its ReplicaSets, their pods, its AnalysisRuns), as the CLI's view models take them. */
  private owned(uid: string): { replicaSets: KubeObject[]; pods: KubeObject[]; analysisRuns: KubeObject[] } {
    const replicaSets = this.informers.replicasets.byOwner(uid);
    const pods = replicaSets.flatMap((rs) => (rs.metadata?.uid ? (this.informers.pods?.byOwner(rs.metadata.uid) ?? []) : []));
    return { replicaSets, pods, analysisRuns: this.informers.analysisruns?.byOwner(uid) ?? [] };
  }

  experimentObjects(namespace: string, name: string): ExperimentObjects | undefined {
    const experiment = this.informers.experiments?.get(rolloutKey(namespace, name)) as unknown as Experiment | undefined;
    if (experiment === undefined) return undefined;
    const owned = this.owned(experiment.metadata.uid ?? '');
    return {
      experiment,
      replicaSets: owned.replicaSets as unknown as ReplicaSetLike[],
      pods: owned.pods as unknown as PodLike[],
      analysisRuns: owned.analysisRuns as unknown as AnalysisRun[],
    };
  }

  rollouts(namespace?: string): Rollout[] {
    return (this.informers.rollouts.list(namespace) as unknown as Rollout[]).map(withStrategy);
  }

  objects(namespace: string, name: string): DetailInputs | undefined {
    const rollout = withStrategy(this.informers.rollouts.get(rolloutKey(namespace, name)) as unknown as Rollout | undefined);
    if (rollout === undefined) return undefined;
    // Its Experiments come with their own ReplicaSets, pods and runs, as `kubectl ramp get rollout` reads them.
    const experiments = this.informers.experiments?.byOwner(rollout.metadata.uid ?? '') ?? [];
    const all = [rollout as unknown as KubeObject, ...experiments].map((owner) => this.owned(owner.metadata?.uid ?? ''));
    const events = this.informers.events?.list(namespace) ?? [];
    return {
      rollout,
      replicaSets: all.flatMap((o) => o.replicaSets) as unknown as ReplicaSetLike[],
      pods: all.flatMap((o) => o.pods) as unknown as PodLike[],
      analysisRuns: all.flatMap((o) => o.analysisRuns) as unknown as AnalysisRun[],
      experiments: experiments as unknown as Experiment[],
      events: events as unknown as EventLike[],
    };
  }
}
