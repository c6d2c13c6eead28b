import { wrapHttpLibrary, type HttpLibrary, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import { sleep, type Clock } from './clock.ts';
import type { RequestLane, TokenBucket } from './token-bucket.ts';

/**
 * The transport wrappers of the one client: kubectl's --request-timeout and -v request tracing,
 * and the controller's client-side rate limit (--qps, --burst) with Retry-After honoured.
 */

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

/** client-go retries a request answered with Retry-After at most this many times. */
const MAX_RETRY_AFTER = 10;
/** A Retry-After beyond this is read as this: a request should not hang for an hour on one header. */
const MAX_RETRY_AFTER_MS = 60_000;

/** The wait a 429 (or a 5xx carrying Retry-After) asks for, in ms; undefined when it asks for none. */
export function retryAfterMs(statusCode: number, header: string | undefined, nowMs: number): number | undefined {
  if (statusCode !== 429 && !(statusCode >= 500 && header !== undefined)) return undefined;
  if (header === undefined || header.trim() === '') return statusCode === 429 ? 1_000 : undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - nowMs;
  if (!Number.isFinite(ms)) return statusCode === 429 ? 1_000 : undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

export interface RateLimitPolicy {
  /** The bucket a request to this URL takes its tokens from (one per client set, as Argo Rollouts). */
  bucketFor(url: string): TokenBucket;
  clock: Clock;
  /** The lane of the request being sent: read from the async context of the pass that sends it. */
  lane(): RequestLane;
  /** How long a request waited for a token, per lane. */
  waited?(lane: RequestLane, seconds: number): void;
  /** A response asked the client to come back later (429, or a 5xx with Retry-After) and it will. */
  retryingAfter?(statusCode: number, ms: number): void;
}

/**
 * client-go's client-side throttle: each request (not a watch) takes a token from the bucket in
 * its lane, and a 429 or a 5xx with Retry-After is retried after the wait it asks for, up to ten
 * times; the last answer is returned as it came.
 */
export function rateLimitedHttpLibrary(inner: HttpLibrary, policy: RateLimitPolicy): HttpLibrary {
  const { clock } = policy;
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      const lane = policy.lane();
      const bucket = policy.bucketFor(request.getUrl());
      const signal = request.getSignal();
      for (let attempt = 0; ; attempt++) {
        const queued = clock.now();
        await bucket.take(lane, signal);
        policy.waited?.(lane, (clock.now() - queued) / 1000);
        const response = await inner.send(request).toPromise();
        const wait = retryAfterMs(response.httpStatusCode, response.headers['retry-after'], clock.now());
        if (wait === undefined || attempt >= MAX_RETRY_AFTER || signal?.aborted) return response;
        await response.body.text().catch(() => undefined);
        policy.retryingAfter?.(response.httpStatusCode, wait);
        await sleep(clock, wait, signal);
        if (signal?.aborted) throw signal.reason;
      }
    },
  });
}
