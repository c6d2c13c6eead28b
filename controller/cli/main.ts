import { readFileSync } from 'node:fs';
import { systemClock } from '../kube/clock.ts';
import { KubeClient } from '../kube/client.ts';
import { loadConnection } from '../kube/connection-flags.ts';
import { connectionFlagsOf, requestPolicyOf } from './connection.ts';
import type { DashboardLauncher } from '../../client/dashboard-launch.ts';
import { packageVersion } from '../../client/package-version.ts';
import type { CliEnv } from './context.ts';
import { runCli } from './program.ts';

/**
 * Runs kubectl-ramp in this process: real stdout/stderr, Ctrl-C, the kubeconfig from disk. The
 * dashboard comes in from the entry point (bin/), so the CLI never imports the dashboard.
 */
export async function runKubectlRamp(ports: { serveDashboard: DashboardLauncher }): Promise<void> {
  // A closed pipe (`kubectl ramp get rollout x -w | head`) ends the command quietly, as kubectl does.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
    });
  }
  // Whatever escapes the commands still prints one line, never a stack.
  process.on('uncaughtException', (err) => {
    process.stderr.write(`error: ${err.message.split('\n')[0]}\n`);
    process.exit(1);
  });

  const interrupt = new AbortController();
  // The first Ctrl-C ends watches cleanly; a second one exits at once.
  process.on('SIGINT', () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });

  const env: CliEnv = {
    io: {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      isTTY: process.stdout.isTTY === true,
      ...(process.stdout.rows ? { rows: process.stdout.rows } : {}),
    },
    env: process.env,
    clock: systemClock,
    signal: interrupt.signal,
    readFile: (path) => readFileSync(path, 'utf8'),
    connect(opts) {
      const policy = requestPolicyOf(opts, (line) => process.stderr.write(line));
      const kc = loadConnection({
        ...(opts.kubeconfig !== undefined ? { path: opts.kubeconfig } : {}),
        ...(opts.context !== undefined ? { context: opts.context } : {}),
        env: process.env,
      }, connectionFlagsOf(opts));
      const client = new KubeClient(kc, policy);
      return { client, namespace: opts.namespace ?? client.contextNamespace };
    },
    version: packageVersion(),
    serveDashboard: ports.serveDashboard,
  };

  process.exitCode = await runCli(process.argv.slice(2), env);
}
