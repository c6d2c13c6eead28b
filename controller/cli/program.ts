import { Command, CommanderError } from 'commander';
import type { CliEnv } from './context.ts';
import { describeError, exitCodeOf } from './errors.ts';
import { addGetCommand, addListCommand } from './commands/get.ts';
import { addAnalysisRunCommands } from './commands/analysisrun.ts';
import { addExperimentCommands } from './commands/experiment.ts';
import { addDashboardCommand } from './commands/dashboard.ts';
import { addExplainCommand } from './commands/explain.ts';
import { addFileCommands } from './commands/files.ts';
import { addNotificationCommands } from './commands/notifications.ts';
import { addStatusCommand } from './commands/status.ts';
import { addVersionCommand } from './commands/version.ts';
import { addWriteCommands } from './commands/writes.ts';
import { addCompletionCommand, COMPLETE_VERB, runComplete } from './commands/completion.ts';

const EXAMPLES = `
Examples:
  # Get a rollout and watch its progress
  kubectl ramp get rollout guestbook -w

  # Promote a paused rollout, or skip every remaining step
  kubectl ramp promote guestbook [--full]

  # Abort, then retry, an update
  kubectl ramp abort guestbook
  kubectl ramp retry rollout guestbook

  # Why is it stuck?
  kubectl ramp explain guestbook`;

/** The whole command tree, wired to `env`; main.ts gives it the real process. */
export function buildProgram(env: CliEnv): Command {
  const program = new Command('kubectl-ramp')
    .description('Manage Rollouts (argoproj.io/v1alpha1) with Ramp: a drop-in for kubectl argo rollouts')
    .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('-n, --namespace <namespace>', 'namespace (default: the context\'s namespace)')
    .option('--no-color', 'never colour the output')
    .option('-s, --server <url>', 'the address and port of the Kubernetes API server (kubectl\'s --server)')
    .option('--token <token>', 'bearer token for authentication to the API server')
    .option('--as <user>', 'user to impersonate for the operation')
    .option('--as-group <group>', 'group to impersonate for the operation (with --as)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--cluster <name>', 'the kubeconfig cluster to use')
    .option('--user <name>', 'the kubeconfig user to use')
    .option('--certificate-authority <path>', 'path to a cert file for the certificate authority')
    .option('--client-certificate <path>', 'path to a client certificate file for TLS')
    .option('--client-key <path>', 'path to a client key file for TLS')
    .option('--insecure-skip-tls-verify', 'do not check the server\'s certificate (insecure)')
    .option('--request-timeout <duration>', 'how long to wait for one server request (0: no timeout; a bare number is seconds)', '0')
    .option('-v, --v <level>', 'log level: 6 and above print each API request and its status on stderr')
    .option('--loglevel <level>', 'log level as Argo\'s plugin names it: debug prints each API request (as -v=6)')
    .addHelpText('after', EXAMPLES)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => env.io.out(s),
      writeErr: (s) => env.io.err(s),
    });
  addGetCommand(program, env);
  addListCommand(program, env);
  addStatusCommand(program, env);
  addExplainCommand(program, env);
  addWriteCommands(program, env);
  addFileCommands(program, env);
  addAnalysisRunCommands(program, env);
  addExperimentCommands(program, env);
  addNotificationCommands(program, env);
  addVersionCommand(program, env);
  addDashboardCommand(program, env);
  addCompletionCommand(program, env);
  for (const cmd of allCommands(program)) cmd.exitOverride().configureOutput({ writeOut: (s) => env.io.out(s), writeErr: (s) => env.io.err(s) });
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/** Runs one command line; returns the exit code. Errors print as one line, never a stack. */
export async function runCli(argv: readonly string[], env: CliEnv): Promise<number> {
  const program = buildProgram(env);
  if (argv[0] === COMPLETE_VERB) {
    await runComplete(program, env, argv.slice(1));
    return 0;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the usage error or the help text.
      return err.exitCode;
    }
    env.io.err(`error: ${describeError(err)}\n`);
    return exitCodeOf(err);
  }
}
