import type { Command, Option } from 'commander';

/**
 * Shell completion as cobra computes it for `kubectl argo rollouts __complete`, so kubectl's own
 * plugin completion (kubectl_complete-ramp) and the scripts of `kubectl ramp completion` share one
 * protocol: the words typed so far, the word being completed, candidates one per line, then
 * `:<directive>`.
 */

/** cobra's ShellCompDirective values that kubectl-ramp answers with. */
export const DIRECTIVE = { noSpace: 2, noFileComp: 4 } as const;

/** What a positional argument or option value names, so the cluster can be asked. */
export type Completable = 'rollout' | 'experiment' | 'namespace' | 'file' | 'none';

/** Where the cursor stands once the typed words are walked through the command tree. */
export interface CompletionSite {
  /** The innermost command the words reach. */
  command: Command;
  /** Candidates that need no cluster: subcommands, flags, fixed values. */
  words: string[];
  /** A name the cluster must supply; 'none' when the words above are all. */
  lookup: Completable;
  /** The flags typed so far by attribute name (`namespace`, `kubeconfig`, …): the connection to look names up with. */
  flags: Record<string, string | boolean>;
}

/** The positional arguments that name a rollout, by the argument's name in the command definition. */
const ROLLOUT_ARGUMENTS = new Set(['name', 'names', 'rollout']);
/** The positional arguments that name an experiment. */
const EXPERIMENT_ARGUMENTS = new Set(['experiment', 'experiments']);

const longAndShort = (option: Option): string[] => [option.long, option.short].filter((f): f is string => f !== undefined);

function findOption(commands: readonly Command[], flag: string): Option | undefined {
  for (const command of commands) {
    const found = command.options.find((o) => o.long === flag || o.short === flag);
    if (found) return found;
  }
  return undefined;
}

/** Flags whose value is a path: the shell completes files. */
const FILE_FLAGS = new Set(['--filename', '--kubeconfig', '--certificate-authority', '--client-certificate', '--client-key']);

/** The fixed choices of a flag whose help lists them, e.g. `-o json|yaml`. */
const OPTION_VALUES: Record<string, readonly string[]> = {
  '--output': ['json', 'yaml', 'wide'],
  '--loglevel': ['debug', 'info', 'warn', 'error'],
};

/**
 * Walks `typed` (the words after `kubectl ramp`, without the one being completed) through the
 * command tree rooted at `root`, then answers what may come at `current`.
 */
export function completionSite(root: Command, typed: readonly string[], current: string): CompletionSite {
  let command = root;
  const chain: Command[] = [root];
  let positional = 0;
  let pendingValue: Option | undefined;
  const flags: Record<string, string | boolean> = {};
  for (const word of typed) {
    if (pendingValue) {
      flags[pendingValue.attributeName()] = word;
      pendingValue = undefined;
      continue;
    }
    if (word.startsWith('-')) {
      const [flag, inline] = word.split('=', 2) as [string, string | undefined];
      const option = findOption(chain, flag);
      if (!option) continue;
      const takesValue = option.required || option.optional;
      if (takesValue && inline === undefined) pendingValue = option;
      else flags[option.attributeName()] = takesValue ? (inline ?? '') : true;
      continue;
    }
    const sub = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub && positional === 0) {
      command = sub;
      chain.unshift(sub);
      continue;
    }
    positional++;
  }
  const site = (words: string[], lookup: Completable): CompletionSite => ({ command, words, lookup, flags });

  if (pendingValue) {
    if (pendingValue.long === '--namespace') return site([], 'namespace');
    if (FILE_FLAGS.has(pendingValue.long ?? '')) return site([], 'file');
    return site([...(OPTION_VALUES[pendingValue.long ?? ''] ?? [])], 'none');
  }
  if (current.startsWith('-')) {
    const all = chain.flatMap((c) => c.options.filter((o) => !o.hidden).flatMap(longAndShort));
    return site([...new Set(all)].sort(), 'none');
  }
  const subcommands = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
  if (subcommands.length > 0 && positional === 0) return site(subcommands.sort(), 'none');
  const declared = command.registeredArguments;
  const last = declared.at(-1);
  // A variadic last argument (`abort <names...>`) takes every word from its position on.
  const argument = declared[positional] ?? (last?.variadic ? last : undefined);
  if (argument && ROLLOUT_ARGUMENTS.has(argument.name())) return site([], 'rollout');
  if (argument && EXPERIMENT_ARGUMENTS.has(argument.name())) return site([], 'experiment');
  return site([], 'none');
}

/** The protocol's answer: candidates starting with `current`, one per line, and the directive. */
export function renderCompletion(candidates: readonly string[], current: string, directive: number = DIRECTIVE.noFileComp): string {
  const matching = candidates.filter((c) => c.startsWith(current));
  return `${matching.map((c) => `${c}\n`).join('')}:${directive}\n`;
}
