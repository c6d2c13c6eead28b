import { RefusedError } from '../../client/actions/patches.ts';
import { KubeApiError, KubeRequestError, unreachableReason } from '../../controller/kube/errors.ts';
import type { ErrorBody } from '../shared/api.ts';

/** A failure worded for the browser: an HTTP status, one sentence, and what to do about it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): ErrorBody {
    return errorBody(this.message, this.hint);
  }
}

export function errorBody(message: string, hint?: string): ErrorBody {
  return { error: hint === undefined ? { message } : { message, hint } };
}

/** What a write was doing, so its failure can name the rollout and the verb. */
export interface WriteSubject {
  action: string;
  namespace: string;
  name: string;
}

/**
 * Maps a write function's failure to an HTTP answer. The API server's own refusals keep their
 * status (404, 403, 409, 422); failures of the dashboard's connection to it are 502/503, since the
 * browser's request was fine. Anything unexpected is a 500 whose details stay in the log.
 */
export function httpErrorOf(err: unknown, subject: WriteSubject): HttpError {
  if (err instanceof HttpError) return err;
  const what = `rollout "${subject.name}" in namespace "${subject.namespace}"`;
  if (err instanceof RefusedError) {
    return new HttpError(409, err.message, `the rollout's state does not allow ${subject.action} now; its page shows what it waits on`);
  }
  if (err instanceof KubeRequestError) {
    return new HttpError(503, `cannot reach the API server at ${err.server ?? 'the configured server'}: ${unreachableReason(err)}`, 'check that the cluster is running and that the kubeconfig points at it, then try again');
  }
  if (err instanceof KubeApiError) {
    const server = err.serverMessage ? `: ${err.serverMessage}` : '';
    switch (err.statusCode) {
      case 404:
        if (err.details.name === undefined) {
          return new HttpError(404, `the cluster does not serve argoproj.io rollouts${server}`, 'install the Rollout CRDs first (crds/ in the Ramp repository)');
        }
        return new HttpError(404, `${what} not found`, 'it may have been deleted; pick a rollout from the list');
      case 403:
        return new HttpError(
          403,
          `the dashboard's kubeconfig may not ${subject.action} ${what}${server}`,
          'ask a cluster administrator for a Role that allows patch on rollouts and rollouts/status',
        );
      case 409:
        return new HttpError(409, `${what} changed while ${subject.action} was being applied${server}`, 'try again');
      case 422:
        return new HttpError(422, `the API server rejected the change to ${what}${server}`, 'check the rollout\'s spec with: kubectl ramp lint');
      case 401:
        return new HttpError(502, 'the API server rejected the dashboard\'s credentials (401 Unauthorized)', 'refresh the credentials in the kubeconfig and restart the dashboard');
      default:
        return new HttpError(502, `the API server answered ${err.statusCode}${err.reason ? ` ${err.reason}` : ''}${server}`, 'try again; if it persists, check the API server');
    }
  }
  return new HttpError(500, `internal error while running ${subject.action} on ${what}`, 'the dashboard\'s log has the details');
}
