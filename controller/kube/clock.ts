/**
 * Time as a port: everything that waits (backoff, requeue-after, resync, lease renewal) goes
 * through a Clock so tests can move time by hand instead of sleeping.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};

/** Waits `ms` on `clock`; resolves early (without throwing) when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = (): void => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A delay function as injected into retry loops: tests record the requested delays instead. */
export type Delay = (ms: number, signal: AbortSignal) => Promise<void>;

export function clockDelay(clock: Clock): Delay {
  return (ms, signal) => sleep(clock, ms, signal);
}
