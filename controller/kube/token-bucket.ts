import type { Clock, TimerHandle } from './clock.ts';

/**
 * The lane a request is sent in. The Lease lane never waits: a leader that cannot renew in time
 * loses its term, so its renewals are never queued behind anything. A pass acting on a user's
 * command goes before background resyncs, and both before Events, which are for people and go
 * with the tokens left over; all three wait for tokens.
 */
export type RequestLane = 'lease' | WaitingLane;
type WaitingLane = 'command' | 'background' | 'event';
/** The waiting lanes, first served first. */
const SERVED_IN_ORDER: readonly WaitingLane[] = ['command', 'background', 'event'];

/** client-go's defaults for a controller, as Argo Rollouts sets them (--qps 40 --burst 80). */
export const DEFAULT_QPS = 40;
export const DEFAULT_BURST = 80;

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * client-go's token bucket (qps tokens a second, up to burst), with waiting lanes served in
 * order: command, background, event, each first come first served. A Lease request takes a token
 * without waiting, even into debt, so the other lanes pay for it.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly waiting: Record<WaitingLane, Waiter[]> = { command: [], background: [], event: [] };
  private timer: TimerHandle | undefined;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Requests waiting for a token in a lane. */
  waiters(lane: WaitingLane): number {
    return this.waiting[lane].length;
  }

  /** Resolves once the request may go; rejects with the signal's reason if it aborts first. */
  take(lane: RequestLane, signal?: AbortSignal): Promise<void> {
    this.refill();
    if (lane === 'lease') {
      this.tokens -= 1;
      return Promise.resolve();
    }
    // Waiting in this lane or one served before it.
    let ahead = 0;
    for (const served of SERVED_IN_ORDER) {
      ahead += this.waiting[served].length;
      if (served === lane) break;
    }
    if (ahead === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting[lane];
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      queue.push(waiter);
      this.schedule();
    });
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer) return;
    const ms = Math.max(1, Math.ceil(((1 - this.tokens) / this.qps) * 1000));
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.release();
    }, ms);
  }

  private release(): void {
    this.refill();
    while (this.tokens >= 1) {
      const next = SERVED_IN_ORDER.find((served) => this.waiting[served].length > 0);
      const waiter = next && this.waiting[next].shift();
      if (!waiter) break;
      this.tokens -= 1;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (SERVED_IN_ORDER.some((lane) => this.waiting[lane].length > 0)) this.schedule();
  }
}
