import { withStrategy } from '../../api/defaults.ts';
import type { Command } from 'commander';
import type { CliEnv } from '../context.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { ROLLOUTS } from '../../kube/resources.ts';
import { renderRolloutList } from '../render/list.ts';
import { renderRollout } from '../render/tree.ts';
import { FrameWriter, poll } from '../watch.ts';
import type { Rollout } from '../../api/index.ts';
import { connect, fetchRolloutObjects, guard, outputFormat, paintFor, serialize } from './common.ts';

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
    .option('-o, --output <format>', 'json or yaml: print the view model instead of the tree')
    .action(async (name: string, opts: GetOptions, cmd: Command) => {
      const format = outputFormat(opts.output, ['json', 'yaml']);
      const { client, namespace } = connect(env, cmd);
      const subject = { kind: 'rollout', name, namespace, verb: 'get' };
      const paint = paintFor(env, cmd);
      const load = async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name));
      if (!opts.watch) {
        const info = await guard(subject, load);
        env.io.out(format !== undefined && format !== 'wide' ? serialize(info, format) : renderRollout(info, { now: env.clock.now(), paint }));
        return;
      }
      const frames = new FrameWriter(env.io);
      const timeout = opts.timeoutSeconds !== undefined ? Number(opts.timeoutSeconds) * 1000 : undefined;
      await guard(subject, () =>
        poll({
          fetch: load,
          onValue: (info) => frames.draw(renderRollout(info, { now: env.clock.now(), paint })),
          clock: env.clock,
          signal: env.signal,
          ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
        }),
      );
    });
}

interface ListOptions {
  allNamespaces?: boolean;
  output?: string;
  name?: string;
}

export function addListCommand(program: Command, env: CliEnv): void {
  const list = program.command('list').description('List rollouts');
  list
    .command('rollouts')
    .aliases(['ro', 'rollout'])
    .description('List the rollouts of a namespace with their status, step and weights')
    .option('-A, --all-namespaces', 'list rollouts in every namespace')
    .option('--name <name>', 'only the rollout with this name')
    .option('-o, --output <format>', 'wide (adds the status message), json or yaml')
    .action(async (opts: ListOptions, cmd: Command) => {
      const format = outputFormat(opts.output, ['json', 'yaml', 'wide']);
      const { client, namespace } = connect(env, cmd);
      const scope = opts.allNamespaces ? undefined : namespace;
      const subject = { kind: 'rollout', ...(scope !== undefined ? { namespace: scope } : {}), verb: 'list' };
      const rollouts = ((await guard(subject, async () => (await client.listAll(ROLLOUTS, scope !== undefined ? { namespace: scope } : {})).items)) as unknown as Rollout[]).map(withStrategy);
      const infos = rollouts
        .filter((ro) => opts.name === undefined || ro.metadata.name === opts.name)
        .map((rollout) => newRolloutInfo({ rollout }))
        .sort((a, b) => (a.namespace + '/' + a.name).localeCompare(b.namespace + '/' + b.name));
      if (format === 'json' || format === 'yaml') {
        env.io.out(serialize(infos, format));
        return;
      }
      if (infos.length === 0) {
        env.io.err(scope === undefined ? 'No resources found.\n' : `No resources found in ${scope} namespace.\n`);
        return;
      }
      env.io.out(renderRolloutList(infos, { allNamespaces: opts.allNamespaces === true, wide: format === 'wide' }));
    });
}
