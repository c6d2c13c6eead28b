import type { Logger } from 'pino';
import { clockDelay, type Clock, type Delay } from './clock.ts';
import { describeKubeError, isConflict } from './errors.ts';

/**
 * Leader election on a coordination.k8s.io/v1 Lease with client-go's rules: a candidate may take
 * the Lease when it is free, released (empty holder) or not renewed for leaseDuration as measured
 * on the candidate's own clock since it last saw the record change; the leader renews every retry
 * period and steps down once it cannot renew within the renew deadline, or at once when the Lease
 * shows someone else holds it (a 409 alone does not: the Lease is read again).
 */

/** The spec fields of a Lease that election reads and writes; times are RFC 3339 MicroTime. */
export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** Port over the Lease object. create and replace throw an error with status 409 on conflict. */
export interface LeaseStore {
  /** "namespace/name", for logs. */
  readonly description: string;
  get(signal: AbortSignal): Promise<StoredLease | undefined>;
  create(record: LeaseRecord, signal: AbortSignal): Promise<StoredLease>;
  replace(record: LeaseRecord, resourceVersion: string, signal: AbortSignal): Promise<StoredLease>;
}

export interface LeaderElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** client-go's and Argo Rollouts' defaults. */
export const DEFAULT_TIMING: LeaderElectionTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export interface LeaderElectorOptions {
  store: LeaseStore;
  identity: string;
  clock: Clock;
  logger: Logger;
  timing?: LeaderElectionTiming;
  /** Waits between attempts; defaults to the clock. */
  delay?: Delay;
  onStartedLeading(): void;
  /** Called the moment leadership is lost or given up; work must stop at once. */
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
}

export type AttemptOutcome =
  | 'acquired'
  | 'renewed'
  /** A live Lease names another holder. */
  | 'held'
  /** Someone else wrote the Lease between our read and our write. */
  | 'conflict'
  | 'error';

