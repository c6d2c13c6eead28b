import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { pino } from 'pino';
import type { WatchEvent } from '../../controller/kube/client.ts';
import { systemClock, type Clock } from '../../controller/kube/clock.ts';
import { Informer, type ListWatchSource } from '../../controller/kube/informer.ts';
import type { KubeObject } from '../../controller/kube/resources.ts';
import { createApp, normalizeRootPath, type AppDeps } from '../../dashboard/server/app.ts';
import { InformerSource, type WatchedKind } from '../../dashboard/server/cache.ts';
import { experimentReader } from '../../dashboard/server/experiments.ts';
import { RolloutHub } from '../../dashboard/server/hub.ts';
import type { ErrorBody, ExperimentDetail, ExperimentSummary, RolloutDetail, RolloutSummary, Settings } from '../../dashboard/shared/api.ts';
import { FakeKube } from '../support/fake-kube.ts';
import { loadFixture } from '../support/rollout-fixtures.ts';
import { takeSseEvents, type SseEvent } from '../support/sse.ts';

/**
 * The dashboard's HTTP server on loopback with real informers fed by in-memory list/watch sources
 * and the CLI's in-memory API server for writes: routes, streams, limits and headers, no cluster.
 */

const logger = pino({ level: 'silent' });
const TOKEN = 'integration-token-0123456789';

/** A list/watch source whose watch stays open until aborted, with events pushed by the test. */
class MemorySource implements ListWatchSource<KubeObject> {
  private rv = 100;
  private readonly watchers = new Set<(e: WatchEvent<KubeObject>) => void>();

  constructor(private readonly items: KubeObject[]) {}

  async list(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    return { items: structuredClone(this.items), resourceVersion: String(this.rv) };
  }

  watch(opts: { signal: AbortSignal }, onEvent: (e: WatchEvent<KubeObject>) => void): Promise<void> {
    this.watchers.add(onEvent);
    return new Promise((resolve) => {
      opts.signal.addEventListener(
        'abort',
        () => {
          this.watchers.delete(onEvent);
          resolve();
        },
        { once: true },
      );
    });
  }

  push(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const object = structuredClone(obj);
    object.metadata = { ...object.metadata, resourceVersion: String(++this.rv) };
    for (const w of this.watchers) w({ type, object });
  }
}

interface Harness {
  url: string;
  sources: Record<WatchedKind, MemorySource>;
  fake: FakeKube;
  close(): Promise<void>;
}

