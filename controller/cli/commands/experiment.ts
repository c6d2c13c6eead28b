import type { Command } from 'commander';
import { retryExperiment, terminateExperiment } from '../../../client/actions/experiment-actions.ts';
import { newExperimentInfo } from '../../../client/info/experiment-info.ts';
import type { ExperimentInfo, PodLike, ReplicaSetLike } from '../../../client/info/types.ts';
import type { AnalysisRun, Experiment } from '../../api/index.ts';
import type { KubeVerbs } from '../../kube/client.ts';
import { ANALYSIS_RUNS, EXPERIMENTS, PODS, REPLICA_SETS } from '../../kube/resources.ts';
import type { CliEnv } from '../context.ts';
import { renderExperimentList } from '../render/experiment-list.ts';
import { renderExperiment } from '../render/tree.ts';
import { FrameWriter, poll } from '../watch.ts';
import { connect, guard, outputFormat, paintFor, serialize } from './common.ts';

/**
 * `get experiment`, `list experiments`, `retry experiment` and `terminate experiment`, as Argo's
 * kubectl plugin has them, added under the verbs the other command files create.
 */

function subcommand(program: Command, name: string): Command {
  const found = program.commands.find((c) => c.name() === name);
  if (found === undefined) throw new Error(`the ${name} command must be added before the experiment commands`);
  return found;
}

/** The Experiment with its ReplicaSets, pods and AnalysisRuns (picked by owner from the namespace's). */
export async function fetchExperimentInfo(client: KubeVerbs, namespace: string, name: string): Promise<ExperimentInfo> {
  const experiment = (await client.get(EXPERIMENTS, namespace, name)) as unknown as Experiment;
  const [replicaSets, pods, runs] = await Promise.all([
    client.listAll(REPLICA_SETS, { namespace }),
    client.listAll(PODS, { namespace }),
    client.listAll(ANALYSIS_RUNS, { namespace }),
  ]);
  return newExperimentInfo(experiment, replicaSets.items as unknown as ReplicaSetLike[], runs.items as unknown as AnalysisRun[], pods.items as unknown as PodLike[]);
}

/** The same write to each named experiment, one line each: Argo's terminate and retry. */
function eachExperiment(env: CliEnv, done: string, write: (client: KubeVerbs, namespace: string, name: string) => Promise<unknown>) {
  return async (names: string[], _opts: unknown, cmd: Command): Promise<void> => {
    const { client, namespace } = connect(env, cmd);
    for (const name of names) {
      await guard({ kind: 'experiment', name, namespace, verb: 'patch' }, () => write(client, namespace, name));
      env.io.out(`experiment '${name}' ${done}\n`);
    }
  };
}

export function addExperimentCommands(program: Command, env: CliEnv): void {
  subcommand(program, 'get')
    .command('experiment')
    .aliases(['exp', 'experiments'])
    .argument('<experiment>', 'experiment name')
    .description('Show an experiment and the tree of its ReplicaSets, pods and AnalysisRuns')
    .option('-w, --watch', 'redraw on every change until interrupted')
    .option('--timeout-seconds <n>', 'stop watching after this many seconds')
    .option('-o, --output <format>', 'json or yaml: print the view model instead of the tree')
    .action(async (name: string, opts: { watch?: boolean; timeoutSeconds?: string; output?: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ['json', 'yaml']);
      const { client, namespace } = connect(env, cmd);
      const subject = { kind: 'experiment', name, namespace, verb: 'get' };
      const paint = paintFor(env, cmd);
      const load = () => fetchExperimentInfo(client, namespace, name);
      if (!opts.watch) {
        const info = await guard(subject, load);
        env.io.out(format === 'json' || format === 'yaml' ? serialize(info, format) : renderExperiment(info, { now: env.clock.now(), paint }));
        return;
      }
      const frames = new FrameWriter(env.io);
      const timeoutMs = opts.timeoutSeconds !== undefined ? Number(opts.timeoutSeconds) * 1000 : undefined;
      await guard(subject, () =>
        poll({
          fetch: load,
          onValue: (info) => frames.draw(renderExperiment(info, { now: env.clock.now(), paint })),
          clock: env.clock,
          signal: env.signal,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        }),
      );
    });

  subcommand(program, 'list')
    .command('experiments')
    .aliases(['exp', 'experiment'])
    .description('List the experiments of a namespace with their status, duration and time remaining')
    .option('-A, --all-namespaces', 'list experiments in every namespace')
    .option('-o, --output <format>', 'json or yaml: print the view models instead of the table')
    .action(async (opts: { allNamespaces?: boolean; output?: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ['json', 'yaml']);
      const { client, namespace } = connect(env, cmd);
      const scope = opts.allNamespaces ? undefined : namespace;
      const infos = await guard({ kind: 'experiment', ...(scope !== undefined ? { namespace: scope } : {}), verb: 'list' }, async () => {
        const list = await client.listAll(EXPERIMENTS, scope !== undefined ? { namespace: scope } : {});
        const key = (ex: ExperimentInfo) => `${ex.namespace}/${ex.name}`;
        return (list.items as unknown as Experiment[]).map((ex) => newExperimentInfo(ex, [], [], [])).sort((a, b) => key(a).localeCompare(key(b)));
      });
      if (format === 'json' || format === 'yaml') {
        env.io.out(serialize(infos, format));
        return;
      }
      if (infos.length === 0) {
        env.io.err('No resources found.\n');
        return;
      }
      env.io.out(renderExperimentList(infos, { allNamespaces: opts.allNamespaces === true, now: env.clock.now() }));
    });

  subcommand(program, 'retry')
    .command('experiment')
    .aliases(['exp', 'experiments'])
    .argument('<experiments...>', 'experiment names')
    .description('Retry experiments (clears their status, so the controller runs them again)')
    .action(eachExperiment(env, 'retried', retryExperiment));

  subcommand(program, 'terminate')
    .command('experiment')
    .aliases(['exp', 'experiments'])
    .argument('<experiments...>', 'experiment names')
    .description('Terminate experiments (sets spec.terminate): their ReplicaSets scale down and their AnalysisRuns stop')
    .action(eachExperiment(env, 'terminated', terminateExperiment));
}
