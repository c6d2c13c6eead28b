import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMethod, RequestContext, ResponseContext, wrapHttpLibrary, type HttpLibrary } from '@kubernetes/client-node';
import { requestPolicyHttpLibrary, RequestTimeoutError } from '../../../controller/kube/request-policy.ts';

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
