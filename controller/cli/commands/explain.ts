import type { Command } from 'commander';
import type { CliEnv } from '../context.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { explainRollout } from '../render/explain.ts';
import { connect, fetchRolloutObjects, guard } from './common.ts';

export function addExplainCommand(program: Command, env: CliEnv): void {
  program
    .command('explain')
    .argument('<name>', 'rollout name')
    .description('Say in plain words what a rollout waits for, what failed and what to do next')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const { client, namespace } = connect(env, cmd);
      const info = await guard({ kind: 'rollout', name, namespace, verb: 'get' }, async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name)));
      env.io.out(explainRollout(info, env.clock.now()));
    });
}