/** Kubernetes MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function abortAfter(clock: Clock, ms: number, parent: AbortSignal): { signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  parent.addEventListener('abort', onAbort, { once: true });
  if (parent.aborted) controller.abort();
  const timer = clock.setTimer(() => controller.abort(), Math.max(0, ms));
  return {
    signal: controller.signal,
    cancel: () => {
      timer.cancel();
      parent.removeEventListener('abort', onAbort);
    },
  };
}

export class LeaderElector {
  private leading = false;
  private observed: StoredLease | undefined;
  private observedAt = 0;
  private lastError: string | undefined;
  private readonly timing: LeaderElectionTiming;
  private readonly delay: Delay;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.timing = opts.timing ?? DEFAULT_TIMING;
    this.delay = opts.delay ?? clockDelay(opts.clock);
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder named by the Lease as last read; '' when released, undefined before the first read. */
  observedLeader(): string | undefined {
    return this.observed?.record.holderIdentity;
  }

  /** One read-modify-write of the Lease. */
  async tryAcquireOrRenew(signal: AbortSignal): Promise<AttemptOutcome> {
    const { store, identity, clock } = this.opts;
    const now = clock.now();
    const desired: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.round(this.timing.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: StoredLease | undefined;
    try {
      current = await store.get(signal);
      if (!current) {
        this.observe(await store.create(desired, signal), clock.now());
        this.clearError();
        return 'acquired';
      }
    } catch (err) {
      return this.failed(err);
    }
    if (current.resourceVersion !== this.observed?.resourceVersion) this.observe(current, now);
    const holder = current.record.holderIdentity;
    const durationMs = (current.record.leaseDurationSeconds || desired.leaseDurationSeconds) * 1000;
    if (holder && holder !== identity && this.observedAt + durationMs > now) {
      this.clearError();
      return 'held';
    }
    const renewing = holder === identity;
    if (renewing) {
      desired.acquireTime = current.record.acquireTime ?? desired.acquireTime;
      desired.leaseTransitions = current.record.leaseTransitions;
    } else {
      desired.leaseTransitions = current.record.leaseTransitions + 1;
    }
    try {
      this.observe(await store.replace(desired, current.resourceVersion, signal), clock.now());
    } catch (err) {
      if (renewing && isConflict(err)) return this.afterOwnConflict(desired, signal);
      return this.failed(err);
    }
    this.clearError();
    return renewing && this.leading ? 'renewed' : 'acquired';
  }

  /**
   * A 409 on our own renewal does not mean someone else holds the Lease: our previous write may
   * have gone through with its answer lost, or a proxy may have refused it. Read it again: a
   * Lease naming another holder ends the term; one naming us with our renew time was renewed;
   * one naming us otherwise is retried within the renew deadline.
   */
  private async afterOwnConflict(desired: LeaseRecord, signal: AbortSignal): Promise<AttemptOutcome> {
    const { store, identity, clock } = this.opts;
    let current: StoredLease | undefined;
    try {
      current = await store.get(signal);
    } catch (err) {
      return this.failed(err);
    }
    if (!current) return 'error';
    this.observe(current, clock.now());
    if (current.record.holderIdentity !== identity) return 'conflict';
    if (current.record.renewTime === desired.renewTime) {
      this.clearError();
      return this.leading ? 'renewed' : 'acquired';
    }
    return 'error';
  }

  /**
   * Campaigns until `signal` aborts; leads while it can renew; after losing, campaigns again.
   * On abort, a leader releases the Lease so a follower takes over without waiting for expiry.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, logger, store, identity } = this.opts;
    const { retryPeriodMs, renewDeadlineMs } = this.timing;
    logger.info({ lease: store.description, identity }, `leader election: campaigning for Lease ${store.description} as ${identity}`);
    while (!signal.aborted) {
      const attempt = abortAfter(clock, renewDeadlineMs, signal);
      const outcome = await this.tryAcquireOrRenew(attempt.signal);
      attempt.cancel();
      if (signal.aborted) break;
      if (outcome !== 'acquired') {
        await this.delay(retryPeriodMs, signal);
        continue;
      }
      this.startLeading();
      await this.lead(signal);
    }
    if (this.leading) {
      await this.release();
      this.stopLeading('shutting down', 'info');
    }
  }

  private async lead(signal: AbortSignal): Promise<void> {
    const { clock } = this.opts;
    const { retryPeriodMs, renewDeadlineMs } = this.timing;
    let lastRenew = clock.now();
    while (!signal.aborted && this.leading) {
      await this.delay(retryPeriodMs, signal);
      if (signal.aborted) return;
      const remaining = lastRenew + renewDeadlineMs - clock.now();
      const attempt = abortAfter(clock, remaining, signal);
      const outcome = remaining > 0 ? await this.tryAcquireOrRenew(attempt.signal) : 'error';
      attempt.cancel();
      if (signal.aborted) return;
      if (outcome === 'renewed' || outcome === 'acquired') {
        lastRenew = clock.now();
        continue;
      }
      if (outcome === 'held' || outcome === 'conflict') {
        this.stopLeading(`the Lease was taken by ${this.observedLeader() || 'another candidate'}`);
        return;
      }
      if (clock.now() - lastRenew >= renewDeadlineMs) {
        this.stopLeading(`could not renew the Lease within ${renewDeadlineMs / 1000}s`);
        return;
      }
    }
  }

  /** Gives the Lease up (empty holder) so followers need not wait for it to expire. */
  async release(): Promise<boolean> {
    const { store, clock, logger } = this.opts;
    const observed = this.observed;
    if (!observed || observed.record.holderIdentity !== this.opts.identity) return false;
    const now = clock.now();
    const attempt = abortAfter(clock, this.timing.renewDeadlineMs, new AbortController().signal);
    try {
      const released: LeaseRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: observed.record.leaseTransitions,
      };
      this.observe(await store.replace(released, observed.resourceVersion, attempt.signal), clock.now());
      logger.info({ lease: store.description }, `leader election: released Lease ${store.description}`);
      return true;
    } catch (err) {
      logger.warn({ lease: store.description }, `leader election: could not release Lease ${store.description}: ${describeKubeError(err)}`);
      return false;
    } finally {
      attempt.cancel();
    }
  }

  private startLeading(): void {
    if (this.leading) return;
    this.leading = true;
    this.opts.logger.info({ lease: this.opts.store.description, identity: this.opts.identity }, `leader election: became leader`);
    this.opts.onStartedLeading();
  }

  private stopLeading(reason: string, level: 'info' | 'warn' = 'warn'): void {
    if (!this.leading) return;
    this.leading = false;
    this.opts.logger[level]({ lease: this.opts.store.description, identity: this.opts.identity }, `leader election: stopped leading: ${reason}`);
    this.opts.onStoppedLeading();
  }

  private observe(lease: StoredLease, at: number): void {
    const previousHolder = this.observed?.record.holderIdentity;
    this.observed = lease;
    this.observedAt = at;
    const holder = lease.record.holderIdentity;
    if (holder && holder !== previousHolder) {
      if (holder !== this.opts.identity) this.opts.logger.info({ lease: this.opts.store.description, leader: holder }, `leader election: ${holder} is the leader`);
      this.opts.onNewLeader?.(holder);
    }
  }

  private failed(err: unknown): AttemptOutcome {
    if (isConflict(err)) return 'conflict';
    // Log a failure once, and again only when it changes, so a missing permission is one clear line.
    const line = describeKubeError(err);
    if (line !== this.lastError) {
      this.opts.logger.warn({ lease: this.opts.store.description }, `leader election: ${line}`);
      this.lastError = line;
    }
    return 'error';
  }

  private clearError(): void {
    this.lastError = undefined;
  }
}
