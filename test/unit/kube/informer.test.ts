import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { WatchEvent } from '../../../controller/kube/client.ts';
import { KubeApiError } from '../../../controller/kube/errors.ts';
import { Informer, type ListWatchSource } from '../../../controller/kube/informer.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { FakeClock, flush } from './fake-clock.ts';

const target = { verb: 'watch', group: 'argoproj.io', resource: 'rollouts' };
const gone = (): KubeApiError => new KubeApiError(target, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
const serverError = (): KubeApiError => new KubeApiError(target, 500, { kind: 'Status', code: 500, reason: 'InternalError', message: 'boom' });
const forbidden = (): KubeApiError => new KubeApiError({ ...target, verb: 'list' }, 403, undefined);

function obj(name: string, rv: string, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { namespace: 'shop', name, uid: `uid-${name}`, resourceVersion: rv, ...extra } };
}

interface WatchCall {
  resourceVersion: string;
  timeoutSeconds: number;
  signal: AbortSignal;
  emit(event: WatchEvent<KubeObject>): void;
  end(): void;
  fail(err: unknown): void;
}

/** A port double: list results are scripted, each watch is a handle the test drives. */
class ScriptedSource implements ListWatchSource<KubeObject> {
  readonly lists: Array<{ items: KubeObject[]; resourceVersion: string } | Error> = [];
  readonly watches: WatchCall[] = [];
  listCalls = 0;

  list(signal: AbortSignal): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    this.listCalls += 1;
    const next = this.lists.shift();
    if (next === undefined) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(abortError())));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }

  watch(opts: { resourceVersion: string; timeoutSeconds: number; signal: AbortSignal }, onEvent: (e: WatchEvent<KubeObject>) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      opts.signal.addEventListener('abort', () => reject(abortError()), { once: true });
      this.watches.push({ ...opts, emit: onEvent, end: resolve, fail: reject });
    });
  }

  lastWatch(): WatchCall {
    const w = this.watches.at(-1);
    assert.ok(w, 'a watch was started');
    return w;
  }
}

function abortError(): Error {
  const e = new Error('aborted');
  e.name = 'AbortError';
  return e;
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await flush();
  }
  assert.fail(`timed out waiting for ${what}`);
}

const running: Informer<KubeObject>[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((i) => i.stop()));
});

