import { wrapHttpLibrary, type HttpLibrary, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import type { AgentPool } from './agents.ts';
import { requestLabels } from './request-labels.ts';

/** Called once per apiserver response; feeds controller_clientset_k8s_request_total. */
export type RequestObserver = (labels: { verb: string; kind: string; statusCode: number }) => void;

/**
 * Wraps client-node's fetch library: every typed-client and raw request is counted, and sent over
 * a pooled keep-alive agent when a pool is given.
 */
export function countingHttpLibrary(inner: HttpLibrary, observe: RequestObserver | undefined, agents?: AgentPool): HttpLibrary {
  if (!observe && !agents) return inner;
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      agents?.reuse(request);
      const response = await inner.send(request).toPromise();
      if (observe) {
        const { verb, kind } = requestLabels(request.getHttpMethod(), request.getUrl());
        observe({ verb, kind, statusCode: response.httpStatusCode });
      }
      return response;
    },
  });
}
