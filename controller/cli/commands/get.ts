import { withStrategy } from '../../api/defaults.ts';
import type { Command } from 'commander';
import type { CliEnv } from '../context.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { ROLLOUTS } from '../../kube/resources.ts';
import { listHeader, listRow, listTimestamp, renderRolloutList, type ListOptions as ListTableOptions } from '../render/list.ts';
import { alignColumns } from '../render/table.ts';
import { CliError } from '../errors.ts';
import type { RolloutInfo } from '../../../client/info/types.ts';
import { renderRollout } from '../render/tree.ts';
import { FrameWriter, poll } from '../watch.ts';
import type { Rollout } from '../../api/index.ts';
import type { KubeVerbs } from '../../kube/client.ts';
import { connect, fetchRolloutObjects, guard, paintFor } from './common.ts';
import { MACHINE_FORMATS, OUTPUT_HELP, outputFormat, serialize } from '../render/output.ts';

interface GetOptions {
  watch?: boolean;
  output?: string;
  timeoutSeconds?: string;
}

export function addGetCommand(program: Command, env: CliEnv): void {
  const get = program.command('get').description('Get details about a rollout');
  get
    .command('rollout')
    .aliases(['ro', 'rollouts'])
    .argument('<name>', 'rollout name')
    .description('Show a rollout and the tree of its revisions, ReplicaSets, pods and AnalysisRuns')
    .option('-w, --watch', 'redraw on every change until interrupted')
    .option('--timeout-seconds <n>', 'stop watching after this many seconds')
    .option('-o, --output <format>', OUTPUT_HELP)
    .action(async (name: string, opts: GetOptions, cmd: Command) => {
      const format = outputFormat(opts.output, MACHINE_FORMATS);
      const { client, namespace } = connect(env, cmd);
      const subject = { kind: 'rollout', name, namespace, verb: 'get' };
      const paint = paintFor(env, cmd);
      const load = async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name));
      if (!opts.watch) {
        const info = await guard(subject, load);
        env.io.out(format !== undefined && format !== 'wide' ? serialize(info, format) : renderRollout(info, { now: env.clock.now(), paint }));
        return;
      }
      if (format !== undefined) throw new CliError(`--watch draws the tree; leave out -o ${format}, or use kubectl get rollout ${name} -w -o ${format}`);
      const timeout = opts.timeoutSeconds !== undefined ? Number(opts.timeoutSeconds) * 1000 : undefined;
      await watchRollout(env, cmd, client, namespace, name, timeout);
    });
}

/** `get rollout NAME --watch`: the tree redrawn as it changes, until Ctrl-C or `timeoutMs`. */
export async function watchRollout(env: CliEnv, cmd: Command, client: KubeVerbs, namespace: string, name: string, timeoutMs?: number): Promise<void> {
  const paint = paintFor(env, cmd);
  const frames = new FrameWriter(env.io);
  await guard({ kind: 'rollout', name, namespace, verb: 'get' }, () =>
    poll({
      fetch: async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name)),
      onValue: (info) => frames.draw(renderRollout(info, { now: env.clock.now(), paint })),
      clock: env.clock,
      signal: env.signal,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    }),
  );
}

interface ListOptions {
  allNamespaces?: boolean;
  output?: string;
  name?: string;
  watch?: boolean;
  timestamps?: boolean;
}

const rowKey = (info: RolloutInfo): string => `${info.namespace}/${info.name}`;