function setup(opts: { resyncMs?: number } = {}) {
  const clock = new FakeClock();
  const source = new ScriptedSource();
  const delays: number[] = [];
  const events: string[] = [];
  const informer = new Informer<KubeObject>({
    name: 'rollouts.argoproj.io',
    source,
    clock,
    logger: pino({ level: 'silent' }),
    delay: async (ms) => {
      delays.push(ms);
    },
    resyncMs: opts.resyncMs ?? 0,
    watchTimeoutSeconds: () => 300,
    watchdogGraceMs: 30_000,
  });
  informer.addHandlers({
    add: (o) => events.push(`add ${o.metadata?.name}@${o.metadata?.resourceVersion}`),
    update: (a, b) => events.push(`update ${b.metadata?.name}@${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
    delete: (o) => events.push(`delete ${o.metadata?.name}`),
  });
  running.push(informer);
  return { clock, source, delays, events, informer };
}

describe('Informer', () => {
  it('lists, reports synced, then watches from the list resourceVersion', async () => {
    const { source, informer, events } = setup();
    source.lists.push({ items: [obj('a', '5'), obj('b', '6')], resourceVersion: '10' });
    assert.equal(informer.hasSynced(), false);
    const synced = informer.waitForSync();
    informer.start();
    assert.equal(await synced, true);
    await until('a watch', () => source.watches.length === 1);
    assert.equal(source.lastWatch().resourceVersion, '10');
    assert.equal(source.lastWatch().timeoutSeconds, 300);
    assert.deepEqual(events, ['add a@5', 'add b@6']);
  });

  it('applies watch events to the store and tells the handlers', async () => {
    const { source, informer, events } = setup();
    source.lists.push({ items: [obj('a', '5')], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    const w = source.lastWatch();
    w.emit({ type: 'ADDED', object: obj('b', '11') });
    w.emit({ type: 'MODIFIED', object: obj('a', '12') });
    w.emit({ type: 'DELETED', object: obj('b', '13') });
    assert.deepEqual(events, ['add a@5', 'add b@11', 'update a@5->12', 'delete b']);
    assert.deepEqual(informer.store.keys(), ['shop/a']);
    assert.equal(informer.get('shop/a')?.metadata?.resourceVersion, '12');
  });

  it('keeps cached objects without managedFields and the last-applied annotation', async () => {
    const { source, informer } = setup();
    source.lists.push({
      items: [
        obj('a', '5', {
          managedFields: [{ manager: 'kubectl' }],
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}', keep: 'me' },
        }),
      ],
      resourceVersion: '10',
    });
    informer.start();
    await informer.waitForSync();
    const cached = informer.get('shop/a');
    assert.equal(cached?.metadata?.managedFields, undefined);
    assert.deepEqual(cached?.metadata?.annotations, { keep: 'me' });
  });

  it('finds objects by owner UID', async () => {
    const { source, informer } = setup();
    const owned = (name: string, owner: string): KubeObject =>
      obj(name, '1', { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: owner, uid: `uid-${owner}`, controller: true }] });
    source.lists.push({ items: [owned('web-1', 'web'), owned('web-2', 'web'), owned('api-1', 'api')], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    assert.deepEqual(informer.byOwner('uid-web').map((o) => o.metadata?.name).sort(), ['web-1', 'web-2']);
    source.lastWatch().emit({ type: 'DELETED', object: owned('web-1', 'web') });
    source.lastWatch().emit({ type: 'MODIFIED', object: { ...owned('api-1', 'api'), metadata: { ...owned('api-1', 'api').metadata, ownerReferences: [] } } });
    assert.deepEqual(informer.byOwner('uid-web').map((o) => o.metadata?.name), ['web-2']);
    assert.deepEqual(informer.byOwner('uid-api'), []);
  });

  it('continues from the latest resourceVersion, including bookmarks, when a watch times out', async () => {
    const { source, informer, clock, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().emit({ type: 'ADDED', object: obj('a', '11') });
    source.lastWatch().emit({ type: 'BOOKMARK', resourceVersion: '15' });
    await clock.advance(300_000);
    source.lastWatch().end();
    await until('a second watch', () => source.watches.length === 2);
    assert.equal(source.lastWatch().resourceVersion, '15');
    assert.equal(source.listCalls, 1, 'no relist');
    assert.deepEqual(delays, []);
  });

  it('relists at once on 410 Gone and reports what changed meanwhile', async () => {
    const { source, informer, events, delays } = setup();
    source.lists.push({ items: [obj('a', '5'), obj('b', '6')], resourceVersion: '10' });
    source.lists.push({ items: [obj('a', '20'), obj('c', '21')], resourceVersion: '22' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().fail(gone());
    await until('a watch after the relist', () => source.watches.length === 2);
    assert.equal(source.listCalls, 2);
    assert.equal(source.lastWatch().resourceVersion, '22');
    assert.deepEqual(delays, [], 'no backoff for an expired resourceVersion');
    assert.deepEqual(events.slice(2), ['add c@21', 'update a@5->20', 'delete b']);
  });

  it('backs off 1 s, 2 s, 4 s … capped at 30 s while listing fails, and recovers', async () => {
    const { source, informer, delays } = setup();
    for (let i = 0; i < 7; i++) source.lists.push(forbidden());
    source.lists.push({ items: [obj('a', '5')], resourceVersion: '10' });
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    assert.equal(source.listCalls, 8);
  });

  it('re-watches from the last resourceVersion after a watch error, with backoff and no relist', async () => {
    const { source, informer, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().emit({ type: 'ADDED', object: obj('a', '12') });
    source.lastWatch().fail(serverError());
    await until('a second watch', () => source.watches.length === 2);
    source.lastWatch().fail(serverError());
    await until('a third watch', () => source.watches.length === 3);
    assert.equal(source.lastWatch().resourceVersion, '12');
    assert.equal(source.listCalls, 1);
    assert.deepEqual(delays, [1_000, 2_000]);
  });

  it('the backoff resets once a watch delivers events again', async () => {
    const { source, informer, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().fail(serverError());
    await until('watch 2', () => source.watches.length === 2);
    source.lastWatch().fail(serverError());
    await until('watch 3', () => source.watches.length === 3);
    source.lastWatch().emit({ type: 'ADDED', object: obj('a', '11') });
    source.lastWatch().fail(serverError());
    await until('watch 4', () => source.watches.length === 4);
    assert.deepEqual(delays, [1_000, 2_000, 1_000]);
  });

  it('a watch the server closes at once with no events counts as a failure', async () => {
    const { source, informer, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().end();
    await until('watch 2', () => source.watches.length === 2);
    assert.deepEqual(delays, [1_000]);
  });

  it('a 410 straight after a relist backs off instead of relisting in a loop', async () => {
    const { source, informer, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    source.lists.push({ items: [], resourceVersion: '11' });
    source.lists.push({ items: [], resourceVersion: '12' });
    informer.start();
    await until('watch 1', () => source.watches.length === 1);
    source.lastWatch().fail(gone());
    await until('watch 2', () => source.watches.length === 2);
    source.lastWatch().fail(gone());
    await until('watch 3', () => source.watches.length === 3);
    assert.deepEqual(delays, [1_000]);
    assert.equal(source.listCalls, 3);
  });

  it('the watchdog restarts a watch silent past its timeout plus grace', async () => {
    const { source, informer, clock, delays } = setup();
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().emit({ type: 'ADDED', object: obj('a', '11') });
    await clock.advance(329_999);
    assert.equal(source.watches.length, 1);
    assert.equal(source.watches[0]?.signal.aborted, false);
    await clock.advance(1);
    await until('a restarted watch', () => source.watches.length === 2);
    assert.equal(source.watches[0]?.signal.aborted, true, 'the silent watch is aborted');
    assert.equal(source.lastWatch().resourceVersion, '11');
    assert.deepEqual(delays, []);
  });

  it('resync re-delivers every cached object as an update', async () => {
    const { source, informer, clock, events } = setup({ resyncMs: 60_000 });
    source.lists.push({ items: [obj('a', '5'), obj('b', '6')], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    events.length = 0;
    await clock.advance(60_000);
    assert.deepEqual(events, ['update a@5->5', 'update b@6->6']);
    await clock.advance(60_000);
    assert.equal(events.length, 4);
  });

  it('a throwing handler does not stop the informer', async () => {
    const { source, informer, events } = setup();
    informer.addHandlers({
      add: () => {
        throw new Error('handler bug');
      },
    });
    source.lists.push({ items: [obj('a', '5')], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    source.lastWatch().emit({ type: 'ADDED', object: obj('b', '6') });
    assert.deepEqual(events, ['add a@5', 'add b@6']);
  });

  it('stop aborts the watch and ends the loop', async () => {
    const { source, informer, clock } = setup({ resyncMs: 1_000 });
    source.lists.push({ items: [], resourceVersion: '10' });
    informer.start();
    await until('a watch', () => source.watches.length === 1);
    await informer.stop();
    assert.equal(source.lastWatch().signal.aborted, true);
    await clock.advance(10_000_000);
    assert.equal(source.watches.length, 1);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('an outage is one warning line, not one per retry, and recovery is logged', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const clock = new FakeClock();
    const source = new ScriptedSource();
    const informer = new Informer<KubeObject>({
      name: 'rollouts.argoproj.io',
      source,
      clock,
      logger: pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) }),
      delay: async () => {},
      watchTimeoutSeconds: () => 300,
    });
    running.push(informer);
    for (let i = 0; i < 5; i++) source.lists.push(forbidden());
    source.lists.push({ items: [], resourceVersion: '1' });
    informer.start();
    await informer.waitForSync();
    assert.deepEqual(
      lines.map((l) => l.msg),
      [
        `rollouts.argoproj.io: list failed: forbidden: cannot list rollouts.argoproj.io at cluster scope: grant the controller's ServiceAccount list/watch on rollouts (apiGroup argoproj.io); retrying with backoff`,
        'rollouts.argoproj.io: listed successfully again',
      ],
    );
  });

  it('waitForSync resolves false when aborted before the first list', async () => {
    const { informer } = setup();
    informer.start();
    const controller = new AbortController();
    const waiting = informer.waitForSync(controller.signal);
    controller.abort();
    assert.equal(await waiting, false);
  });
});
