import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMethod, RequestContext, ResponseContext, wrapHttpLibrary, type HttpLibrary } from '@kubernetes/client-node';
import { rateLimitedHttpLibrary, requestPolicyHttpLibrary, retryAfterMs, RequestTimeoutError } from '../../../controller/kube/request-policy.ts';
import { TokenBucket, type RequestLane } from '../../../controller/kube/token-bucket.ts';
import { clientSetBuckets } from '../../../controller/kube/client-sets.ts';
import { FakeClock, flush } from './fake-clock.ts';

const oneBucket = (bucket: TokenBucket) => (): TokenBucket => bucket;

const ok: HttpLibrary = wrapHttpLibrary({
  async send() {
    return new ResponseContext(200, {}, { text: async () => '{}', binary: async () => Buffer.from('{}') });
  },
});

/** A server that never answers: the request ends only when its signal aborts. */
const silent: HttpLibrary = wrapHttpLibrary({
  send(request) {
    return new Promise((_resolve, reject) => {
      const signal = request.getSignal();
      signal?.addEventListener('abort', () => reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })));
    });
  },
});

describe('request policy: --request-timeout and -v tracing', () => {
  it('traces each request as kubectl -v=6 does, with the time it took', async () => {
    const lines: string[] = [];
    let t = 100;
    const http = requestPolicyHttpLibrary(ok, { trace: (l) => lines.push(l), now: () => (t += 7) });
    await http.send(new RequestContext('https://k8s/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/x', HttpMethod.GET)).toPromise();
    assert.deepEqual(lines, ['GET https://k8s/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/x 200 in 7 milliseconds']);
  });

  it('gives up on a request that outlives the timeout, saying which flag set it', async () => {
    const http = requestPolicyHttpLibrary(silent, { requestTimeoutMs: 20 });
    await assert.rejects(http.send(new RequestContext('https://k8s/api/v1/pods', HttpMethod.GET)).toPromise(), (err: unknown) =>
      err instanceof RequestTimeoutError && err.message === 'no answer within 20 ms (--request-timeout)');
  });

  it('leaves watches and the caller\'s own cancellation alone', async () => {
    const http = requestPolicyHttpLibrary(silent, { requestTimeoutMs: 20 });
    const watch = new RequestContext('https://k8s/api/v1/pods?watch=true', HttpMethod.GET);
    const own = new AbortController();
    watch.setSignal(own.signal);
    const pending = http.send(watch).toPromise();
    let settled = false;
    pending.catch(() => undefined).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(settled, false, 'a watch outlives --request-timeout');
    own.abort();
    await assert.rejects(pending, (err: unknown) => !(err instanceof RequestTimeoutError));
  });

  it('is the transport itself when no policy is asked for', () => {
    assert.equal(requestPolicyHttpLibrary(ok, {}), ok);
    assert.equal(requestPolicyHttpLibrary(ok, { requestTimeoutMs: 0 }), ok);
  });
});

/** An apiserver answering the given statuses in turn (with their headers), then 200. */
function answering(answers: Array<[number, Record<string, string>]>): { http: HttpLibrary; sent: () => number } {
  let sent = 0;
  const http = wrapHttpLibrary({
    async send() {
      const [code, headers] = answers[sent++] ?? [200, {}];
      return new ResponseContext(code, headers, { text: async () => '{}', binary: async () => Buffer.from('{}') });
    },
  });
  return { http, sent: () => sent };
}

