import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventSink } from '../../../controller/runtime/event-sink.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';

const event = (reason: string): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: reason } }) as KubeObject;
/** The key of the object the Events are about. */
const APP = 'ns/app';
const reasonOf = (e: KubeObject): string => e.metadata?.name ?? '';

/** A sender that holds each write until released, so the test decides when the apiserver answers. */
function heldSender(): { send: (e: KubeObject) => Promise<unknown>; sent: string[]; release: () => Promise<void> } {
  const sent: string[] = [];
  const waiting: Array<() => void> = [];
  return {
    sent,
    send: (e) => new Promise<void>((resolve) => waiting.push(() => {
      sent.push(reasonOf(e));
      resolve();
    })),
    release: async () => {
      while (waiting.length > 0) {
        waiting.shift()!();
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe('EventSink', () => {
  it('returns at once and writes the Events of an object one at a time, in the order recorded', async () => {
    const sender = heldSender();
    const sink = new EventSink({ send: sender.send });
    assert.equal(sink.record(event('RolloutUpdated'), APP), true);
    assert.equal(sink.record(event('NewReplicaSetCreated'), APP), true);
    assert.equal(sink.record(event('ScalingReplicaSet'), APP), true);
    assert.deepEqual(sender.sent, []);
    await sender.release();
    assert.deepEqual(sender.sent, ['RolloutUpdated', 'NewReplicaSetCreated', 'ScalingReplicaSet']);
  });

  it('drops an Event when the queue is full, and counts it', async () => {
    const sender = heldSender();
    let dropped = 0;
    const sink = new EventSink({ send: sender.send, capacity: 2, dropped: () => dropped++ });
    // The first is taken by the sender at once; two more fill the queue; the fourth is dropped.
    assert.deepEqual(['a', 'b', 'c', 'd'].map((r) => sink.record(event(r), APP)), [true, true, true, false]);
    assert.equal(dropped, 1);
    await sender.release();
    assert.deepEqual(sender.sent, ['a', 'b', 'c']);
  });

  it('goes on after a write that fails, and reports it', async () => {
    const failures: unknown[] = [];
    const sent: string[] = [];
    const sink = new EventSink({
      send: async (e) => {
        if (reasonOf(e) === 'bad') throw new Error('403 forbidden');
        sent.push(reasonOf(e));
      },
      failed: (err) => failures.push(err),
    });
    sink.record(event('bad'), APP);
    sink.record(event('good'), APP);
    await sink.close(1_000);
    assert.deepEqual(sent, ['good']);
    assert.equal(failures.length, 1);
  });

  it('on close, gives queued Events the grace period, then drops the rest and takes no more', async () => {
    let dropped = 0;
    const sent: string[] = [];
    const sink = new EventSink({
      send: (e, signal) => new Promise((resolve, reject) => {
        // The apiserver never answers: only the abort ends the write.
        signal.addEventListener('abort', () => reject(signal.reason));
        sent.push(reasonOf(e));
        void resolve;
      }),
      dropped: () => dropped++,
    });
    sink.record(event('stuck'), APP);
    sink.record(event('queued'), APP);
    await sink.close(20);
    assert.deepEqual(sent, ['stuck']);
    assert.equal(dropped, 1);
    assert.equal(sink.record(event('late'), APP), false);
    assert.equal(dropped, 2);
  });

  it('writes the Events of different objects at once, those of each object in the order recorded', async () => {
    const sender = heldSender();
    let inFlight = 0;
    let mostInFlight = 0;
    const sink = new EventSink({
      senders: 4,
      send: async (e) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await sender.send(e);
        inFlight--;
      },
    });
    const objects = Array.from({ length: 16 }, (_, i) => `app-${i}`);
    for (const step of ['RolloutUpdated', 'NewReplicaSetCreated', 'ScalingReplicaSet']) {
      for (const o of objects) sink.record(event(`${o}:${step}`), `ns/${o}`);
    }
    await sender.release();
    assert.ok(mostInFlight > 1, `several writes in flight (${mostInFlight})`);
    assert.ok(mostInFlight <= 4, `no more than the senders (${mostInFlight})`);
    assert.equal(sender.sent.length, 48);
    for (const o of objects) {
      assert.deepEqual(sender.sent.filter((s) => s.startsWith(`${o}:`)), ['RolloutUpdated', 'NewReplicaSetCreated', 'ScalingReplicaSet'].map((r) => `${o}:${r}`), o);
    }
  });

  it('counts the queue across all senders', async () => {
    const sender = heldSender();
    let dropped = 0;
    const sink = new EventSink({ send: sender.send, senders: 4, capacity: 3, dropped: () => dropped++ });
    // Whatever sender each object lands on, at most 3 wait; the rest are taken by idle senders.
    const accepted = Array.from({ length: 20 }, (_, i) => sink.record(event('e'), `ns/app-${i}`)).filter(Boolean).length;
    assert.ok(accepted >= 4 && accepted <= 7, `accepted ${accepted}`);
    assert.equal(dropped, 20 - accepted);
    await sender.release();
    assert.equal(sender.sent.length, accepted);
  });
});
