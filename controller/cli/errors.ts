import { RefusedError } from '../../client/actions/patches.ts';
import { KubeApiError, KubeConfigError, KubeRequestError, unreachableReason, type KubeConfigProblem } from '../kube/errors.ts';

/** Exit codes: 1 for any failure, 2 when `status` gave up waiting, 130 on Ctrl-C. */
export const EXIT_FAILURE = 1;
export const EXIT_TIMEOUT = 2;
export const EXIT_INTERRUPTED = 130;

/** A failure already worded for the user: one line, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** What a command was working on when a request failed, so the message can name it. */
export interface ErrorSubject {
  /** Lower-case kind as users type it: "rollout", "analysisrun", … */
  kind: string;
  name?: string;
  namespace?: string;
  /** The verb that failed, for forbidden messages: "get", "patch", … */
  verb?: string;
}

function plural(kind: string): string {
  return kind.endsWith('s') ? kind : `${kind}s`;
}

/** Turns any error into the one line the user sees. */
export function describeError(err: unknown, subject?: ErrorSubject): string {
  if (err instanceof CliError || err instanceof RefusedError) return err.message;
  if (err instanceof KubeConfigError) return describeKubeConfigError(err);
  if (err instanceof KubeRequestError) {
    return `${describeUnreachable(err)}; check that the cluster is running and that the kubeconfig's server address is right`;
  }
  if (err instanceof KubeApiError) return describeApiError(err, subject);
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.name;
  return String(err);
}

/** kubectl's wording: `cannot reach the API server at <server>: connection refused`. */
export function describeUnreachable(err: KubeRequestError): string {
  return `cannot reach the API server at ${err.server ?? 'the configured server'}: ${unreachableReason(err)}`;
}

/** Why a file could not be read, in a few words: "no such file", "permission denied", … */
export function describeReadError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}

function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
}

function describeKubeConfigProblem(problem: KubeConfigProblem, cause: unknown): string {
  const known = (names: string[]): string => names.join(', ') || '(none)';
  switch (problem.kind) {
    case 'unreadable':
      return `cannot read kubeconfig "${problem.path}": ${describeReadError(cause)}; pass --kubeconfig or set KUBECONFIG to a valid file`;
    case 'invalid':
      return `kubeconfig "${problem.path}" is not valid: ${firstLine(cause)}`;
    case 'none-found':
      return `no kubeconfig found at "${problem.path}"; pass --kubeconfig or set KUBECONFIG`;
    case 'unknown-context':
      return `context "${problem.context}" not found in kubeconfig "${problem.where}"; known contexts: ${known(problem.known)}`;
    case 'no-current-context':
      return `kubeconfig "${problem.where}" has no current context; pass --context NAME (known contexts: ${known(problem.known)})`;
    case 'unknown-cluster':
      return `context "${problem.context}" in kubeconfig "${problem.where}" names cluster "${problem.cluster}", which the kubeconfig does not define`;
  }
}

/** The kubeconfig's problem in the CLI's words, each naming the flag or file to fix. */
export function describeKubeConfigError(err: KubeConfigError): string {
  return err.problem !== undefined ? describeKubeConfigProblem(err.problem, err.cause) : err.message;
}

function describeApiError(err: KubeApiError, subject: ErrorSubject | undefined): string {
  const ns = subject?.namespace;
  const inNs = ns !== undefined ? ` in namespace "${ns}"` : '';
  switch (err.statusCode) {
    case 401:
      return 'the API server rejected the credentials (401 Unauthorized); refresh them in the kubeconfig or log in again';
    case 403: {
      const what = err.serverMessage || `forbidden to ${subject?.verb ?? 'access'} ${plural(subject?.kind ?? 'resource')}${inNs}`;
      return `${what}; ask a cluster administrator for a Role that allows it`;
    }
    case 404: {
      if (subject !== undefined && subject.name !== undefined && err.details.name !== undefined) {
        const hint = subject.kind === 'rollout' ? `; list them with: kubectl ramp list rollouts${ns !== undefined ? ` -n ${ns}` : ''}` : '';
        return `${subject.kind} "${subject.name}" not found${inNs}${hint}`;
      }
      if (err.details.name === undefined) {
        return `the cluster does not serve ${err.details.group ?? 'argoproj.io'} ${err.details.kind ?? plural(subject?.kind ?? 'resource')}; install the Rollout CRDs first (crds/ in the Ramp repository)`;
      }
      return err.serverMessage;
    }
    case 409:
      return `${err.serverMessage}; the object changed meanwhile, run the command again`;
    case 422:
      return `the API server rejected the object: ${err.serverMessage}`;
    default:
      return err.serverMessage ? `${err.serverMessage} (${err.statusCode}${err.reason ? ` ${err.reason}` : ''})` : `the API server answered ${err.statusCode}${err.reason ? ` ${err.reason}` : ''}`;
  }
}

export function exitCodeOf(err: unknown): number {
  return err instanceof CliError ? err.exitCode : EXIT_FAILURE;
}
