import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ItemExponentialRateLimiter, WorkQueue, type Lane, type WorkQueueMetrics } from '../../../controller/kube/workqueue.ts';
import { FakeClock, flush } from './fake-clock.ts';

function newQueue(metrics?: WorkQueueMetrics): { queue: WorkQueue; clock: FakeClock } {
  const clock = new FakeClock();
  return { queue: new WorkQueue({ clock, metrics }), clock };
}

/** Resolves to the key, or 'pending' when get() is still waiting. */
async function peek(p: Promise<string | undefined>): Promise<string | undefined | 'pending'> {
  return Promise.race([p, flush().then(() => 'pending' as const)]);
}

describe('WorkQueue', () => {
  it('hands keys out in the order they were added', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    assert.equal(await queue.get(), 'ns/a');
    assert.equal(await queue.get(), 'ns/b');
  });

  it('a key added while queued is queued once', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    assert.equal(queue.len(), 2);
    assert.equal(await queue.get(), 'ns/a');
    assert.equal(await queue.get(), 'ns/b');
    assert.equal(await peek(queue.get()), 'pending');
  });

  it('a key added while being processed is not handed to a second worker, and is processed again after done', async () => {
    const { queue } = newQueue();
    queue.add('ns/a');
    const first = await queue.get();
    assert.equal(first, 'ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    const second = queue.get();
    assert.equal(await peek(second), 'pending');
    queue.done('ns/a');
    assert.equal(await second, 'ns/a');
    queue.done('ns/a');
    assert.equal(queue.len(), 0);
  });

  it('a waiting worker receives the next key as soon as it is added', async () => {
    const { queue } = newQueue();
    const waiting = queue.get();
    assert.equal(await peek(waiting), 'pending');
    queue.add('ns/a');
    assert.equal(await waiting, 'ns/a');
  });

  describe('addAfter', () => {
    it('adds the key once its delay has passed, soonest first', async () => {
      const { queue, clock } = newQueue();
      queue.addAfter('ns/late', 100);
      queue.addAfter('ns/soon', 50);
      await clock.advance(49);
      assert.equal(queue.len(), 0);
      await clock.advance(1);
      assert.equal(await queue.get(), 'ns/soon');
      await clock.advance(50);
      assert.equal(await queue.get(), 'ns/late');
    });

    it('the earliest requested time wins', async () => {
      const { queue, clock } = newQueue();
      queue.addAfter('ns/a', 100);
      queue.addAfter('ns/a', 30);
      queue.addAfter('ns/a', 60);
      await clock.advance(30);
      assert.equal(queue.len(), 1);
      assert.equal(await queue.get(), 'ns/a');
      queue.done('ns/a');
      await clock.advance(100);
      assert.equal(queue.len(), 0, 'the superseded later requests add nothing');
    });

    it('a zero delay adds at once', () => {
      const { queue } = newQueue();
      queue.addAfter('ns/a', 0);
      assert.equal(queue.len(), 1);
    });
  });

  describe('rate limiting', () => {
    it('backs off per key exponentially from 5 ms, and forget resets it', async () => {
      const { queue, clock } = newQueue();
      const waits: number[] = [];
      for (let i = 0; i < 4; i++) {
        const before = clock.now();
        queue.addRateLimited('ns/a');
        while (queue.len() === 0) await clock.advance(1);
        waits.push(clock.now() - before);
        assert.equal(await queue.get(), 'ns/a');
        queue.done('ns/a');
      }
      assert.deepEqual(waits, [5, 10, 20, 40]);
      assert.equal(queue.numRequeues('ns/a'), 4);
      queue.forget('ns/a');
      assert.equal(queue.numRequeues('ns/a'), 0);
      queue.addRateLimited('ns/a');
      await clock.advance(5);
      assert.equal(queue.len(), 1);
    });

    it('one key failing does not slow another', () => {
      const limiter = new ItemExponentialRateLimiter();
      limiter.when('ns/a');
      limiter.when('ns/a');
      assert.equal(limiter.when('ns/b'), 5);
    });

    it('caps the delay at 1000 s', () => {
      const limiter = new ItemExponentialRateLimiter();
      let last = 0;
      for (let i = 0; i < 40; i++) last = limiter.when('ns/a');
      assert.equal(last, 1_000_000);
    });
  });

  describe('shutDown', () => {
    it('drains: queued keys are still handed out, then get resolves undefined', async () => {
      const { queue } = newQueue();
      queue.add('ns/a');
      queue.add('ns/b');
      let stopped = false;
      const stopping = queue.shutDown().then(() => {
        stopped = true;
      });
      queue.add('ns/c');
      assert.equal(await queue.get(), 'ns/a');
      assert.equal(await queue.get(), 'ns/b');
      assert.equal(await queue.get(), undefined);
      await flush();
      assert.equal(stopped, false, 'waits for in-flight keys');
      queue.done('ns/a');
      queue.done('ns/b');
      await stopping;
      assert.equal(stopped, true);
    });

    it('without drain, stops handing out keys and waits only for those in flight', async () => {
      const { queue } = newQueue();
      queue.add('ns/a');
      queue.add('ns/b');
      assert.equal(await queue.get(), 'ns/a');
      queue.add('ns/a');
      let stopped = false;
      const stopping = queue.shutDown({ drain: false }).then(() => {
        stopped = true;
      });
      assert.equal(await queue.get(), undefined);
      await flush();
      assert.equal(stopped, false);
      queue.done('ns/a');
      await stopping;
      assert.equal(queue.len(), 0, 'the key re-added while in flight is dropped');
    });

    it('wakes waiting workers with undefined', async () => {
      const { queue } = newQueue();
      const waiting = queue.get();
      await queue.shutDown();
      assert.equal(await waiting, undefined);
    });

    it('cancels delayed adds', async () => {
      const { queue, clock } = newQueue();
      queue.addAfter('ns/a', 100);
      queue.addRateLimited('ns/b');
      await queue.shutDown();
      await clock.advance(1_000);
      assert.equal(queue.len(), 0);
      assert.equal(clock.pendingTimers(), 0);
    });
  });

  it('reports its depth', async () => {
    const depths: number[] = [];
    let adds = 0;
    let retries = 0;
    const { queue } = newQueue({ depth: (n) => depths.push(n), added: () => adds++, retried: () => retries++ });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    await queue.get();
    queue.addRateLimited('ns/c');
    assert.deepEqual(depths, [1, 2, 1]);
    assert.equal(adds, 3);
    assert.equal(retries, 1);
  });

  describe('lanes', () => {
    /** A queue whose lane for each key is read from `commands`, as the runtime reads it from the cache. */
    function laneQueue(commands: Set<string>, metrics?: WorkQueueMetrics): { queue: WorkQueue; clock: FakeClock } {
      const clock = new FakeClock();
      const laneOf = (key: string): Lane => (commands.has(key) ? 'command' : 'background');
      return { queue: new WorkQueue({ clock, metrics, laneOf }), clock };
    }

    it('a key carrying a user command is handed out before every background resync queued earlier', async () => {
      const commands = new Set(['ns/promoted']);
      const { queue } = laneQueue(commands);
      for (let i = 0; i < 50; i++) queue.add(`ns/resync-${i}`);
      queue.add('ns/promoted');
      assert.equal(queue.lenOf('command'), 1);
      assert.equal(await queue.get(), 'ns/promoted');
      assert.equal(await queue.get(), 'ns/resync-0');
    });

    it('a queued background key that now carries a command moves to the command lane, and is handed out once', async () => {
      const commands = new Set<string>();
      const { queue } = laneQueue(commands);
      queue.add('ns/a');
      queue.add('ns/b');
      commands.add('ns/b');
      queue.add('ns/b');
      assert.equal(queue.len(), 2);
      assert.equal(await queue.get(), 'ns/b');
      assert.equal(await queue.get(), 'ns/a');
      queue.done('ns/a');
      queue.done('ns/b');
      assert.equal(queue.len(), 0);
    });

    it('a command key added while being processed is not handed out twice, and comes back in the command lane', async () => {
      const commands = new Set<string>();
      const { queue } = laneQueue(commands);
      queue.add('ns/a');
      assert.equal(await queue.get(), 'ns/a');
      queue.add('ns/other');
      commands.add('ns/a');
      queue.add('ns/a');
      assert.equal(queue.len(), 1, 'ns/a waits for its pass to end');
      queue.done('ns/a');
      assert.equal(await queue.get(), 'ns/a');
      assert.equal(queue.processingLane('ns/a'), 'command');
    });

    it('a failed command pass is retried in the command lane even when the cache no longer shows the command', async () => {
      const commands = new Set(['ns/aborted']);
      const { queue, clock } = laneQueue(commands);
      queue.add('ns/aborted');
      assert.equal(await queue.get(), 'ns/aborted');
      // The pass wrote part of its work, then its status patch got a 409.
      commands.delete('ns/aborted');
      queue.addRateLimited('ns/aborted');
      queue.done('ns/aborted');
      for (let i = 0; i < 20; i++) queue.add(`ns/resync-${i}`);
      await clock.advance(5);
      assert.equal(await queue.get(), 'ns/aborted');
      assert.equal(queue.processingLane('ns/aborted'), 'command');
    });

    it('a background pass that fails is retried in the background lane', async () => {
      const { queue, clock } = laneQueue(new Set());
      queue.add('ns/a');
      await queue.get();
      queue.addRateLimited('ns/a');
      queue.done('ns/a');
      await clock.advance(5);
      assert.equal(queue.lenOf('background'), 1);
    });

    it('the lane is decided when a delayed add fires, from what holds then', async () => {
      const commands = new Set<string>();
      const { queue, clock } = laneQueue(commands);
      queue.addAfter('ns/a', 1_000);
      queue.add('ns/b');
      commands.add('ns/a');
      await clock.advance(1_000);
      assert.equal(await queue.get(), 'ns/a');
    });

    it('reports how long each key waited, per lane', async () => {
      const waits: Array<[Lane, number]> = [];
      const commands = new Set(['ns/c']);
      const { queue, clock } = laneQueue(commands, { depth: () => {}, added: () => {}, retried: () => {}, waited: (lane, s) => waits.push([lane, s]) });
      queue.add('ns/b');
      await clock.advance(2_000);
      queue.add('ns/c');
      await clock.advance(500);
      await queue.get();
      await queue.get();
      assert.deepEqual(waits, [['command', 0.5], ['background', 2.5]]);
    });
  });
});
