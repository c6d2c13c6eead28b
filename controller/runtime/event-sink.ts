import type { KubeObject } from '../kube/resources.ts';

/**
 * Kubernetes Events go out as client-go's event broadcaster sends them for Argo Rollouts: queued,
 * written one at a time by a sender of their own, in the order recorded, and dropped when the queue
 * is full. A pass never waits on an Event, and under load the apiserver sheds Events before the
 * writes that move rollouts (the sender's requests wait in the rate limiter's last lane).
 */

/** client-go's maxQueuedEvents: beyond this many waiting, an Event is dropped. */
export const EVENT_QUEUE_CAPACITY = 1000;

export interface EventSinkOptions {
  /** Writes one Event; a failure is reported and the next goes on. */
  send(event: KubeObject, signal: AbortSignal): Promise<unknown>;
  capacity?: number;
  /** An Event did not fit in the queue, or was still queued when the sink closed. */
  dropped?(): void;
  /** The apiserver refused an Event or could not be reached. */
  failed?(err: unknown): void;
}

export class EventSink {
  private readonly queue: KubeObject[] = [];
  private sending: Promise<void> | undefined;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly capacity: number;

  constructor(private readonly opts: EventSinkOptions) {
    this.capacity = opts.capacity ?? EVENT_QUEUE_CAPACITY;
  }

  /** Queues `event` and returns at once: false when it was dropped (queue full or sink closed). */
  record(event: KubeObject): boolean {
    if (this.closed || this.queue.length >= this.capacity) {
      this.opts.dropped?.();
      return false;
    }
    this.queue.push(event);
    this.sending ??= this.drain();
    return true;
  }

  /**
   * Takes no more Events and gives the queued ones up to `graceMs` to go; what is left then is
   * dropped, and the Event in flight is abandoned.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    if (!this.sending) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([this.sending, deadline]);
    clearTimeout(timer);
    for (let left = this.queue.splice(0).length; left > 0; left--) this.opts.dropped?.();
    this.abort.abort();
    await this.sending;
  }

  private async drain(): Promise<void> {
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
      if (this.abort.signal.aborted) break;
      try {
        await this.opts.send(event, this.abort.signal);
      } catch (err) {
        if (!this.abort.signal.aborted) this.opts.failed?.(err);
      }
    }
    this.sending = undefined;
  }
}
