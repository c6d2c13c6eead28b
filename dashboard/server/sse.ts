import type { Request, Response } from 'express';
import type { Clock, TimerHandle } from '../../controller/kube/clock.ts';

export interface SseOptions {
  clock: Clock;
  /** A comment line this often keeps proxies and the browser from timing the stream out. */
  heartbeatMs: number;
  /** A client that has not read this many bytes is too slow to follow: it is dropped and reconnects. */
  maxBufferedBytes: number;
}

/** One open server-sent-events response. */
export class SseChannel {
  private nextId = 1;
  private heartbeat: TimerHandle | undefined;
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    req: Request,
    private readonly res: Response,
    private readonly opts: SseOptions,
  ) {
    res.status(200);
    res.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    // The browser reconnects after this many milliseconds when the stream drops.
    res.write('retry: 2000\n\n');
    const onClose = (): void => this.close();
    req.on('close', onClose);
    res.on('error', onClose);
    this.beat();
  }

  private beat(): void {
    this.heartbeat = this.opts.clock.setTimer(() => {
      if (this.closed) return;
      this.write(': keep-alive\n\n');
      this.beat();
    }, this.opts.heartbeatMs);
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.res.writableLength > this.opts.maxBufferedBytes) {
      this.close();
      return;
    }
    this.res.write(chunk);
  }

  send(event: string, data: unknown): void {
    this.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeHandlers.push(fn);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat?.cancel();
    this.res.end();
    for (const fn of this.closeHandlers.splice(0)) fn();
  }
}

/** Every open stream, so a cap applies and shutdown can end them (an open stream holds the server). */
export class SseRegistry {
  private readonly channels = new Set<SseChannel>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.channels.size;
  }

  get full(): boolean {
    return this.channels.size >= this.max;
  }

  add(channel: SseChannel): void {
    this.channels.add(channel);
    channel.onClose(() => this.channels.delete(channel));
  }

  closeAll(): void {
    for (const channel of [...this.channels]) channel.close();
  }
}