describe('request policy: client-side rate limit and Retry-After', () => {
  const get = (): RequestContext => new RequestContext('https://k8s/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/x', HttpMethod.GET);

  it('a 429 is retried after the seconds its Retry-After asks for, and counted', async () => {
    const clock = new FakeClock();
    const server = answering([[429, { 'retry-after': '3' }], [429, { 'retry-after': '1' }]]);
    const retried: Array<[number, number]> = [];
    const http = rateLimitedHttpLibrary(server.http, {
      bucketFor: oneBucket(new TokenBucket(100, 100, clock)), clock, lane: () => 'background',
      retryingAfter: (code, ms) => retried.push([code, ms]),
    });
    let status: number | undefined;
    void http.send(get()).toPromise().then((r) => (status = r.httpStatusCode));
    await flush();
    assert.equal(server.sent(), 1);
    await clock.advance(2_999);
    assert.equal(server.sent(), 1, 'not before the 3 s asked for');
    await clock.advance(1);
    assert.equal(server.sent(), 2);
    await clock.advance(1_000);
    assert.equal(status, 200);
    assert.deepEqual(retried, [[429, 3_000], [429, 1_000]]);
  });

  it('a 5xx without Retry-After is returned as it came (the pass fails and is retried by the queue)', async () => {
    const clock = new FakeClock();
    const server = answering([[503, {}]]);
    const http = rateLimitedHttpLibrary(server.http, { bucketFor: oneBucket(new TokenBucket(100, 100, clock)), clock, lane: () => 'background' });
    assert.equal((await http.send(get()).toPromise()).httpStatusCode, 503);
    assert.equal(server.sent(), 1);
  });

  it('gives up after ten retries and returns the last answer', async () => {
    const clock = new FakeClock();
    const server = answering(Array.from({ length: 20 }, () => [429, { 'retry-after': '1' }] as [number, Record<string, string>]));
    const http = rateLimitedHttpLibrary(server.http, { bucketFor: oneBucket(new TokenBucket(100, 100, clock)), clock, lane: () => 'background' });
    let status: number | undefined;
    void http.send(get()).toPromise().then((r) => (status = r.httpStatusCode));
    await clock.advance(20_000);
    assert.equal(status, 429);
    assert.equal(server.sent(), 11);
  });

  it('sends a command pass\'s request before background requests waiting for tokens', async () => {
    const clock = new FakeClock();
    const server = answering([]);
    let lane: RequestLane = 'background';
    const waits: string[] = [];
    const http = rateLimitedHttpLibrary(server.http, { bucketFor: oneBucket(new TokenBucket(10, 1, clock)), clock, lane: () => lane, waited: (l, s) => waits.push(`${l} ${s}`) });
    const order: string[] = [];
    for (let i = 0; i < 3; i++) void http.send(get()).toPromise().then(() => order.push(`b${i}`));
    lane = 'command';
    void http.send(get()).toPromise().then(() => order.push('command'));
    await clock.advance(1_000);
    assert.deepEqual(order, ['b0', 'command', 'b1', 'b2']);
    assert.deepEqual(waits, ['background 0', 'command 0.1', 'background 0.2', 'background 0.3']);
  });

  it('gives each client set its own --qps, as Argo Rollouts does: a Rollout write never waits behind ReplicaSet writes', async () => {
    const clock = new FakeClock();
    const server = answering([]);
    const http = rateLimitedHttpLibrary(server.http, { bucketFor: clientSetBuckets(1, 1, clock), clock, lane: () => 'background' });
    const order: string[] = [];
    const send = (label: string, path: string): void => {
      void http.send(new RequestContext(`https://k8s${path}`, HttpMethod.POST)).toPromise().then(() => order.push(label));
    };
    send('rs0', '/apis/apps/v1/namespaces/a/replicasets');
    send('rs1', '/apis/apps/v1/namespaces/a/replicasets');
    send('event', '/api/v1/namespaces/a/events');
    send('rollout', '/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/x/status');
    send('virtualservice', '/apis/networking.istio.io/v1beta1/namespaces/a/virtualservices/x');
    await flush();
    assert.deepEqual(order, ['rs0', 'rollout', 'virtualservice']);
    await clock.advance(2_000);
    assert.deepEqual(order, ['rs0', 'rollout', 'virtualservice', 'rs1', 'event']);
  });

  it('reads Retry-After as seconds or an HTTP date, and only on 429 or 5xx', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(429, '2', now), 2_000);
    assert.equal(retryAfterMs(429, 'Thu, 01 Jan 2026 00:00:05 GMT', now), 5_000);
    assert.equal(retryAfterMs(429, undefined, now), 1_000);
    assert.equal(retryAfterMs(503, '1', now), 1_000);
    assert.equal(retryAfterMs(503, undefined, now), undefined);
    assert.equal(retryAfterMs(409, '1', now), undefined);
    assert.equal(retryAfterMs(429, '86400', now), 60_000);
  });
});
