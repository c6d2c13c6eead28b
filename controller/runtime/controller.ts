import type { Logger } from 'pino';
import type { Clock } from '../kube/clock.ts';
import { describeKubeError, isAbort, isKubeError } from '../kube/errors.ts';
import { WorkQueue, type Lane, type RateLimiter, type WorkQueueMetrics } from '../kube/workqueue.ts';
import type { ReconcileMetrics } from './metrics.ts';
import type { ObjectKey, ReconcileResult, Reconciler } from './types.ts';

/**
 * The reconcile loop for one kind: N workers take keys from a work queue and call the Reconciler.
 * A throwing reconcile is logged and retried with per-key backoff; `requeueAfterMs` schedules the
 * next pass. One Controller serves one leadership term at a time: `start` opens a fresh queue,
 * `stop` finishes in-flight work within a grace period, `abort` stops at once.
 */

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  workers: number;
  clock: Clock;
  logger: Logger;
  metrics?: ReconcileMetrics;
  queueMetrics?: WorkQueueMetrics;
  rateLimiter?: () => RateLimiter;
  /** False once the object is gone from the cache: its metric series are dropped instead of updated. */
  isLive?: (key: ObjectKey) => boolean;
  /** The queue lane a key belongs in now: 'command' while its object carries a user's command not yet acted on. */
  laneOf?: (key: ObjectKey) => Lane;
  /** Runs a pass with its requests sent in the pass's lane (the client's rate limiter serves commands first). */
  inLane?: <T>(lane: Lane, pass: () => Promise<T>) => Promise<T>;
}

interface Term {
  queue: WorkQueue;
  abort: AbortController;
  workers: Promise<void>[];
  inFlight: Set<ObjectKey>;
}

/** After the grace period, reconciles get this long to notice their aborted signal. */
const ABORT_SETTLE_MS = 2_000;

export class Controller {
  private term: Term | undefined;
  private ending: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ControllerOptions) {}

  get name(): string {
    return this.opts.name;
  }

  running(): boolean {
    return this.term !== undefined;
  }

  enqueue(key: ObjectKey): void {
    this.term?.queue.add(key);
  }

  enqueueAfter(key: ObjectKey, ms: number): void {
    this.term?.queue.addAfter(key, ms);
  }

  /**
   * Opens a new term with `initialKeys` queued (a new leader reconciles everything once). Keys
   * whose objects carry a pending command go first: the previous leader may have died before
   * acting on them, and their users are waiting.
   */
  start(initialKeys: Iterable<ObjectKey>): void {
    if (this.term) return;
    const queue = new WorkQueue({ clock: this.opts.clock, metrics: this.opts.queueMetrics, rateLimiter: this.opts.rateLimiter?.(), laneOf: this.opts.laneOf });
    const term: Term = { queue, abort: new AbortController(), workers: [], inFlight: new Set() };
    this.term = term;
    for (const key of initialKeys) queue.add(key);
    for (let i = 0; i < this.opts.workers; i++) term.workers.push(this.work(term));
    this.opts.logger.info({ controller: this.name, workers: this.opts.workers, queued: queue.len() }, `${this.name} controller started`);
  }

  /** Stops taking work and lets in-flight reconciles finish for up to `graceMs`, then aborts them. */
  stop(graceMs: number): Promise<void> {
    const term = this.detach();
    if (!term) return this.ending;
    this.ending = (async () => {
      const drained = term.queue.shutDown({ drain: false });
      if (term.inFlight.size > 0) {
        this.opts.logger.info({ controller: this.name, inFlight: term.inFlight.size }, `${this.name}: waiting up to ${graceMs / 1000}s for in-flight reconciles`);
      }
      const finished = await this.within(drained, graceMs);
      if (!finished) {
        this.opts.logger.warn({ controller: this.name, keys: [...term.inFlight] }, `${this.name}: grace period over; aborting ${term.inFlight.size} in-flight reconciles`);
      }
      await this.end(term);
    })();
    return this.ending;
  }

  /** Stops at once: in-flight reconciles see their signal abort. For lost leadership. */
  abort(): Promise<void> {
    const term = this.detach();
    if (!term) return this.ending;
    void term.queue.shutDown({ drain: false });
    this.ending = this.end(term);
    return this.ending;
  }

  /** Resolves once the last term's reconciles have finished (or were given up on). */
  settled(): Promise<void> {
    return this.ending;
  }

  /** A stopping term no longer receives keys, and a new term may start while it winds down. */
  private detach(): Term | undefined {
    const term = this.term;
    this.term = undefined;
    return term;
  }

  private async end(term: Term): Promise<void> {
    term.abort.abort();
    const settled = await this.within(Promise.all(term.workers).then(() => undefined), ABORT_SETTLE_MS);
    if (!settled) {
      this.opts.logger.warn({ controller: this.name, keys: [...term.inFlight] }, `${this.name}: reconciles ignored their abort signal; leaving them behind`);
    }
    this.opts.logger.info({ controller: this.name }, `${this.name} controller stopped`);
  }

  private within(p: Promise<void>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.opts.clock.setTimer(() => resolve(false), ms);
      void p.then(() => {
        timer.cancel();
        resolve(true);
      });
    });
  }

  private async work(term: Term): Promise<void> {
    for (;;) {
      const key = await term.queue.get();
      if (key === undefined) return;
      await this.process(term, key);
    }
  }

  private async process(term: Term, key: ObjectKey): Promise<void> {
    const { clock, logger, metrics, reconcile, inLane } = this.opts;
    const started = clock.now();
    term.inFlight.add(key);
    const lane = term.queue.processingLane(key) ?? 'background';
    try {
      const pass = (): Promise<ReconcileResult> => reconcile(key, term.abort.signal);
      const result = inLane ? await inLane(lane, pass) : await pass();
      term.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && Number.isFinite(after) && after >= 0) term.queue.addAfter(key, after);
    } catch (err) {
      if (term.abort.signal.aborted && isAbort(err)) {
        logger.debug({ controller: this.name, key }, `${this.name} ${key}: reconcile aborted`);
      } else {
        metrics?.error(key);
        // A failed command pass (409, 5xx) is retried as a command: the command is still not done.
        term.queue.addRateLimited(key, lane);
        const retries = term.queue.numRequeues(key);
        const line = `${this.name} ${key}: reconcile failed: ${describeKubeError(err)}`;
        // Cluster-side failures are expected and described in one line; anything else is a bug worth its stack.
        if (isKubeError(err)) logger.warn({ controller: this.name, key, retries, error: err instanceof Error ? err.message : String(err) }, line);
        else logger.error({ controller: this.name, key, retries, err }, line);
      }
    } finally {
      term.inFlight.delete(key);
      if (this.opts.isLive && !this.opts.isLive(key)) metrics?.forget(key);
      else metrics?.observe(key, (clock.now() - started) / 1000);
      term.queue.done(key);
    }
  }
}
