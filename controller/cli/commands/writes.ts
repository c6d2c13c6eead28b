import type { Command } from 'commander';
import { parseGoDuration } from '../../api/index.ts';
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  restartRollout,
  resumeRollout,
  retryRollout,
  setImage,
  undoRollout,
} from '../../../client/actions/rollout-actions.ts';
import { actionDoneMessage, imageUpdatedMessage, restartMessage, type DoneAction } from '../../../client/actions/messages.ts';
import type { CliEnv } from '../context.ts';
import { CliError } from '../errors.ts';
import type { KubeVerbs } from '../../kube/client.ts';
import { connect, durationFlag, guard } from './common.ts';

type Write = (client: KubeVerbs, namespace: string, name: string) => Promise<unknown>;

/** A verb that applies the same write to each named rollout, as Argo's pause/abort/retry do. */
function eachRollout(env: CliEnv, verb: string, action: DoneAction, write: Write) {
  return async (names: string[], _opts: unknown, cmd: Command): Promise<void> => {
    const { client, namespace } = connect(env, cmd);
    for (const name of names) {
      await guard({ kind: 'rollout', name, namespace, verb }, () => write(client, namespace, name));
      env.io.out(`${actionDoneMessage(action, name)}\n`);
    }
  };
}

export function addWriteCommands(program: Command, env: CliEnv): void {
  program
    .command('promote')
    .argument('<name>', 'rollout name')
    .description('Promote a rollout paused at a canary step or a blue-green pre-promotion; --full skips remaining steps, pauses and analysis')
    .option('--full', 'perform a full promotion, skipping analysis, pauses and steps')
    .addOption(hidden(program, '-c, --skip-current-step', 'deprecated: skip the current canary step'))
    .addOption(hidden(program, '-a, --skip-all-steps', 'deprecated: use --full'))
    .action(async (name: string, opts: { full?: boolean; skipCurrentStep?: boolean; skipAllSteps?: boolean }, cmd: Command) => {
      const { client, namespace } = connect(env, cmd);
      await guard({ kind: 'rollout', name, namespace, verb: 'patch' }, () =>
        promoteRollout(client, namespace, name, {
          ...(opts.full ? { full: true } : {}),
          ...(opts.skipCurrentStep ? { skipCurrentStep: true } : {}),
          ...(opts.skipAllSteps ? { skipAllSteps: true } : {}),
        }),
      );
      env.io.out(`${actionDoneMessage(opts.full ? 'promote-full' : 'promote', name)}\n`);
    });

  program
    .command('pause')
    .argument('<names...>', 'rollout names')
    .description('Pause rollouts (sets spec.paused)')
    .action(eachRollout(env, 'patch', 'pause', pauseRollout));

  program
    .command('resume')
    .argument('<names...>', 'rollout names')
    .description('Resume rollouts paused with "pause" (clears spec.paused)')
    .action(eachRollout(env, 'patch', 'resume', resumeRollout));

  program
    .command('abort')
    .argument('<names...>', 'rollout names')
    .description('Abort rollouts: go back to the stable ReplicaSet; spec.template keeps the new version')
    .action(eachRollout(env, 'patch', 'abort', abortRollout));

  const retry = program.command('retry').description('Retry an aborted rollout or an experiment');
  retry
    .command('rollout')
    .aliases(['ro', 'rollouts'])
    .argument('<names...>', 'rollout names')
    .description('Retry aborted rollouts (clears status.abort)')
    .action(eachRollout(env, 'patch', 'retry', retryRollout));

  program
    .command('restart')
    .argument('<name>', 'rollout name')
    .description('Restart the pods of a rollout (sets spec.restartAt)')
    .option('-i, --in <duration>', 'restart after this long (e.g. 30s, 5m, 1h)')
    .action(async (name: string, opts: { in?: string }, cmd: Command) => {
      const delay = opts.in !== undefined ? durationFlag(opts.in, '--in', parseGoDuration) : 0;
      const { client, namespace } = connect(env, cmd);
      await guard({ kind: 'rollout', name, namespace, verb: 'patch' }, () => restartRollout(client, namespace, name, new Date(env.clock.now() + delay)));
      env.io.out(`${restartMessage(name, opts.in ?? '0s')}\n`);
    });

  program
    .command('undo')
    .argument('<name>', 'rollout name')
    .description('Roll back to the previous revision, or to --to-revision')
    .option('--to-revision <n>', 'revision to roll back to (default: the previous one)')
    .action(async (name: string, opts: { toRevision?: string }, cmd: Command) => {
      const revision = opts.toRevision !== undefined ? Number(opts.toRevision) : 0;
      if (!Number.isInteger(revision) || revision < 0) throw new CliError(`invalid --to-revision "${opts.toRevision}": use a revision number from kubectl ramp get rollout ${name}`);
      const { client, namespace } = connect(env, cmd);
      const result = await guard({ kind: 'rollout', name, namespace, verb: 'patch' }, () => undoRollout(client, namespace, name, revision));
      env.io.out(`${result.message}\n`);
    });

  const set = program.command('set').description('Update fields of a rollout');
  set
    .command('image')
    .argument('<name>', 'rollout name')
    .argument('<container=image>', 'container name ("*" for all) and the new image')
    .description('Update the image of a container of a rollout')
    .action(async (name: string, assignment: string, _opts: unknown, cmd: Command) => {
      const parts = assignment.split('=');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        throw new CliError(`expected CONTAINER=IMAGE, got "${assignment}"; e.g. kubectl ramp set image ${name} app=registry.example/app:2.0`);
      }
      const { client, namespace } = connect(env, cmd);
      const result = await guard({ kind: 'rollout', name, namespace, verb: 'update' }, () => setImage(client, namespace, name, parts[0]!, parts[1]!));
      env.io.out(`${imageUpdatedMessage(result.kind, result.name)}\n`);
    });
}

function hidden(program: Command, flags: string, description: string) {
  return program.createOption(flags, description).hideHelp();
}
