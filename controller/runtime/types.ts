import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { KubeClient } from '../kube/client.ts';
import type { Clock } from '../kube/clock.ts';
import type { Informer } from '../kube/informer.ts';
import type { OptionalInformer } from './optional-informers.ts';
import type { KubeObject, ResourceType } from '../kube/resources.ts';
import { controllerOf } from '../kube/store.ts';
import type { RecordedEvent } from './events.ts';

/** `namespace/name` of the primary object (just `name` for cluster-scoped kinds). */
export type ObjectKey = string;

export type ReconcileResult = { requeueAfterMs?: number } | void;

/**
 * One reconcile pass for one key. Reads the informer caches, writes through the client, and
 * returns when done; throwing requeues the key with backoff. `signal` aborts when leadership is
 * lost or the grace period of a shutdown ends.
 */
export type Reconciler = (key: ObjectKey, signal: AbortSignal) => Promise<ReconcileResult>;

/** The shared caches: one informer per resource type, scoped by --namespace and --instance-id. */
export interface Caches {
  informer<T extends KubeObject>(type: ResourceType): Informer<T>;
  /**
   * A kind a CRD may provide: its informer runs only while the kind is served, so readers check
   * `synced()` and fall back to the apiserver. Undefined where no such informers are kept.
   */
  optional?<T extends KubeObject>(type: ResourceType): OptionalInformer<T> | undefined;
}

/** Hears each event a reconciler recorded on one of its objects (notifications hang here). */
export type EventListener = (kind: string, involved: KubeObject, event: RecordedEvent) => void;

/** Hears an object as a reconcile pass left it (its status as decided). */
export type ObjectListener = (kind: string, object: KubeObject) => void;

/**
 * Something that runs beside the reconcilers and hears their events: set up once the client and
 * caches exist, stopped after the reconcilers are.
 */
export interface EventListenerSetup {
  name: string;
  setup(ctx: { client: KubeClient; caches: Caches; config: Config; clock: Clock; logger: Logger; namespace: string }): { recorded: EventListener; observed: ObjectListener; stop(): Promise<void> };
}

export interface ReconcilerContext {
  client: KubeClient;
  caches: Caches;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Queue a key now (ignored while this process is not the leader). */
  enqueue(key: ObjectKey): void;
  enqueueAfter(key: ObjectKey, ms: number): void;
  /**
   * Records a Kubernetes Event on an object: queued and written in the background, so it returns
   * at once; false when the Event was dropped (its queue full). Calls `recorded` either way.
   */
  recordEvent(kind: string, involved: KubeObject, event: RecordedEvent): boolean;
  /** Call after recording an event on an object; never blocks or throws. */
  recorded: EventListener;
  /** Call with the object as a pass left it; never blocks or throws. */
  observed: ObjectListener;
}

/** Maps a change to a secondary object onto the primary keys to reconcile. */
export interface SecondaryWatch {
  resource: ResourceType;
  keysFor(obj: KubeObject, caches: Caches): ObjectKey[];
}

export interface ReconcilerRegistration {
  /** Argo's metric stem and the queue name: "rollout" → rollout_reconcile, rollout_reconcile_error. */
  name: string;
  /** Changes to these objects enqueue their own key. */
  resource: ResourceType;
  /** Further caches to keep and the primary keys their changes map to. */
  watches?: SecondaryWatch[];
  /**
   * Whether the object carries a user's command the controller has not acted on yet (read from
   * the object alone); its passes go in the work queue's command lane, before background resyncs.
   */
  commandPending?(obj: KubeObject): boolean;
  /** Concurrent reconciles; defaults to --workers. */
  workers?: number;
  /** Called once at startup, after the informers are registered and before they sync. */
  setup(ctx: ReconcilerContext): Reconciler;
}

/** A secondary watch that enqueues the controlling owner of the given kind (ReplicaSet → Rollout). */
export function ownedBy(resource: ResourceType, ownerKind: string): SecondaryWatch {
  return {
    resource,
    keysFor(obj) {
      const owner = controllerOf(obj);
      const namespace = obj.metadata?.namespace;
      if (!owner || owner.kind !== ownerKind || !owner.name) return [];
      return [namespace ? `${namespace}/${owner.name}` : owner.name];
    },
  };
}