async function harness(overrides: Partial<AppDeps> & { webRoot?: string; clock?: Clock } = {}): Promise<Harness> {
  const fixture = loadFixture('canary-mid-step.yaml');
  const sources: Record<WatchedKind, MemorySource> = {
    rollouts: new MemorySource([fixture.rollout as unknown as KubeObject]),
    replicasets: new MemorySource(fixture.replicaSets as unknown as KubeObject[]),
    pods: new MemorySource(fixture.pods as unknown as KubeObject[]),
    analysisruns: new MemorySource(fixture.analysisRuns as unknown as KubeObject[]),
    events: new MemorySource([]),
    experiments: new MemorySource([]),
    namespaces: new MemorySource([]),
  };
  const informers = Object.fromEntries(
    (Object.keys(sources) as WatchedKind[]).map((kind) => [kind, new Informer<KubeObject>({ name: kind, source: sources[kind], clock: systemClock, logger, resyncMs: 0 })]),
  ) as Record<WatchedKind, Informer<KubeObject>>;
  const source = new InformerSource(informers);
  const hub = new RolloutHub({ source, clock: systemClock, historyLimit: 50, debounceMs: 5 });
  for (const informer of Object.values(informers)) informer.start();
  await Promise.all(Object.values(informers).map((i) => i.waitForSync()));
  hub.flush();
  const fake = new FakeKube([fixture.rollout as unknown as KubeObject, ...(fixture.replicaSets as unknown as KubeObject[])]);
  const { app, streams } = createApp({
    hub,
    experiments: experimentReader(source, systemClock),
    writer: fake,
    policy: { readOnly: false, token: TOKEN },
    bindHost: '127.0.0.1',
    clock: systemClock,
    logger,
    unavailable: [],
    version: '0.1.0-test',
    ...overrides,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${overrides.rootPath ?? ''}/`,
    sources,
    fake,
    close: async () => {
      streams.closeAll();
      hub.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(Object.values(informers).map((i) => i.stop()));
    },
  };
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** Reads SSE blocks from a response until `until` says stop. */
async function readEvents(res: Response, until: (events: SseEvent[]) => boolean): Promise<SseEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    const taken = takeSseEvents(buffer + value);
    buffer = taken.rest;
    events.push(...taken.events);
  }
  await reader.cancel();
  return events;
}

describe('dashboard server', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.close();
  });

  test('lists rollouts from the informer caches, filtered by namespace', async () => {
    const all = await json<{ items: RolloutSummary[] }>(await fetch(new URL('api/v1/rollouts', h.url)));
    assert.deepEqual(all.items.map((r) => [r.namespace, r.name, r.step, r.setWeight]), [['demo', 'canary-demo', '3/5', '50']]);
    const none = await json<{ items: RolloutSummary[] }>(await fetch(new URL('api/v1/rollouts?namespace=elsewhere', h.url)));
    assert.deepEqual(none.items, []);
    const settings = await json<Settings>(await fetch(new URL('api/v1/settings', h.url)));
    assert.deepEqual(settings, { readOnly: false, namespaces: ['demo'], unavailable: [], version: '0.1.0-test' });
  });

  test('one rollout: the CLI view model with pods attached, steps, history and revisions', async () => {
    const detail = await json<RolloutDetail>(await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo', h.url)));
    assert.equal(detail.info.name, 'canary-demo');
    assert.equal(detail.info.replicaSets.length, 2);
    assert.ok(detail.info.replicaSets.some((rs) => rs.pods.length > 0), 'pods reach their ReplicaSets through the owner index');
    assert.equal(detail.steps.find((s) => s.state === 'current')?.index, 3);
    // Revision 1's and revision 2's ReplicaSets start the rebuilt past; the live point is now.
    assert.deepEqual(detail.history.map((p) => [p.setWeight, p.actualWeight]), [[100, 100], [20, 0], [50, 50]]);
    assert.deepEqual(detail.revisions.map((r) => r.revision), [2, 1]);
  });

  test('a watch event reaches the detail stream and the list stream, debounced into one update', async () => {
    const detailStream = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/stream', h.url));
    assert.equal(detailStream.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(detailStream.headers.get('cache-control'), 'no-cache, no-transform');
    const listStream = await fetch(new URL('api/v1/rollouts/stream?namespace=demo', h.url));
    const { rollout } = loadFixture('canary-mid-step.yaml');
    const next = structuredClone(rollout);
    next.status = { ...next.status, currentStepIndex: 4, pauseConditions: [] };
    setTimeout(() => {
      h.sources.rollouts.push('MODIFIED', next as unknown as KubeObject);
      // A ReplicaSet change in the same instant joins the same update.
      h.sources.replicasets.push('MODIFIED', loadFixture('canary-mid-step.yaml').replicaSets[0] as unknown as KubeObject);
    }, 50);
    const details = await readEvents(detailStream, (events) => events.some((e) => (e.data as RolloutDetail).info?.currentStepIndex === 4));
    assert.equal(details[0]?.event, 'detail');
    const updated = details.at(-1)!.data as RolloutDetail;
    assert.equal(updated.steps[4]?.state, 'current');
    assert.equal(updated.pause, undefined);
    assert.deepEqual(updated.history.map((p) => p.stepIndex).slice(-2), [3, 4]);
    assert.equal(details.filter((e) => (e.data as RolloutDetail).info.currentStepIndex === 4).length, 1, 'one update for the burst');

    const list = await readEvents(listStream, (events) => events.some((e) => e.event === 'rollout'));
    assert.equal(list[0]?.event, 'snapshot');
    assert.equal((list.at(-1)!.data as RolloutSummary).step, '4/5');
  });

  test('a deleted rollout is announced on both streams and its page is gone', async () => {
    const detailStream = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/stream', h.url));
    const { rollout } = loadFixture('canary-mid-step.yaml');
    setTimeout(() => h.sources.rollouts.push('DELETED', rollout as unknown as KubeObject), 50);
    const events = await readEvents(detailStream, (e) => e.some((x) => x.event === 'deleted'));
    assert.deepEqual(events.at(-1), { event: 'deleted', data: { namespace: 'demo', name: 'canary-demo' } });
    const gone = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo', h.url));
    assert.equal(gone.status, 404);
    assert.match((await json<ErrorBody>(gone)).error.hint ?? '', /deleted/);
  });

  test('promote sends the CLI\'s status patch through the write port', async () => {
    const res = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/promote', h.url), { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { action: 'promote', namespace: 'demo', name: 'canary-demo', message: "rollout 'canary-demo' promoted" });
    assert.deepEqual(
      h.fake.patches().map((p) => [p.plural, p.opts?.subresource, p.body]),
      [['rollouts', 'status', { status: { pauseConditions: null } }]],
    );
  });

  test('promote-full, pause, restart and undo each send their CLI patch', async () => {
    const post = (action: string, body?: unknown) =>
      fetch(new URL(`api/v1/namespaces/demo/rollouts/canary-demo/${action}`, h.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    assert.equal((await post('promote-full', {})).status, 200);
    assert.equal((await post('pause')).status, 200);
    const before = Date.now();
    assert.equal((await post('restart')).status, 200);
    const undo = await post('undo', { toRevision: 1 });
    assert.equal(undo.status, 200, JSON.stringify(await undo.clone().json()));
    const patches = h.fake.patches();
    assert.deepEqual(patches[0]?.body, { status: { promoteFull: true } });
    assert.deepEqual(patches[1]?.body, { spec: { paused: true } });
    const restartAt = Date.parse((patches[2]?.body as { spec: { restartAt: string } }).spec.restartAt);
    assert.ok(Math.abs(restartAt - before) < 2000, 'restartAt is now');
    assert.equal(patches[3]?.opts?.type, 'json');
    assert.equal((patches[3]?.body as { path: string }[])[0]?.path, '/spec/template');
  });

  test('set-image sends what kubectl ramp set image sends; a bad container or image is a 400 and an unknown container a 409', async () => {
    const post = (body: unknown) =>
      fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/set-image', h.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ container: 'canary-demo', image: 'argoproj/rollouts-demo:green' });
    assert.equal(ok.status, 200, JSON.stringify(await ok.clone().json()));
    assert.equal((await json<{ message: string }>(ok)).message, 'rollout "canary-demo" image updated');
    const replaced = h.fake.calls.filter((c) => c.verb === 'replace');
    assert.equal(replaced.length, 1);
    const template = (replaced[0]?.body as { spec: { template: { spec: { containers: { name: string; image: string }[] } } } }).spec.template;
    assert.deepEqual(template.spec.containers.map((c) => [c.name, c.image]), [['canary-demo', 'argoproj/rollouts-demo:green']]);

    const spaced = await post({ container: 'canary-demo', image: 'a b' });
    assert.equal(spaced.status, 400);
    assert.match((await json<ErrorBody>(spaced)).error.message, /image: an image reference has no spaces/);
    assert.equal((await post({ container: 'Bad_Name', image: 'x:1' })).status, 400);
    assert.equal((await post({ image: 'x:1' })).status, 400);
    const unknown = await post({ container: 'sidecar', image: 'x:1' });
    assert.equal(unknown.status, 409);
    assert.match((await json<ErrorBody>(unknown)).error.message, /unable to find container named "sidecar"/);
  });

  test('a refusal of the CLI is a 409 with its reason', async () => {
    const res = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/resume', h.url), { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 409);
    const body = await json<ErrorBody>(res);
    assert.match(body.error.message, /not paused by hand; it waits on CanaryPauseStep/);
    assert.deepEqual(h.fake.patches(), []);
  });

  test('writes: 401 without the token before the body is read, then 400 for malformed JSON and 413 for an oversized body', async () => {
    const url = new URL('api/v1/namespaces/demo/rollouts/canary-demo/undo', h.url);
    const noToken = await fetch(url, { method: 'POST', body: '{not json' });
    assert.equal(noToken.status, 401, 'the token is checked before the body');
    assert.equal(noToken.headers.get('www-authenticate'), 'Bearer realm="ramp-dashboard"');
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const malformed = await fetch(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{not json' });
    assert.equal(malformed.status, 400);
    assert.match((await json<ErrorBody>(malformed)).error.message, /malformed JSON/);
    const notAnObject = await fetch(url, { method: 'POST', headers: auth, body: '"promote"' });
    assert.equal(notAnObject.status, 400);
    const oversized = await fetch(url, { method: 'POST', headers: auth, body: JSON.stringify({ toRevision: 1, pad: 'x'.repeat(20_000) }) });
    assert.equal(oversized.status, 413);
    const wrongType = await fetch(url, { method: 'POST', headers: auth, body: '{"toRevision": "one"}' });
    assert.equal(wrongType.status, 400);
    assert.match((await json<ErrorBody>(wrongType)).error.message, /toRevision/);
    assert.deepEqual(h.fake.patches(), []);
  });

  test('bad paths, methods and unknown routes answer JSON errors', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['GET', 'api/v1/namespaces/Demo/rollouts/canary-demo', 400, /namespace/],
      ['GET', `api/v1/namespaces/demo/rollouts/${'a'.repeat(254)}`, 400, /at most 253/],
      ['GET', 'api/v1/rollouts?namespace=Not_Valid', 400, /namespace/],
      ['GET', 'api/v1/namespaces/demo/rollouts/canary-demo/promote', 405, /POST/],
      ['POST', 'api/v1/namespaces/demo/rollouts/canary-demo/launch', 400, /unknown action/],
      ['GET', 'api/v1/nothing', 404, /no such API endpoint/],
      ['GET', 'api/v2/rollouts', 404, /no such API endpoint: GET \/api\/v2\/rollouts/],
    ];
    for (const [method, path, status, message] of cases) {
      const res = await fetch(new URL(path, h.url), { method, headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, status, `${method} ${path}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = await json<ErrorBody>(res);
      assert.match(body.error.message, message, `${method} ${path}`);
      assert.doesNotMatch(JSON.stringify(body), /\.ts:\d+/, 'no stack trace');
    }
  });

  test('answers only to loopback Host names and sends security headers', async () => {
    const ok = await fetch(new URL('api/v1/settings', h.url));
    assert.equal(ok.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(ok.headers.get('x-frame-options'), 'DENY');
    assert.match(ok.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(ok.headers.get('x-powered-by'), null);
    assert.equal(ok.headers.get('access-control-allow-origin'), null, 'no CORS: other origins cannot read or write');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('api/v1/settings', h.url), { headers: { Host: 'rebound.example:3100' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 421);
  });
});

describe('dashboard server options', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const fn of cleanups.splice(0)) await fn();
  });

  test('namespace-scoped: other namespaces are refused with 403', async () => {
    const h = await harness({ namespace: 'demo' });
    cleanups.push(() => h.close());
    assert.equal((await fetch(new URL('api/v1/rollouts?namespace=kube-system', h.url))).status, 403);
    assert.equal((await fetch(new URL('api/v1/namespaces/kube-system/rollouts/x', h.url))).status, 403);
    const res = await fetch(new URL('api/v1/namespaces/kube-system/rollouts/x/promote', h.url), { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 403);
    assert.match((await json<ErrorBody>(res)).error.message, /watches namespace "demo" only/);
    const settings = await json<Settings>(await fetch(new URL('api/v1/settings', h.url)));
    assert.deepEqual([settings.namespace, settings.namespaces], ['demo', ['demo']]);
  });

  test('read-only refuses every action with 403 and sends nothing', async () => {
    const h = await harness({ policy: { readOnly: true } });
    cleanups.push(() => h.close());
    for (const action of ['promote', 'abort', 'undo']) {
      const res = await fetch(new URL(`api/v1/namespaces/demo/rollouts/canary-demo/${action}`, h.url), { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(res.status, 403, action);
    }
    assert.deepEqual(h.fake.patches(), []);
  });

  test('open streams are capped', async () => {
    const h = await harness({ maxStreams: 1 });
    cleanups.push(() => h.close());
    const first = await fetch(new URL('api/v1/rollouts/stream', h.url));
    assert.equal(first.status, 200);
    const second = await fetch(new URL('api/v1/rollouts/stream', h.url));
    assert.equal(second.status, 503);
    await first.body?.cancel();
  });

  test('serves the web app with a fallback to index.html and immutable assets', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ramp-dashboard-web-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Ramp</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const h = await harness({ webRoot: root });
    cleanups.push(() => h.close());
    const index = await fetch(h.url);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(await index.text(), /<title>Ramp<\/title>/);
    const deep = await fetch(new URL('rollouts/demo/canary-demo', h.url));
    assert.match(await deep.text(), /<title>Ramp<\/title>/);
    const asset = await fetch(new URL('assets/index-abc.js', h.url));
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
  });

  test('--root-path: the page, assets, API, streams and actions under the prefix, nothing outside it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ramp-dashboard-web-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Ramp</title><script type="module" src="./assets/index-abc.js"></script>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    const h = await harness({ webRoot: root, rootPath: '/tools/rollouts' });
    cleanups.push(() => h.close());
    assert.match(h.url, /\/tools\/rollouts\/$/);
    const origin = new URL(h.url).origin;

    assert.match(await (await fetch(h.url)).text(), /<title>Ramp<\/title>/);
    const bare = await fetch(`${origin}/tools/rollouts?x=1`, { redirect: 'manual' });
    assert.equal(bare.status, 308, 'the prefix without its slash is sent to the page, whose relative URLs need it');
    assert.equal(bare.headers.get('location'), '/tools/rollouts/?x=1');
    assert.match((await fetch(new URL('assets/index-abc.js', h.url))).headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await json<{ version: string }>(await fetch(new URL('api/v1/settings', h.url)))).version, '0.1.0-test');
    const stream = await fetch(new URL('api/v1/rollouts/stream', h.url));
    assert.equal(stream.headers.get('content-type')?.split(';')[0], 'text/event-stream');
    const events = await readEvents(stream, (e) => e.length > 0);
    assert.ok(events.length > 0, 'the stream sends its first event');
    const promote = await fetch(new URL('api/v1/namespaces/demo/rollouts/canary-demo/promote', h.url), {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    assert.equal(promote.status, 200, await promote.clone().text());

    for (const path of ['/', '/api/v1/settings', '/assets/index-abc.js', '/tools/other/']) {
      const res = await fetch(`${origin}${path}`);
      assert.equal(res.status, 404, path);
      assert.match((await json<{ error: { hint?: string } }>(res)).error.hint ?? '', /open \/tools\/rollouts\/ for the dashboard/);
    }
  });

  test('--root-path must be a path', () => {
    assert.equal(normalizeRootPath('/'), '');
    assert.equal(normalizeRootPath('/tools/rollouts/'), '/tools/rollouts');
    for (const bad of ['tools', '/a/../b', '/a b', '/a?b']) assert.throws(() => normalizeRootPath(bad), /is not a root path/, bad);
  });
});

