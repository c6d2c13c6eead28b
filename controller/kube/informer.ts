import type { Logger } from 'pino';
import { backoffDelay, reconnectBackoff, type BackoffPolicy } from './backoff.ts';
import { clockDelay, type Clock, type Delay, type TimerHandle } from './clock.ts';
import type { KubeClient, WatchEvent } from './client.ts';
import { describeKubeError, isGone } from './errors.ts';
import type { KubeObject, ResourceType } from './resources.ts';
import { objectKey, ObjectStore, stripForCache } from './store.ts';

/**
 * List+watch loop written on client-node's Watch rather than its informer, which stops for good on
 * any error other than 410. This one relists on 410, re-watches from the last resourceVersion after
 * any other error with capped exponential backoff, restarts a watch that went silent past its own
 * timeout, and periodically re-delivers every cached object as an update (resync).
 */

/** The two calls an informer makes, bound to one resource type, namespace and selector. */
export interface ListWatchSource<T> {
  list(signal: AbortSignal): Promise<{ items: T[]; resourceVersion: string }>;
  /** Resolves when the server closes the stream; rejects on an error status or transport error. */
  watch(opts: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal }, onEvent: (event: WatchEvent<T>) => void): Promise<void>;
}

export function kubeListWatch<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  scope: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {},
): ListWatchSource<T> {
  return {
    list: (signal) => client.listAll<T>(type, { ...scope, signal }),
    watch: (opts, onEvent) => client.watch<T>(type, { ...scope, ...opts }, onEvent),
  };
}

export interface InformerHandlers<T> {
  add?(obj: T): void;
  /** Also called with the same object twice on resync. */
  update?(previous: T, current: T): void;
  delete?(obj: T): void;
}

export interface InformerOptions<T> {
  /** For logs: "rollouts.argoproj.io". */
  name: string;
  source: ListWatchSource<T>;
  clock: Clock;
  logger: Logger;
  /** Waits between retries; tests inject one that records the delays. */
  delay?: Delay;
  backoff?: BackoffPolicy;
  /** 0 disables resync. */
  resyncMs?: number;
  /** Per watch; client-go picks 5–10 minutes at random so watches do not all end together. */
  watchTimeoutSeconds?: () => number;
  /** A watch still open this long after its timeout without any event is presumed dead. */
  watchdogGraceMs?: number;
}

interface WatchProgress {
  /** undefined: the next step is a list. */
  resourceVersion: string | undefined;
  /** Events (including bookmarks) delivered by the current list+watch attempt. */
  events: number;
}

class WatchSilentError extends Error {
  override readonly name = 'WatchSilentError';
}

const randomWatchTimeout = (): number => 300 + Math.floor(Math.random() * 300);

/** A watch ending this soon with no events counts as a failure, so a misbehaving proxy cannot make us spin. */
const MIN_HEALTHY_WATCH_MS = 1_000;

export class Informer<T extends KubeObject> {
  readonly store = new ObjectStore<T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private synced = false;
  private readonly syncWaiters: Array<() => void> = [];
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private resyncTimer: TimerHandle | undefined;
  private lastFailure: string | undefined;
  private readonly delay: Delay;
  private readonly backoff: BackoffPolicy;
  private readonly watchTimeoutSeconds: () => number;
  private readonly watchdogGraceMs: number;

  constructor(private readonly opts: InformerOptions<T>) {
    this.delay = opts.delay ?? clockDelay(opts.clock);
    this.backoff = opts.backoff ?? reconnectBackoff;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? randomWatchTimeout;
    this.watchdogGraceMs = opts.watchdogGraceMs ?? 30_000;
  }

  get name(): string {
    return this.opts.name;
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
  }

