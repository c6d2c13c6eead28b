import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket, type RequestLane } from '../../../controller/kube/token-bucket.ts';
import { FakeClock, flush } from './fake-clock.ts';

/** Takes a token for each label in order and records the order in which they were let through. */
function takeAll(bucket: TokenBucket, requests: Array<[string, RequestLane]>, order: string[]): void {
  for (const [label, lane] of requests) void bucket.take(lane).then(() => order.push(label));
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then qps a second', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 5, clock);
    const order: string[] = [];
    takeAll(bucket, Array.from({ length: 15 }, (_, i) => [`r${i}`, 'background'] as [string, RequestLane]), order);
    await flush();
    assert.equal(order.length, 5, 'the burst');
    await clock.advance(500);
    assert.equal(order.length, 10, 'five more in half a second at 10 qps');
    await clock.advance(500);
    assert.equal(order.length, 15);
  });

  it('a command waits behind no background request queued before it', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    const order: string[] = [];
    takeAll(bucket, [['b0', 'background'], ['b1', 'background'], ['b2', 'background'], ['b3', 'background']], order);
    await flush();
    takeAll(bucket, [['promote', 'command']], order);
    await clock.advance(100);
    assert.deepEqual(order, ['b0', 'promote']);
    await clock.advance(300);
    assert.deepEqual(order, ['b0', 'promote', 'b1', 'b2', 'b3']);
  });

  it('an Event waits behind every command and background request, even those queued after it', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    const order: string[] = [];
    takeAll(bucket, [['b0', 'background'], ['e0', 'event'], ['b1', 'background'], ['c0', 'command'], ['e1', 'event']], order);
    await clock.advance(1_000);
    assert.deepEqual(order, ['b0', 'c0', 'b1', 'e0', 'e1']);
  });

  it('a Lease renewal never waits, even with the bucket empty and others waiting', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    const order: string[] = [];
    takeAll(bucket, [['b0', 'background'], ['b1', 'background'], ['c0', 'command']], order);
    await flush();
    takeAll(bucket, [['renew', 'lease']], order);
    await flush();
    assert.deepEqual(order, ['b0', 'renew']);
    // The renewal was paid for: the next token comes a second later than it would have.
    await clock.advance(1_000);
    assert.deepEqual(order, ['b0', 'renew']);
    await clock.advance(1_000);
    assert.deepEqual(order, ['b0', 'renew', 'c0']);
  });

  it('a waiting request whose signal aborts leaves the queue with the abort reason', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    await bucket.take('background');
    const abort = new AbortController();
    const waiting = bucket.take('background', abort.signal);
    assert.equal(bucket.waiters('background'), 1);
    abort.abort(new Error('leadership lost'));
    await assert.rejects(waiting, /leadership lost/);
    assert.equal(bucket.waiters('background'), 0);
  });
});
