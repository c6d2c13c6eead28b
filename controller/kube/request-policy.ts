import { wrapHttpLibrary, type HttpLibrary, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

/** kubectl's --request-timeout and -v request tracing, for one client. */
export interface RequestPolicy {
  /** Gives up on a request (not a watch) after this long; 0 or undefined: never. */
  requestTimeoutMs?: number | undefined;
  /** Called with one line per request, as kubectl's -v=6 prints: `GET <url> 200 OK in 5 milliseconds`. */
  trace?: ((line: string) => void) | undefined;
  /** Milliseconds since some origin (performance.now by default); tests pass a fake. */
  now?: () => number;
}

/** A request that outlived --request-timeout; the message is what the user reads. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
}

const isWatch = (url: string): boolean => /[?&]watch=(true|1)(&|$)/.test(url);

/** Wraps the transport with the policy; the transport itself when the policy asks for nothing. */
export function requestPolicyHttpLibrary(inner: HttpLibrary, policy: RequestPolicy): HttpLibrary {
  const { requestTimeoutMs, trace } = policy;
  if (!requestTimeoutMs && !trace) return inner;
  const now = policy.now ?? (() => performance.now());
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const method = request.getHttpMethod();
      const url = request.getUrl();
      const timed = requestTimeoutMs !== undefined && requestTimeoutMs > 0 && !isWatch(url);
      const timeout = new AbortController();
      const timer = timed ? setTimeout(() => timeout.abort(new RequestTimeoutError(`no answer within ${requestTimeoutMs} ms (--request-timeout)`)), requestTimeoutMs) : undefined;
      if (timed) {
        const own = request.getSignal();
        request.setSignal(own ? AbortSignal.any([own, timeout.signal]) : timeout.signal);
      }
      const started = now();
      try {
        const response = await inner.send(request).toPromise();
        trace?.(`${method} ${url} ${response.httpStatusCode} in ${Math.round(now() - started)} milliseconds`);
        return response;
      } catch (err) {
        trace?.(`${method} ${url} failed in ${Math.round(now() - started)} milliseconds: ${err instanceof Error ? err.message : String(err)}`);
        if (timeout.signal.aborted) throw timeout.signal.reason as RequestTimeoutError;
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  });
}