  /** True once the first list has been stored; stays true across later relists. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }

  byOwner(uid: string): T[] {
    return this.store.byOwner(uid);
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loop = this.run(signal).catch((err: unknown) => {
      this.opts.logger.error({ informer: this.name, err }, `${this.name} informer stopped unexpectedly: ${describeKubeError(err)}`);
    });
    this.scheduleResync();
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    // Survives failed watches: events delivered before an error still advance the resourceVersion.
    const progress: WatchProgress = { resourceVersion: undefined, events: 0 };
    let failures = 0;
    let relistedWithoutProgress = false;
    while (!signal.aborted) {
      const phase = progress.resourceVersion === undefined ? 'list' : 'watch';
      progress.events = 0;
      try {
        if (progress.resourceVersion === undefined) {
          const listed = await this.opts.source.list(signal);
          if (signal.aborted) return;
          this.applyList(listed.items);
          progress.resourceVersion = listed.resourceVersion;
          failures = 0;
          this.reportRecovery();
        }
        const started = this.opts.clock.now();
        await this.watchOnce(progress, signal);
        if (signal.aborted) return;
        if (progress.events === 0 && this.opts.clock.now() - started < MIN_HEALTHY_WATCH_MS) {
          throw new Error('watch closed immediately by the server');
        }
      } catch (err) {
        if (signal.aborted) return;
        if (progress.events > 0) {
          failures = 0;
          relistedWithoutProgress = false;
        }
        if (err instanceof WatchSilentError) {
          this.opts.logger.warn({ informer: this.name }, `${this.name}: ${err.message}; restarting the watch`);
          continue;
        }
        if (isGone(err) && !relistedWithoutProgress) {
          // The resourceVersion fell out of the apiserver's window: list again to resynchronise.
          this.opts.logger.info({ informer: this.name }, `${this.name}: watch expired (410 Gone); relisting`);
          progress.resourceVersion = undefined;
          relistedWithoutProgress = true;
          continue;
        }
        if (isGone(err)) progress.resourceVersion = undefined;
        failures += 1;
        const waitMs = backoffDelay(this.backoff, failures);
        this.reportFailure(phase, err, failures, waitMs);
        await this.delay(waitMs, signal);
        continue;
      }
      if (progress.events > 0) {
        failures = 0;
        relistedWithoutProgress = false;
      }
    }
  }

  private async watchOnce(progress: WatchProgress, signal: AbortSignal): Promise<void> {
    const resourceVersion = progress.resourceVersion;
    if (resourceVersion === undefined) return;
    const timeoutSeconds = this.watchTimeoutSeconds();
    const watchdogMs = timeoutSeconds * 1000 + this.watchdogGraceMs;
    const watchAbort = new AbortController();
    const onParentAbort = (): void => watchAbort.abort();
    signal.addEventListener('abort', onParentAbort, { once: true });
    let silent = false;
    let watchdog: TimerHandle | undefined;
    const arm = (): void => {
      watchdog?.cancel();
      watchdog = this.opts.clock.setTimer(() => {
        silent = true;
        watchAbort.abort();
      }, watchdogMs);
    };
    arm();
    try {
      await this.opts.source.watch({ resourceVersion, timeoutSeconds, signal: watchAbort.signal }, (event) => {
        if (watchAbort.signal.aborted) return;
        arm();
        progress.events += 1;
        if (event.type === 'BOOKMARK') {
          progress.resourceVersion = event.resourceVersion;
          return;
        }
        progress.resourceVersion = event.object.metadata?.resourceVersion ?? progress.resourceVersion;
        this.applyEvent(event.type, event.object);
      });
    } catch (err) {
      if (silent) throw new WatchSilentError(`watch silent for ${Math.round(watchdogMs / 1000)}s`);
      throw err;
    } finally {
      watchdog?.cancel();
      signal.removeEventListener('abort', onParentAbort);
    }
    if (silent) throw new WatchSilentError(`watch silent for ${Math.round(watchdogMs / 1000)}s`);
  }

  /** The same failure repeated is logged once at warn (then at debug), so an outage is one clear line. */
  private reportFailure(phase: string, err: unknown, attempt: number, retryInMs: number): void {
    const line = `${this.name}: ${phase} failed: ${describeKubeError(err)}`;
    const fields = { informer: this.name, phase, attempt, retryInMs };
    if (line !== this.lastFailure) {
      this.opts.logger.warn(fields, `${line}; retrying with backoff`);
      this.lastFailure = line;
    } else {
      this.opts.logger.debug(fields, `${line}; retrying in ${Math.round(retryInMs / 1000)}s`);
    }
  }

  private reportRecovery(): void {
    if (this.lastFailure === undefined) return;
    this.opts.logger.info({ informer: this.name }, `${this.name}: listed successfully again`);
    this.lastFailure = undefined;
  }

  private applyList(items: readonly T[]): void {
    const diff = this.store.replace(items);
    for (const obj of diff.added) this.dispatch('add', obj);
    for (const [previous, current] of diff.updated) this.dispatch('update', current, previous);
    for (const obj of diff.deleted) this.dispatch('delete', obj);
    if (!this.synced) {
      this.synced = true;
      for (const resolve of this.syncWaiters.splice(0)) resolve();
    }
  }

  private applyEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    if (type === 'DELETED') {
      // The event carries the object's final state, which is newer than the cached one.
      this.store.remove(objectKey(obj));
      this.dispatch('delete', stripForCache(obj));
      return;
    }
    const { previous, current } = this.store.upsert(obj);
    if (previous) this.dispatch('update', current, previous);
    else this.dispatch('add', current);
  }

  private scheduleResync(): void {
    const every = this.opts.resyncMs ?? 0;
    if (every <= 0) return;
    this.resyncTimer = this.opts.clock.setTimer(() => {
      if (this.synced) {
        for (const obj of this.store.list()) this.dispatch('update', obj, obj);
      }
      this.scheduleResync();
    }, every);
  }

  private dispatch(kind: 'add' | 'update' | 'delete', obj: T, previous?: T): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(obj);
        else if (kind === 'update') h.update?.(previous ?? obj, obj);
        else h.delete?.(obj);
      } catch (err) {
        this.opts.logger.error({ informer: this.name, err }, `${this.name}: ${kind} handler failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}
