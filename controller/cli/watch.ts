import { sleep, type Clock } from '../kube/clock.ts';
import type { Io } from './context.ts';

/**
 * Draws successive frames of a watched view. On a terminal each frame replaces the previous
 * one in place (cursor up over the old frame, clear to the end of the screen; a full clear when
 * the old frame was taller than the screen); elsewhere frames are printed one after another.
 * Identical frames are not redrawn.
 */
export class FrameWriter {
  private previous: string | undefined;

  constructor(private readonly io: Io) {}

  draw(frame: string): void {
    if (frame === this.previous) return;
    let prefix = '';
    if (this.previous !== undefined) {
      if (!this.io.isTTY) prefix = '\n';
      else {
        const lines = this.previous.split('\n').length - (this.previous.endsWith('\n') ? 1 : 0);
        prefix = this.io.rows !== undefined && lines >= this.io.rows ? '\x1b[H\x1b[2J' : `\x1b[${lines}F\x1b[0J`;
      }
    }
    this.io.out(prefix + frame);
    this.previous = frame;
  }
}

export interface PollOptions<T> {
  fetch(): Promise<T>;
  /** Called with every fetched value; returning true ends the poll. */
  onValue(value: T): boolean | void;
  clock: Clock;
  signal: AbortSignal;
  intervalMs?: number;
  /** Milliseconds after which the poll gives up; undefined or 0 polls until interrupted. */
  timeoutMs?: number;
}

export type PollEnd = 'done' | 'interrupted' | 'timeout';

/**
 * Fetches every `intervalMs` (a second by default, as Argo's view controller refreshes) until
 * `onValue` says done, the signal aborts (Ctrl-C) or the timeout passes. Fetch errors end the
 * poll by rejecting.
 */
export async function poll<T>(opts: PollOptions<T>): Promise<PollEnd> {
  const interval = opts.intervalMs ?? 1000;
  const deadline = opts.timeoutMs ? opts.clock.now() + opts.timeoutMs : undefined;
  for (;;) {
    if (opts.signal.aborted) return 'interrupted';
    const value = await opts.fetch();
    if (opts.signal.aborted) return 'interrupted';
    if (opts.onValue(value) === true) return 'done';
    const now = opts.clock.now();
    if (deadline !== undefined && now >= deadline) return 'timeout';
    const wait = deadline !== undefined ? Math.min(interval, deadline - now) : interval;
    await sleep(opts.clock, wait, opts.signal);
  }
}
