import type { Command } from 'commander';
import type { CliEnv } from '../context.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { explainRollout, rolloutExplanation } from '../render/explain.ts';
import { machineFormat, MACHINE_FORMATS, OUTPUT_HELP, outputFormat, serialize } from '../render/output.ts';
import { connect, fetchRolloutObjects, guard } from './common.ts';

export function addExplainCommand(program: Command, env: CliEnv): void {
  program
    .command('explain')
    .argument('<name>', 'rollout name')
    .description('Say in plain words what a rollout waits for, what failed and what to do next')
    .option('-o, --output <format>', OUTPUT_HELP)
    .action(async (name: string, opts: { output?: string }, cmd: Command) => {
      const format = machineFormat(outputFormat(opts.output, MACHINE_FORMATS));
      const { client, namespace } = connect(env, cmd);
      const info = await guard({ kind: 'rollout', name, namespace, verb: 'get' }, async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name)));
      const now = env.clock.now();
      env.io.out(format !== undefined ? serialize(rolloutExplanation(info, now), format) : explainRollout(info, now));
    });
}
