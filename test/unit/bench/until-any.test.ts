import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { untilAny, type Waitable } from '../../../bench/support/env.ts';

/** A watch whose events the test fires: each event checks the condition, as Watched.until does. */
class FakeWatch implements Waitable {
  private readonly tests = new Set<() => void>();
  aborted = 0;

  until(what: string, check: (items: KubeObject[]) => boolean, _timeoutMs?: number, signal?: AbortSignal): Promise<number> {
    return new Promise((resolve, reject) => {
      const test = (): void => {
        if (check([])) {
          this.tests.delete(test);
          resolve(performance.now());
        }
      };
      signal?.addEventListener('abort', () => {
        this.tests.delete(test);
        this.aborted++;
        reject(signal.reason);
      });
      this.tests.add(test);
      test();
    });
  }

  event(): void {
    for (const t of [...this.tests]) t();
  }

  get waiting(): number {
    return this.tests.size;
  }
}

describe('waiting on a condition over several watches', () => {
  test('the watch that delivers the last change ends the wait, and the others stop waiting', async () => {
    const state = { weight: 25, hash: 'old' };
    const vs = new FakeWatch();
    const dr = new FakeWatch();
    const wait = untilAny('weight 50 on the new hash', [vs, dr], () => state.weight === 50 && state.hash === 'new');
    state.weight = 50;
    vs.event(); // the VirtualService first: not enough yet
    assert.equal(vs.waiting, 1);
    state.hash = 'new';
    dr.event(); // the DestinationRule's event completes the condition
    assert.equal(typeof (await wait), 'number');
    assert.equal(vs.waiting, 0, 'the VirtualService watch no longer waits');
    assert.equal(vs.aborted, 1, 'its wait was aborted');
  });

  test('a condition that already holds resolves at once', async () => {
    const a = new FakeWatch();
    assert.equal(typeof (await untilAny('already', [a, new FakeWatch()], () => true)), 'number');
    assert.equal(a.waiting, 0);
  });

  test('a timeout of every watch rejects with what was awaited', async () => {
    const failing: Waitable = { until: (what) => Promise.reject(new Error(`bench: timed out waiting for ${what}`)) };
    await assert.rejects(untilAny('weight 75', [failing, failing], () => false), /timed out waiting for weight 75/);
  });
});
