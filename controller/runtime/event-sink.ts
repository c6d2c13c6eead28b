import type { KubeObject } from '../kube/resources.ts';
import { fnv1a32 } from '../reconcile/shared/hash.ts';

/**
 * Kubernetes Events go out as client-go's event broadcaster sends them for Argo Rollouts: queued,
 * written in the background, and dropped when the queue is full. A pass never waits on an Event,
 * and under load the apiserver sheds Events before the writes that move rollouts (the senders'
 * requests wait in the rate limiter's last lane). Several senders write at once, each owning the
 * Events of some objects, so one object's Events keep the order they were recorded in while a
 * slow apiserver answer holds up only a share of them.
 */

/** client-go's maxQueuedEvents: beyond this many waiting, an Event is dropped. */
export const EVENT_QUEUE_CAPACITY = 1000;
/** Writes in flight at once; each sender owns the Events of the objects hashed to it. */
export const EVENT_SENDERS = 4;

const UTF8 = new TextEncoder();

export interface EventSinkOptions {
  /** Writes one Event; a failure is reported and the next goes on. */
  send(event: KubeObject, signal: AbortSignal): Promise<unknown>;
  /** Events waiting (not yet being written), all senders together. */
  capacity?: number;
  senders?: number;
  /** An Event did not fit in the queue, or was still queued when the sink closed. */
  dropped?(): void;
  /** The apiserver refused an Event or could not be reached. */
  failed?(err: unknown): void;
}

interface Sender {
  readonly queue: KubeObject[];
  sending?: Promise<void>;
}

export class EventSink {
  private readonly senders: Sender[];
  private closed = false;
  private readonly abort = new AbortController();
  private readonly capacity: number;

  constructor(private readonly opts: EventSinkOptions) {
    this.capacity = opts.capacity ?? EVENT_QUEUE_CAPACITY;
    this.senders = Array.from({ length: Math.max(1, opts.senders ?? EVENT_SENDERS) }, () => ({ queue: [] }));
  }

  /**
   * Queues `event`, about the object keyed `about` (whose Events keep their order), and returns at
   * once: false when it was dropped (queue full or sink closed).
   */
  record(event: KubeObject, about: string): boolean {
    if (this.closed || this.waiting() >= this.capacity) {
      this.opts.dropped?.();
      return false;
    }
    const sender = this.senders[fnv1a32(UTF8.encode(about)) % this.senders.length]!;
    sender.queue.push(event);
    sender.sending ??= this.drain(sender);
    return true;
  }

  private waiting(): number {
    return this.senders.reduce((n, s) => n + s.queue.length, 0);
  }

  /**
   * Takes no more Events and gives the queued ones up to `graceMs` to go; what is left then is
   * dropped, and the Events in flight are abandoned.
   */
  async close(graceMs: number): Promise<void> {
    this.closed = true;
    const sending = (): Promise<unknown> => Promise.all(this.senders.map((s) => s.sending));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([sending(), deadline]);
    clearTimeout(timer);
    for (const sender of this.senders) {
      for (let left = sender.queue.splice(0).length; left > 0; left--) this.opts.dropped?.();
    }
    this.abort.abort();
    await sending();
  }

  private async drain(sender: Sender): Promise<void> {
    for (let event = sender.queue.shift(); event !== undefined; event = sender.queue.shift()) {
      if (this.abort.signal.aborted) break;
      try {
        await this.opts.send(event, this.abort.signal);
      } catch (err) {
        if (!this.abort.signal.aborted) this.opts.failed?.(err);
      }
    }
    sender.sending = undefined;
  }
}
