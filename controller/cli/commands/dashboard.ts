import type { Command } from 'commander';
import { DashboardStartError, type LaunchedDashboard } from '../../../client/dashboard-launch.ts';
import type { CliEnv, GlobalOptions } from '../context.ts';
import { CliError } from '../errors.ts';
import { connectionFlagsOf } from '../connection.ts';

interface DashboardFlags {
  port: string;
  address: string;
  authToken?: string;
  readOnly?: boolean;
  rootPath?: string;
}

function portOf(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`invalid --port "${value}": use a port number from 1 to 65535 (0 picks a free one)`);
  return port;
}

/**
 * `kubectl ramp dashboard`: serves the web dashboard until Ctrl-C. The server comes through
 * `env.serveDashboard`, which loads it (express, the informers, the web build) only when the
 * command runs, so other verbs start fast.
 */
export function addDashboardCommand(program: Command, env: CliEnv): void {
  program
    .command('dashboard')
    .description('Serve the rollouts dashboard on localhost: live status, steps, weights, analysis, and actions with a token')
    .option('-p, --port <port>', 'port to listen on', '3100')
    .option('--address <address>', 'address to bind; anything but loopback exposes the dashboard to the network', '127.0.0.1')
    .option('--auth-token <token>', `bearer token that actions need (--token is the apiserver's, as in kubectl) (default: $RAMP_DASHBOARD_TOKEN, else a new one printed at start)`)
    .option('--read-only', 'refuse every action; no token needed')
    .option('--root-path <path>', 'serve the dashboard, its API and its streams under this path (behind a proxy that forwards one path), e.g. /rollouts')
    .action(async (flags: DashboardFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions;
      let running: LaunchedDashboard;
      try {
        running = await env.serveDashboard({
          port: portOf(flags.port),
          host: flags.address,
          readOnly: flags.readOnly === true,
          ...(flags.rootPath !== undefined ? { rootPath: flags.rootPath } : {}),
          ...(flags.authToken !== undefined ? { token: flags.authToken } : {}),
          ...(globals.kubeconfig !== undefined ? { kubeconfig: globals.kubeconfig } : {}),
          ...(globals.context !== undefined ? { context: globals.context } : {}),
          ...(globals.namespace !== undefined ? { namespace: globals.namespace } : {}),
          connection: connectionFlagsOf(globals),
          env: env.env,
          say: (line) => env.io.err(`${line}\n`),
        });
      } catch (err) {
        if (err instanceof DashboardStartError) throw new CliError(`${err.message}; ${err.hint}`);
        throw err;
      }
      env.io.err('Press Ctrl-C to stop.\n');
      await new Promise<void>((resolve) => {
        if (env.signal.aborted) resolve();
        else env.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await running.close();
    });
}
