import { ApiException } from '@kubernetes/client-node';

/**
 * Errors at the Kubernetes boundary: every failure is wrapped with what was attempted on which
 * object, keeps the original as `cause`, and can be turned into one line a user can act on.
 */

/** What a request was doing, for messages and metrics. */
export interface KubeTarget {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** metav1.Status as returned in error bodies. */
export interface StatusBody {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ field?: string; message?: string; reason?: string }> };
}

function describeTarget(t: KubeTarget): string {
  const type = t.group ? `${t.resource}.${t.group}` : t.resource;
  const object = t.name ? `${type} "${t.name}"` : type;
  return t.namespace ? `${object} in namespace "${t.namespace}"` : object;
}

function targetPrefix(t: KubeTarget): string {
  const obj = [t.namespace, t.name].filter(Boolean).join('/');
  const type = t.group ? `${t.resource}.${t.group}` : t.resource;
  return `kube: ${t.verb} ${type}${obj ? ` ${obj}` : ''}`;
}

/** The apiserver answered with an error status. */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly target: KubeTarget,
    readonly statusCode: number,
    readonly status: StatusBody | undefined,
    options?: { cause?: unknown },
  ) {
    const detail = status?.message ?? status?.reason ?? 'no details';
    super(`${targetPrefix(target)}: ${statusCode} ${status?.reason ?? ''}`.trimEnd() + `: ${detail}`, options);
  }

  /** metav1.Status reason: NotFound, Forbidden, Conflict, Invalid, AlreadyExists, …; "" when absent. */
  get reason(): string {
    return this.status?.reason ?? (this.statusCode === 401 ? 'Unauthorized' : '');
  }

  /** metav1.Status message as the apiserver wrote it; "" when absent. */
  get serverMessage(): string {
    return this.status?.message ?? '';
  }

  /** Which object the apiserver refers to; no name means the type itself (e.g. a CRD not installed). */
  get details(): { name?: string; group?: string; kind?: string } {
    return this.status?.details ?? {};
  }
}

/** No answer: connection refused, DNS, TLS, reset. */
export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  /** The apiserver's address, when the client knew it. */
  readonly server: string | undefined;
  constructor(
    readonly target: KubeTarget,
    options: { cause: unknown; server?: string },
  ) {
    super(`${targetPrefix(target)}: ${messageOf(options.cause)}`, { cause: options.cause });
    this.server = options.server;
  }
}

/**
 * What was wrong with a kubeconfig, as data, so each front end (the controller's log, the CLI's
 * one line, the dashboard) words it its own way.
 */
export type KubeConfigProblem =
  | { kind: 'unreadable'; path: string }
  | { kind: 'invalid'; path: string }
  | { kind: 'none-found'; path: string }
  | { kind: 'unknown-context'; where: string; context: string; known: string[] }
  | { kind: 'no-current-context'; where: string; known: string[] }
  | { kind: 'unknown-cluster'; where: string; context: string; cluster: string };

