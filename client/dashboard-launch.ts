/**
 * The contract between `kubectl ramp dashboard` and the dashboard server. The CLI and the
 * dashboard never import each other: the command asks for a `DashboardLauncher`, the dashboard
 * server provides one, and the plugin's entry point (bin/) hands it over.
 */

import type { ConnectionFlags } from '../controller/kube/connection-flags.ts';

/** What the command passes on from its flags and the global kubeconfig flags. */
export interface DashboardLaunch {
  port: number;
  host: string;
  readOnly: boolean;
  /** Serve everything under this path prefix ("/rollouts"). */
  rootPath?: string;
  token?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  /** kubectl's connection flags (--server, --token, --as, …), applied over the kubeconfig. */
  connection?: ConnectionFlags;
  env: Record<string, string | undefined>;
  /** Where start-up lines (the URL, a generated token) go. */
  say: (line: string) => void;
}

export interface LaunchedDashboard {
  close(): Promise<void>;
}

export type DashboardLauncher = (launch: DashboardLaunch) => Promise<LaunchedDashboard>;

/** The dashboard could not start: what failed and what to do, one line each. */
export class DashboardStartError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DashboardStartError';
  }
}
