import type { DashboardLauncher } from '../../client/dashboard-launch.ts';
import type { Clock } from '../kube/clock.ts';
import type { KubeVerbs } from '../kube/client.ts';

/** Where output goes, and what kind of terminal it is. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colour and in-place redraws are allowed. */
  isTTY: boolean;
  rows?: number;
}

/** The flags every command accepts, kubectl's names (`kubectl options`). */
export interface GlobalOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  color?: boolean;
  server?: string;
  token?: string;
  as?: string;
  asGroup?: string[];
  cluster?: string;
  user?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  /** kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration such as 30s. */
  requestTimeout?: string;
  /** kubectl's -v: 6 and above trace each request on stderr. */
  v?: string;
  /** Argo's plugin flag: debug traces requests as -v=6 does. */
  loglevel?: string;
}

export interface Connection {
  client: KubeVerbs;
  /** -n, else the kubeconfig context's namespace, else "default". */
  namespace: string;
}

/**
 * Everything a command needs from the outside world, injected so commands run in tests against
 * an in-memory API, a fake clock and captured output.
 */
export interface CliEnv {
  io: Io;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Aborted on Ctrl-C: watches stop and commands return. */
  signal: AbortSignal;
  readFile(path: string): string;
  /** Loads the kubeconfig and makes a client; throws KubeConfigError saying what is wrong. */
  connect(opts: GlobalOptions): Connection;
  version: string;
  /** Starts the web dashboard (`kubectl ramp dashboard`); provided by the dashboard server. */
  serveDashboard: DashboardLauncher;
}