/** The kubeconfig could not be loaded or has no usable cluster. */
export class KubeConfigError extends Error {
  override readonly name = 'KubeConfigError';
  readonly problem: KubeConfigProblem | undefined;
  constructor(
    readonly source: string,
    readonly reason: string,
    options?: { cause?: unknown; problem?: KubeConfigProblem },
  ) {
    super(`kubeconfig ${source}: ${reason}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.problem = options?.problem;
  }
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function parseStatus(body: unknown): StatusBody | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (value && typeof value === 'object' && (value as { kind?: unknown }).kind === 'Status') return value as StatusBody;
  return undefined;
}

/** Wraps anything thrown by a client-node call or the raw request layer with the target it was aimed at. */
export function wrapKubeError(err: unknown, target: KubeTarget, server?: string): Error {
  if (err instanceof KubeApiError || err instanceof KubeRequestError || err instanceof KubeConfigError) return err;
  if (err instanceof ApiException) {
    return new KubeApiError(target, err.code, parseStatus(err.body), { cause: err });
  }
  return new KubeRequestError(target, server !== undefined ? { cause: err, server } : { cause: err });
}

function* causeChain(err: unknown): Generator<unknown> {
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

export function statusCodeOf(err: unknown): number | undefined {
  for (const e of causeChain(err)) {
    if (e instanceof KubeApiError) return e.statusCode;
    if (e instanceof ApiException) return e.code;
    const code = (e as { statusCode?: unknown } | null)?.statusCode;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

export const isNotFound = (err: unknown): boolean => statusCodeOf(err) === 404;
export const isConflict = (err: unknown): boolean => statusCodeOf(err) === 409;
/** 410 Gone: the resourceVersion is too old to watch from; relist. */
export const isGone = (err: unknown): boolean => statusCodeOf(err) === 410;

/** True when the failure came from the cluster (an error status or no answer), not from our own code. */
export function isKubeError(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (e instanceof KubeApiError || e instanceof KubeRequestError || e instanceof KubeConfigError || e instanceof ApiException) return true;
  }
  return false;
}

export function isAbort(err: unknown): boolean {
  for (const e of causeChain(err)) {
    if (e instanceof Error && (e.name === 'AbortError' || (e as { type?: unknown }).type === 'aborted')) return true;
  }
  return false;
}

function systemCodeOf(err: unknown): { code: string; message: string } | undefined {
  for (const e of causeChain(err)) {
    const code = (e as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return { code, message: messageOf(e) };
  }
  return undefined;
}

/** Why a request got no answer, in kubectl's words, from the system error code underneath. */
const UNREACHABLE_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed and not trusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not name this host',
};

/** "connection refused", "host not found", …; the underlying message for anything else. */
export function unreachableReason(err: KubeRequestError): string {
  const system = systemCodeOf(err.cause);
  if (system !== undefined && Object.hasOwn(UNREACHABLE_REASONS, system.code)) return UNREACHABLE_REASONS[system.code]!;
  return oneLine(messageOf(err.cause));
}

function serverOf(message: string): string | undefined {
  const match = /request to (\S+) failed/.exec(message);
  if (!match?.[1]) return undefined;
  try {
    return new URL(match[1]).origin;
  } catch {
    return undefined;
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function verbPhrase(verb: string): string {
  return verb === 'list' || verb === 'watch' ? 'list/watch' : verb;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ').trim();
}

function describeStatus(e: KubeApiError): string {
  const t = e.target;
  const what = describeTarget(t);
  const type = t.group ? `${t.resource}.${t.group}` : t.resource;
  const serverMessage = e.status?.message ? oneLine(e.status.message) : undefined;
  switch (e.statusCode) {
    case 401:
      return `unauthorized: the apiserver rejected the controller's credentials while trying to ${t.verb} ${type}: refresh the kubeconfig user's token or certificate (or the ServiceAccount token)`;
    case 403: {
      const scope = t.namespace ? ` in namespace "${t.namespace}"` : t.name ? '' : ' at cluster scope';
      const object = t.name ? `${type} "${t.name}"` : type;
      return `forbidden: cannot ${t.verb} ${object}${scope}: grant the controller's ServiceAccount ${verbPhrase(t.verb)} on ${t.resource}${t.group ? ` (apiGroup ${t.group})` : ''}`;
    }
    case 404:
      if (e.status?.reason === 'NotFound' && t.name) return `not found: ${what} does not exist`;
      if (t.group === 'argoproj.io') {
        return `not found: ${type} is not served by the apiserver: install the Argo Rollouts CRDs (kubectl apply -f crds/)`;
      }
      return `not found: ${t.name ? what : `${type} is not served by the apiserver`}${serverMessage ? ` (${serverMessage})` : ''}`;
    case 409:
      if (e.status?.reason === 'AlreadyExists') return `already exists: ${what}`;
      return `conflict: cannot ${t.verb} ${what}: it changed since it was read: retrying with the latest version`;
    case 410:
      return `expired: the resourceVersion for ${type} is too old: relisting`;
    case 422:
      return `invalid: ${serverMessage ?? `the apiserver rejected the ${t.verb} of ${what}`}`;
    case 429:
      return `throttled: the apiserver asked the controller to slow down while trying to ${t.verb} ${type}: retrying with backoff`;
    default:
      if (e.statusCode >= 500) {
        return `apiserver error ${e.statusCode} while trying to ${t.verb} ${what}${serverMessage ? `: ${serverMessage}` : ''}: the apiserver or etcd is unhealthy; retrying with backoff`;
      }
      return `${e.statusCode} ${e.status?.reason ?? 'error'} while trying to ${t.verb} ${what}${serverMessage ? `: ${serverMessage}` : ''}`;
  }
}

/** One line, no stack trace, saying what failed and what the user can do about it. */
export function describeKubeError(err: unknown): string {
  for (const e of causeChain(err)) {
    if (e instanceof KubeConfigError) {
      const cause = e.cause ? `: ${oneLine(messageOf(e.cause))}` : '';
      return `bad kubeconfig ${e.source}: ${e.reason}${cause}: fix --kubeconfig, KUBECONFIG or --context`;
    }
    if (e instanceof KubeApiError) return describeStatus(e);
  }
  const code = statusCodeOf(err);
  if (code !== undefined) {
    return describeStatus(new KubeApiError({ verb: 'call', group: '', resource: 'the Kubernetes API' }, code, undefined));
  }
  const system = systemCodeOf(err);
  if (system) {
    const server = serverOf(system.message) ?? 'the configured server';
    const action = err instanceof KubeRequestError ? ` (${err.target.verb} ${err.target.group ? `${err.target.resource}.${err.target.group}` : err.target.resource})` : '';
    switch (system.code) {
      case 'ECONNREFUSED':
        return `cannot reach the apiserver at ${server}${action}: connection refused: check the kubeconfig server address and that the apiserver is running`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `cannot resolve the apiserver host ${server}${action}: check the kubeconfig server address and DNS`;
      case 'ETIMEDOUT':
      case 'ECONNRESET':
      case 'EPIPE':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `lost the connection to the apiserver at ${server}${action} (${system.code}): retrying with backoff`;
      default:
        if (TLS_CODES.has(system.code)) {
          return `cannot verify the apiserver's TLS certificate at ${server}${action} (${system.code}): check certificate-authority in the kubeconfig`;
        }
    }
    return oneLine(system.message);
  }
  return oneLine(messageOf(err));
}
