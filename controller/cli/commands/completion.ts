import type { Command } from 'commander';
import { EXPERIMENTS, NAMESPACES, ROLLOUTS, type KubeObject } from '../../kube/resources.ts';
import { completionSite, DIRECTIVE, renderCompletion } from '../completion/candidates.ts';
import { COMPLETION_SCRIPTS, SHELLS } from '../completion/scripts.ts';
import type { CliEnv, GlobalOptions } from '../context.ts';
import { CliError } from '../errors.ts';

/** The hidden verb the completion scripts and kubectl's plugin completion call. */
export const COMPLETE_VERB = '__complete';

/** How long a completion may wait for the cluster: a shell must not hang on Tab. */
const LOOKUP_TIMEOUT_MS = 3_000;

export function addCompletionCommand(program: Command, env: CliEnv): void {
  program
    .command('completion')
    .argument('<shell>', SHELLS.join(', '))
    .description('Print a shell completion script (e.g. source <(kubectl ramp completion bash)); completes commands, flags, rollout and experiment names')
    .action((shell: string) => {
      if (!(SHELLS as string[]).includes(shell)) throw new CliError(`unknown shell "${shell}": use one of ${SHELLS.join(', ')}`);
      env.io.out(COMPLETION_SCRIPTS[shell as keyof typeof COMPLETION_SCRIPTS]);
    });
}

/**
 * Answers `__complete <words…> <current>`: run before the command line is parsed, since the
 * words are a partial command line. Names come from the cluster the typed flags point at; a
 * failed lookup completes nothing rather than printing an error into the prompt.
 */
export async function runComplete(program: Command, env: CliEnv, args: readonly string[]): Promise<void> {
  const current = args.at(-1) ?? '';
  const site = completionSite(program, args.slice(0, -1), current);
  if (site.lookup === 'file') {
    env.io.out(renderCompletion([], current, 0));
    return;
  }
  let names: string[] = [];
  if (site.lookup === 'rollout' || site.lookup === 'experiment' || site.lookup === 'namespace') {
    try {
      const { client, namespace } = env.connect({ ...(site.flags as GlobalOptions), requestTimeout: `${LOOKUP_TIMEOUT_MS / 1000}s` });
      const list = site.lookup === 'namespace' ? await client.listAll<KubeObject>(NAMESPACES) : await client.listAll<KubeObject>(site.lookup === 'rollout' ? ROLLOUTS : EXPERIMENTS, { namespace });
      names = list.items.map((o) => o.metadata?.name).filter((n): n is string => n !== undefined).sort();
    } catch {
      names = [];
    }
  }
  env.io.out(renderCompletion([...site.words, ...names], current, DIRECTIVE.noFileComp));
}
