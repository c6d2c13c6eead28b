import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { KubeApiError } from '../../../controller/kube/errors.ts';
import { Controller, type ControllerOptions } from '../../../controller/runtime/controller.ts';
import type { Lane } from '../../../controller/kube/workqueue.ts';
import { createRuntimeMetrics } from '../../../controller/runtime/metrics.ts';
import type { ReconcileResult, Reconciler } from '../../../controller/runtime/types.ts';
import { FakeClock, flush } from '../kube/fake-clock.ts';

interface Call {
  key: string;
  signal: AbortSignal;
  finish(result?: ReconcileResult): void;
  fail(err: unknown): void;
}

/** A reconciler whose passes the test finishes by hand; like a well-behaved one, it gives up when aborted. */
function manualReconciler(): { reconcile: Reconciler; calls: Call[]; active: () => number } {
  const calls: Call[] = [];
  let active = 0;
  const reconcile: Reconciler = (key, signal) =>
    new Promise<ReconcileResult>((resolve, reject) => {
      active += 1;
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        active -= 1;
        fn();
      };
      signal.addEventListener('abort', () => settle(() => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))), { once: true });
      calls.push({ key, signal, finish: (r) => settle(() => resolve(r)), fail: (e) => settle(() => reject(e)) });
    });
  return { reconcile, calls, active: () => active };
}

const controllers: Controller[] = [];
afterEach(async () => {
  await Promise.all(controllers.splice(0).map((c) => c.abort()));
});

function setup(reconcile: Reconciler, workers = 2, extra: Partial<ControllerOptions> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const metrics = createRuntimeMetrics(registry);
  const reconcileMetrics = metrics.reconcile('rollout');
  const controller = new Controller({
    name: 'rollout',
    reconcile,
    workers,
    clock,
    logger: pino({ level: 'silent' }),
    metrics: reconcileMetrics,
    queueMetrics: metrics.workQueue('rollout'),
    ...extra,
  });
  controllers.push(controller);
  return { clock, registry, controller, reconcileMetrics };
}

async function metricValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  const data = await metric?.get();
  return data?.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val))?.value;
}

