import type { Clock, TimerHandle } from './clock.ts';

/**
 * A keyed work queue with client-go's guarantees: a key is never handed to two workers at once,
 * a key added while queued is queued once, a key added while being processed is processed again
 * after `done`, and failures back off per key.
 */

export interface RateLimiter {
  /** Delay before the next retry of `key`; each call counts as one more failure. */
  when(key: string): number;
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** client-go's per-item exponential limiter: base·2^failures, capped (default 5 ms → 1000 s). */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: string): number {
    const exponent = this.failures.get(key) ?? 0;
    this.failures.set(key, exponent + 1);
    const delay = this.baseMs * Math.pow(2, exponent);
    return Number.isFinite(delay) ? Math.min(delay, this.maxMs) : this.maxMs;
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/** What the queue reports; implemented over prom-client in runtime/metrics.ts. */
export interface WorkQueueMetrics {
  depth(n: number): void;
  added(): void;
  retried(): void;
}

export interface WorkQueueOptions {
  clock: Clock;
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetrics;
}

interface Delayed {
  readyAt: number;
  timer: TimerHandle;
}

export class WorkQueue {
  private items: string[] = [];
  private head = 0;
  /** Keys that need processing: queued, or re-added while being processed. */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetrics | undefined;

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.rateLimiter = opts.rateLimiter ?? new ItemExponentialRateLimiter();
    this.metrics = opts.metrics;
  }

  /** Keys waiting to be handed out (not counting in-flight or delayed ones). */
  len(): number {
    return this.items.length - this.head;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.added();
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` once `ms` have passed; when called again before then, the earliest time wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(() => {
      if (this.delayed.get(key)?.timer !== timer) return;
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { readyAt, timer });
  }

  /** Re-adds `key` after its per-key backoff: call after a failed reconcile. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.retried();
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Clears `key`'s failure count: call after a successful reconcile. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key, marked as processing until `done(key)`. Waits while the queue is empty;
   * resolves undefined once the queue is shut down and has nothing more to hand out.
   */
  get(): Promise<string | undefined> {
    const key = this.pop();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    if (!this.processing.delete(key)) return;
    // After shutdown a key re-added while in flight is dropped: the workers may already be gone.
    if (this.dirty.has(key)) {
      if (this.shuttingDown) this.dirty.delete(key);
      else this.push(key);
    }
    this.notifyIdle();
  }

  /**
   * Stops accepting keys and cancels pending delayed adds. With `drain` (the default) keys already
   * queued are still handed out; without it they are dropped. Resolves when nothing is in flight
   * and nothing is left to hand out.
   */
  shutDown(opts: { drain?: boolean } = {}): Promise<void> {
    const drain = opts.drain ?? true;
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    if (!drain) {
      this.dirty.clear();
      this.items = [];
      this.head = 0;
      this.metrics?.depth(0);
    }
    if (this.len() === 0) {
      for (const resolve of this.getters.splice(0)) resolve(undefined);
    }
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.notifyIdle();
    });
  }

  private push(key: string): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.items.push(key);
    this.metrics?.depth(this.len());
  }

  private pop(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.metrics?.depth(this.len());
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private notifyIdle(): void {
    if (!this.shuttingDown || this.processing.size > 0 || this.len() > 0) return;
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