describe('dashboard server: namespaces and experiments', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(async () => {
    await h.close();
  });

  const experiment = (phase: string): KubeObject =>
    ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Experiment',
      metadata: { name: 'canary-demo-exp', namespace: 'demo', uid: 'exp-1', ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'canary-demo', uid: 'x', controller: true }] },
      spec: { templates: [{ name: 'baseline', selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image: 'a:1' }] } } }] },
      status: { phase, templateStatuses: [{ name: 'baseline', replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, status: 'Running' }] },
    }) as unknown as KubeObject;

  test('settings list every namespace the kubeconfig may list, with those holding rollouts', async () => {
    h.sources.namespaces.push('ADDED', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'empty' } } as KubeObject);
    let settings: Settings | undefined;
    while (settings?.namespaces.length !== 2) settings = await json<Settings>(await fetch(new URL('api/v1/settings', h.url)));
    assert.deepEqual(settings.namespaces, ['demo', 'empty']);
  });

  test('experiments: list, page, 404 and a stream that follows changes', async () => {
    h.sources.experiments.push('ADDED', experiment('Running'));
    let list: { items: ExperimentSummary[] } = { items: [] };
    while (list.items.length === 0) list = await json(await fetch(new URL('api/v1/experiments?namespace=demo', h.url)));
    assert.deepEqual(list.items.map((e) => [e.name, e.phase, e.rollout, e.templateNames]), [['canary-demo-exp', 'Running', 'canary-demo', ['baseline']]]);
    assert.deepEqual((await json<{ items: ExperimentSummary[] }>(await fetch(new URL('api/v1/experiments?namespace=elsewhere', h.url)))).items, []);

    const detail = await json<ExperimentDetail>(await fetch(new URL('api/v1/namespaces/demo/experiments/canary-demo-exp', h.url)));
    assert.deepEqual(detail.templates.map((t) => [t.name, t.status, t.available]), [['baseline', 'Running', 1]]);
    const missing = await fetch(new URL('api/v1/namespaces/demo/experiments/nope', h.url));
    assert.equal(missing.status, 404);
    assert.match((await json<ErrorBody>(missing)).error.message, /experiment "nope" not found/);
    assert.equal((await fetch(new URL('api/v1/namespaces/demo/experiments/Bad_Name', h.url))).status, 400);

    const stream = await fetch(new URL('api/v1/namespaces/demo/experiments/canary-demo-exp/stream', h.url));
    const events = await readEvents(stream, (got) => {
      // Change it once the first snapshot arrived, so the update is seen on this stream.
      if (got.length === 1) h.sources.experiments.push('MODIFIED', experiment('Successful'));
      return got.some((e) => (e.data as ExperimentDetail).phase === 'Successful');
    });
    assert.deepEqual(events.map((e) => [e.event, (e.data as ExperimentDetail).phase]).slice(0, 1), [['experiment', 'Running']]);
    assert.equal(events.at(-1)?.event, 'experiment');
  });
});