export function addListCommand(program: Command, env: CliEnv): void {
  const list = program.command('list').description('List rollouts');
  list
    .command('rollouts')
    .aliases(['ro', 'rollout'])
    .description('List the rollouts of a namespace with their status, step and weights')
    .option('-A, --all-namespaces', 'list rollouts in every namespace')
    .option('--name <name>', 'only the rollout with this name')
    .option('-o, --output <format>', 'wide (adds the status message), json or yaml')
    .option('-w, --watch', 'watch for changes: on a terminal the table changes in place; otherwise each changed row is printed, as Argo does')
    .option('--timestamps', 'a TIMESTAMP column: when each row last changed (UTC)')
    .action(async (opts: ListOptions, cmd: Command) => {
      const format = outputFormat(opts.output, ['json', 'yaml', 'wide']);
      const { client, namespace } = connect(env, cmd);
      const scope = opts.allNamespaces ? undefined : namespace;
      const subject = { kind: 'rollout', ...(scope !== undefined ? { namespace: scope } : {}), verb: 'list' };
      const fetch = async (): Promise<RolloutInfo[]> => {
        const rollouts = ((await client.listAll(ROLLOUTS, scope !== undefined ? { namespace: scope } : {})).items as unknown as Rollout[]).map(withStrategy);
        return rollouts
          .filter((ro) => opts.name === undefined || ro.metadata.name === opts.name)
          .map((rollout) => newRolloutInfo({ rollout }))
          .sort((a, b) => rowKey(a).localeCompare(rowKey(b)));
      };
      const table = { allNamespaces: opts.allNamespaces === true, wide: format === 'wide' };
      const none = scope === undefined ? 'No resources found.\n' : `No resources found in ${scope} namespace.\n`;
      if (!opts.watch) {
        const infos = await guard(subject, fetch);
        if (format === 'json' || format === 'yaml') {
          env.io.out(serialize(infos, format));
          return;
        }
        if (infos.length === 0) {
          env.io.err(none);
          return;
        }
        const now = listTimestamp(env.clock.now());
        env.io.out(renderRolloutList(infos, opts.timestamps ? { ...table, timestampOf: () => now } : table));
        return;
      }
      if (format === 'json' || format === 'yaml') throw new CliError(`--watch prints tables; leave out -o ${format}, or use kubectl get rollouts -w -o ${format}`);
      await guard(subject, () => watchList(env, fetch, table, opts.timestamps === true, none));
    });
}

/** The rows of `names` in namespace `namespace`, watched as `list rollouts -w` watches (create -f … -w). */
export function watchRollouts(env: CliEnv, client: KubeVerbs, namespace: string, names: readonly string[]): Promise<void> {
  const wanted = new Set(names);
  const fetch = async (): Promise<RolloutInfo[]> =>
    ((await client.listAll(ROLLOUTS, { namespace })).items as unknown as Rollout[])
      .map(withStrategy)
      .filter((ro) => wanted.has(ro.metadata.name ?? ''))
      .map((rollout) => newRolloutInfo({ rollout }))
      .sort((a, b) => rowKey(a).localeCompare(rowKey(b)));
  return guard({ kind: 'rollout', namespace, verb: 'list' }, () => watchList(env, fetch, { allNamespaces: false, wide: false }, false, `No resources found in ${namespace} namespace.\n`));
}

/**
 * `list rollouts -w`: on a terminal the whole table is redrawn in place each second it changes;
 * elsewhere (a pipe, a log) the header once, then each row that changed, as Argo's plugin prints.
 */
async function watchList(env: CliEnv, fetch: () => Promise<RolloutInfo[]>, table: Omit<ListTableOptions, 'timestampOf'>, timestamps: boolean, none: string): Promise<void> {
  const seen = new Map<string, { row: string; at: number }>();
  const options: ListTableOptions = timestamps ? { ...table, timestampOf: (info) => listTimestamp(seen.get(rowKey(info))?.at ?? env.clock.now()) } : table;
  const frames = new FrameWriter(env.io);
  let headerPrinted = false;
  await poll({
    fetch,
    clock: env.clock,
    signal: env.signal,
    onValue: (infos) => {
      const now = env.clock.now();
      const changed = infos.filter((info) => {
        const row = listRow(info, table);
        if (seen.get(rowKey(info))?.row === row) return false;
        seen.set(rowKey(info), { row, at: now });
        return true;
      });
      if (env.io.isTTY) {
        frames.draw(infos.length > 0 ? renderRolloutList(infos, options) : none);
        return;
      }
      const header = listHeader(options);
      if (!headerPrinted) env.io.out(`${alignColumns([header])[0]}\n`);
      headerPrinted = true;
      for (const info of changed) env.io.out(`${alignColumns([header, listRow(info, options)])[1]}\n`);
    },
  });
}
