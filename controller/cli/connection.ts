import { parseDuration } from '../api/duration.ts';
import type { ConnectionFlags } from '../kube/connection-flags.ts';
import type { RequestPolicy } from '../kube/request-policy.ts';
import { durationFlag } from './commands/common.ts';
import type { GlobalOptions } from './context.ts';
import { CliError } from './errors.ts';

/** The kubectl connection flags among the global options. */
export function connectionFlagsOf(opts: GlobalOptions): ConnectionFlags {
  return {
    server: opts.server,
    token: opts.token,
    as: opts.as,
    asGroup: opts.asGroup,
    cluster: opts.cluster,
    user: opts.user,
    certificateAuthority: opts.certificateAuthority,
    clientCertificate: opts.clientCertificate,
    clientKey: opts.clientKey,
    insecureSkipTlsVerify: opts.insecureSkipTlsVerify,
  };
}

/** kubectl prints each request from -v=6; Argo's plugin calls that level debug. */
const TRACE_LEVEL = 6;
const LOG_LEVELS = ['debug', 'info', 'warn', 'warning', 'error'];

function verbosity(opts: GlobalOptions): number {
  let level = 0;
  if (opts.v !== undefined) {
    if (!/^\d+$/.test(opts.v)) throw new CliError(`invalid -v "${opts.v}": use a number such as 6 (each request) or 8 (more)`);
    level = Number(opts.v);
  }
  if (opts.loglevel !== undefined) {
    const name = opts.loglevel.toLowerCase();
    if (!LOG_LEVELS.includes(name)) throw new CliError(`invalid --loglevel "${opts.loglevel}": use one of ${LOG_LEVELS.join(', ')}`);
    if (name === 'debug') level = Math.max(level, TRACE_LEVEL);
  }
  return level;
}

/** --request-timeout and request tracing; `err` receives the trace lines. */
export function requestPolicyOf(opts: GlobalOptions, err: (line: string) => void): RequestPolicy {
  const timeout = opts.requestTimeout ?? '0';
  const requestTimeoutMs = durationFlag(timeout, '--request-timeout', parseDuration);
  if (requestTimeoutMs < 0) throw new CliError(`invalid --request-timeout "${timeout}": use 0 (no timeout) or a positive duration such as 30s`);
  return {
    requestTimeoutMs,
    ...(verbosity(opts) >= TRACE_LEVEL ? { trace: (line: string) => err(`${line}\n`) } : {}),
  };
}
