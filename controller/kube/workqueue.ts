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

/**
 * Two lanes: a pass caused by a user's command (promote, abort, retry, pause, a new template…)
 * is handed out before any background resync, so a command never waits behind a thousand
 * periodic passes. Both lanes share deduplication and per-key exclusivity.
 */
export type Lane = 'command' | 'background';

const rank = (lane: Lane): number => (lane === 'command' ? 1 : 0);
const higher = (a: Lane | undefined, b: Lane): Lane => (a !== undefined && rank(a) > rank(b) ? a : b);

/** What the queue reports; implemented over prom-client in runtime/metrics.ts. */
export interface WorkQueueMetrics {
  depth(n: number): void;
  added(): void;
  retried(): void;
  /** Seconds a key waited in its lane between being queued and being handed to a worker. */
  waited?(lane: Lane, seconds: number): void;
}

export interface WorkQueueOptions {
  clock: Clock;
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetrics;
  /**
   * The lane a key belongs in now, asked whenever it is added (level-triggered: from what the
   * caches hold, so a delayed or retried add sees the present). Background when absent.
   */
  laneOf?: (key: string) => Lane;
}

interface Delayed {
  readyAt: number;
  timer: TimerHandle;
  lane: Lane;
}

/** A FIFO with a moving head; entries whose key left the lane are skipped when popped. */
class Fifo {
  items: string[] = [];
  head = 0;

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class WorkQueue {
  private readonly lanes: Record<Lane, Fifo> = { command: new Fifo(), background: new Fifo() };
  /** Keys waiting to be handed out, with their lane and since when they wait. */
  private readonly queued = new Map<string, { lane: Lane; since: number }>();
  /** Keys that need processing again after their pass, with the lane they will go back to. */
  private readonly dirty = new Map<string, Lane>();
  /** Keys being processed, with the lane they were taken from. */
  private readonly processing = new Map<string, Lane>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: WorkQueueMetrics | undefined;
  private readonly laneOf: (key: string) => Lane;

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.rateLimiter = opts.rateLimiter ?? new ItemExponentialRateLimiter();
    this.metrics = opts.metrics;
    this.laneOf = opts.laneOf ?? (() => 'background');
  }

  /** Keys waiting to be handed out (not counting in-flight or delayed ones). */
  len(): number {
    return this.queued.size;
  }

  /** Keys waiting in one lane. */
  lenOf(lane: Lane): number {
    let n = 0;
    for (const q of this.queued.values()) if (q.lane === lane) n += 1;
    return n;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The lane `key` was taken from, while it is being processed. */
  processingLane(key: string): Lane | undefined {
    return this.processing.get(key);
  }

  /** Queues `key` in the lane `laneOf` gives it, or in `atLeast` when that is higher. */
  add(key: string, atLeast: Lane = 'background'): void {
    if (this.shuttingDown) return;
    this.metrics?.added();
    const lane = higher(atLeast, this.laneOf(key));
    if (this.processing.has(key)) {
      this.dirty.set(key, higher(this.dirty.get(key), lane));
      return;
    }
    const waiting = this.queued.get(key);
    if (waiting && rank(waiting.lane) >= rank(lane)) return;
    // A background key that turns out to carry a command moves to the command lane; its old
    // entry is skipped when reached.
    this.push(key, lane, waiting?.since ?? this.clock.now());
  }

  /** Adds `key` once `ms` have passed; when called again before then, the earliest time wins. */
  addAfter(key: string, ms: number, atLeast: Lane = 'background'): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key, atLeast);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.readyAt <= readyAt) {
      existing.lane = higher(existing.lane, atLeast);
      return;
    }
    existing?.timer.cancel();
    const lane = higher(existing?.lane, atLeast);
    const timer = this.clock.setTimer(() => {
      const entry = this.delayed.get(key);
      if (entry?.timer !== timer) return;
      this.delayed.delete(key);
      this.add(key, entry.lane);
    }, ms);
    this.delayed.set(key, { readyAt, timer, lane });
  }

  /**
   * Re-adds `key` after its per-key backoff: call after a failed reconcile. A pass taken from the
   * command lane is retried in it: the command it carries is not done yet.
   */
  addRateLimited(key: string, lane: Lane = this.processing.get(key) ?? 'background'): void {
    if (this.shuttingDown) return;
    this.metrics?.retried();
    this.addAfter(key, this.rateLimiter.when(key), lane);
  }

  /** Clears `key`'s failure count: call after a successful reconcile. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /**
   * The next key (command lane first), marked as processing until `done(key)`. Waits while the
   * queue is empty; resolves undefined once the queue is shut down and has nothing more to hand out.
   */
  get(): Promise<string | undefined> {
    const key = this.pop();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(key: string): void {
    if (!this.processing.delete(key)) return;
    const again = this.dirty.get(key);
    this.dirty.delete(key);
    // After shutdown a key re-added while in flight is dropped: the workers may already be gone.
    if (again !== undefined && !this.shuttingDown) this.push(key, again, this.clock.now());
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
      this.queued.clear();
      this.lanes.command.clear();
      this.lanes.background.clear();
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

  private push(key: string, lane: Lane, since: number): void {
    const getter = this.getters.shift();
    if (getter) {
      this.queued.delete(key);
      this.hand(key, lane, since);
      getter(key);
      return;
    }
    this.queued.set(key, { lane, since });
    this.lanes[lane].push(key);
    this.metrics?.depth(this.len());
  }

  private pop(): string | undefined {
    for (const lane of ['command', 'background'] as const) {
      for (let key = this.lanes[lane].shift(); key !== undefined; key = this.lanes[lane].shift()) {
        const waiting = this.queued.get(key);
        if (waiting?.lane !== lane) continue;
        this.queued.delete(key);
        this.metrics?.depth(this.len());
        this.hand(key, lane, waiting.since);
        return key;
      }
    }
    return undefined;
  }

  private hand(key: string, lane: Lane, since: number): void {
    this.processing.set(key, lane);
    this.metrics?.waited?.(lane, Math.max(0, this.clock.now() - since) / 1000);
  }

  private notifyIdle(): void {
    if (!this.shuttingDown || this.processing.size > 0 || this.len() > 0) return;
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