describe('Controller', () => {
  it('reconciles every initial key once', async () => {
    const seen: string[] = [];
    const { controller } = setup(async (key) => {
      seen.push(key);
    });
    controller.start(['shop/a', 'shop/b', 'shop/c']);
    await flush();
    assert.deepEqual(seen.sort(), ['shop/a', 'shop/b', 'shop/c']);
  });

  it('runs at most N reconciles at once and never the same key twice concurrently', async () => {
    const r = manualReconciler();
    const { controller } = setup(r.reconcile, 2);
    controller.start(['shop/a', 'shop/b', 'shop/c']);
    await flush();
    assert.equal(r.active(), 2);
    controller.enqueue('shop/a');
    await flush();
    assert.deepEqual(r.calls.map((c) => c.key), ['shop/a', 'shop/b']);
    r.calls[0]?.finish();
    await flush();
    assert.deepEqual(r.calls.map((c) => c.key), ['shop/a', 'shop/b', 'shop/c']);
    r.calls[1]?.finish();
    await flush();
    assert.deepEqual(r.calls.map((c) => c.key), ['shop/a', 'shop/b', 'shop/c', 'shop/a'], 'a is processed again after its first pass');
  });

  it('honours requeueAfterMs', async () => {
    const r = manualReconciler();
    const { controller, clock } = setup(r.reconcile);
    controller.start(['shop/a']);
    await flush();
    r.calls[0]?.finish({ requeueAfterMs: 30_000 });
    await clock.advance(29_999);
    assert.equal(r.calls.length, 1);
    await clock.advance(1);
    assert.equal(r.calls.length, 2);
  });

  it('retries a failing reconcile with growing backoff, counts the errors, and keeps running', async () => {
    let failures = 2;
    const times: number[] = [];
    const { controller, clock, registry } = setup(async () => {
      times.push(clock.now());
      if (failures-- > 0) throw new TypeError("Cannot read properties of undefined (reading 'spec')");
    });
    const start = clock.now();
    controller.start(['shop/a']);
    await clock.advance(100);
    assert.deepEqual(times.map((t) => t - start), [0, 5, 15]);
    assert.equal(await metricValue(registry, 'rollout_reconcile_error', { namespace: 'shop', name: 'a' }), 2);
    assert.equal(controller.running(), true);
  });

  it('a success resets the key backoff', async () => {
    const outcomes = ['fail', 'fail', 'ok', 'fail'];
    const times: number[] = [];
    const { controller, clock } = setup(async () => {
      times.push(clock.now());
      if (outcomes.shift() === 'fail') throw new KubeApiError({ verb: 'patch', group: 'apps', resource: 'replicasets' }, 500, undefined);
      return { requeueAfterMs: 1_000 };
    });
    const start = clock.now();
    controller.start(['shop/a']);
    await clock.advance(2_000);
    assert.deepEqual(times.slice(0, 5).map((t) => t - start), [0, 5, 15, 1_015, 1_020]);
  });

  it('records reconcile durations in seconds per object', async () => {
    const r = manualReconciler();
    const { controller, clock, registry } = setup(r.reconcile);
    controller.start(['shop/a']);
    await flush();
    await clock.advance(200);
    r.calls[0]?.finish();
    await flush();
    const text = await registry.metrics();
    assert.match(text, /^rollout_reconcile_sum\{namespace="shop",name="a"\} 0\.2$/m);
    assert.match(text, /^rollout_reconcile_bucket\{le="0\.15",namespace="shop",name="a"\} 0$/m);
    assert.match(text, /^rollout_reconcile_bucket\{le="0\.25",namespace="shop",name="a"\} 1$/m);
  });

  it('stop lets in-flight reconciles finish within the grace period and starts nothing new', async () => {
    const r = manualReconciler();
    const { controller, clock } = setup(r.reconcile, 1);
    controller.start(['shop/a', 'shop/b']);
    await flush();
    let stopped = false;
    const stopping = controller.stop(10_000).then(() => {
      stopped = true;
    });
    await clock.advance(5_000);
    assert.equal(stopped, false);
    assert.equal(r.calls[0]?.signal.aborted, false);
    r.calls[0]?.finish();
    await stopping;
    assert.deepEqual(r.calls.map((c) => c.key), ['shop/a'], 'the queued key is left for the next leader');
    assert.equal(controller.running(), false);
  });

  it('stop aborts reconciles still running when the grace period ends', async () => {
    const r = manualReconciler();
    const { controller, clock } = setup(r.reconcile, 1);
    controller.start(['shop/a']);
    await flush();
    const stopping = controller.stop(10_000);
    await clock.advance(10_000);
    assert.equal(r.calls[0]?.signal.aborted, true);
    await stopping;
  });

  it('a reconcile that ignores its abort signal does not hold up shutdown', async () => {
    const { controller, clock } = setup(() => new Promise<ReconcileResult>(() => {}), 1);
    controller.start(['shop/a']);
    await flush();
    const stopping = controller.stop(1_000);
    await clock.advance(1_000);
    await clock.advance(2_000);
    await stopping;
    assert.equal(controller.running(), false);
  });

  it('abort stops at once, as when leadership is lost', async () => {
    const r = manualReconciler();
    const { controller } = setup(r.reconcile, 1);
    controller.start(['shop/a', 'shop/b']);
    await flush();
    const aborting = controller.abort();
    assert.equal(r.calls[0]?.signal.aborted, true);
    await aborting;
    assert.equal(r.calls.length, 1);
    assert.equal(controller.running(), false);
  });

  it('a new term starts with a fresh queue and without the old backoff', async () => {
    const seen: string[] = [];
    const { controller } = setup(async (key) => {
      seen.push(key);
    });
    controller.enqueue('shop/ignored');
    controller.start(['shop/a']);
    await flush();
    await controller.abort();
    controller.start(['shop/b']);
    await flush();
    assert.deepEqual(seen, ['shop/a', 'shop/b']);
  });

  it('a new term can start while the last one winds down, and settled() says when it has', async () => {
    const seen: string[] = [];
    const { controller, clock } = setup((key) => {
      seen.push(key);
      return key === 'shop/stuck' ? new Promise<ReconcileResult>(() => {}) : Promise.resolve();
    }, 1);
    controller.start(['shop/stuck']);
    await flush();
    void controller.abort();
    let settled = false;
    void controller.settled().then(() => {
      settled = true;
    });
    controller.start(['shop/b']);
    await flush();
    assert.deepEqual(seen, ['shop/stuck', 'shop/b']);
    assert.equal(settled, false);
    await clock.advance(2_000);
    assert.equal(settled, true);
  });

  it('the reconcile series of a deleted object can be dropped', async () => {
    const { controller, registry, reconcileMetrics } = setup(async () => {
      throw new Error('bug');
    });
    controller.start(['shop/a']);
    await flush();
    assert.equal(await metricValue(registry, 'rollout_reconcile_error', { name: 'a' }), 1);
    reconcileMetrics.forget('shop/a');
    assert.equal(await metricValue(registry, 'rollout_reconcile_error', { name: 'a' }), undefined);
  });

  describe('commands before background resyncs', () => {
    /** Keys whose objects carry a user's command, as the runtime reads them from the cache. */
    const lanes = (commands: Set<string>) => ({ laneOf: (key: string): Lane => (commands.has(key) ? 'command' : 'background') });

    it('a new leader reconciles the rollouts with pending commands first', async () => {
      const seen: string[] = [];
      const commands = new Set(['shop/r7', 'shop/r3']);
      const { controller } = setup(async (key) => {
        seen.push(key);
      }, 1, lanes(commands));
      controller.start(Array.from({ length: 10 }, (_, i) => `shop/r${i}`));
      await flush();
      assert.deepEqual(seen.slice(0, 2), ['shop/r3', 'shop/r7']);
      assert.equal(seen.length, 10);
    });

    it('a command pass that fails with 409 is retried as a command, before background keys queued since', async () => {
      const seen: string[] = [];
      const commands = new Set(['shop/aborted']);
      let conflicts = 1;
      const holder: { controller?: Controller } = {};
      const { controller, clock } = setup(async (key, signal) => {
        seen.push(key);
        if (key === 'shop/aborted' && conflicts-- > 0) {
          // The status patch lost a race with another write; the cache has moved on meanwhile.
          commands.delete(key);
          for (let i = 0; i < 5; i++) holder.controller?.enqueue(`shop/bg${i}`);
          throw new KubeApiError({ verb: 'patch', group: 'argoproj.io', resource: 'rollouts', name: 'aborted' }, 409, { kind: 'Status', code: 409, reason: 'Conflict' });
        }
        // Each background pass takes 10 ms, so the retry's 5 ms backoff ends while bg0 runs.
        await new Promise<void>((resolve) => {
          const timer = clock.setTimer(resolve, 10);
          signal.addEventListener('abort', () => {
            timer.cancel();
            resolve();
          }, { once: true });
        });
      }, 1, lanes(commands));
      holder.controller = controller;
      controller.start(['shop/aborted']);
      await clock.advance(15);
      assert.deepEqual(seen.slice(0, 3), ['shop/aborted', 'shop/bg0', 'shop/aborted']);
    });

    it('runs each pass with its requests in the lane it was taken from', async () => {
      const ran: string[] = [];
      const commands = new Set(['shop/promoted']);
      let current: Lane | undefined;
      const { controller } = setup(async (key) => {
        ran.push(`${key} ${current}`);
      }, 1, { ...lanes(commands), inLane: async (lane, pass) => {
        current = lane;
        try {
          return await pass();
        } finally {
          current = undefined;
        }
      } });
      controller.start(['shop/quiet', 'shop/promoted']);
      await flush();
      assert.deepEqual(ran, ['shop/promoted command', 'shop/quiet background']);
    });
  });
});
