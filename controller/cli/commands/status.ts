import type { Command } from 'commander';
import { parseGoDuration } from '../../api/index.ts';
import type { CliEnv } from '../context.ts';
import { CliError, EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_TIMEOUT } from '../errors.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import type { RolloutInfo } from '../../../client/info/types.ts';
import { poll } from '../watch.ts';
import { machineFormat, MACHINE_FORMATS, OUTPUT_HELP, outputFormat, serialize, serializeStreamed } from '../render/output.ts';
import { connect, durationFlag, fetchRolloutObjects, guard } from './common.ts';

interface StatusOptions {
  watch: boolean;
  timeout?: string;
  output?: string;
}

function statusLine(info: RolloutInfo): string {
  return info.message !== '' ? `${info.status} - ${info.message}` : info.status;
}

/** What `status -o json|yaml` prints each time the status changes. */
export interface StatusRecord {
  name: string;
  namespace: string;
  status: string;
  message: string;
}

function statusRecord(info: RolloutInfo): StatusRecord {
  return { name: info.name, namespace: info.namespace, status: info.status, message: info.message };
}

/**
 * Argo's `status`: prints the phase (and message) whenever it changes until the rollout is
 * Healthy (exit 0) or Degraded (exit 1); exit 2 when --timeout passes first.
 */
export function addStatusCommand(program: Command, env: CliEnv): void {
  program
    .command('status')
    .argument('<name>', 'rollout name')
    .description('Watch a rollout until it is Healthy (exit 0), Degraded (exit 1) or the timeout passes (exit 2)')
    .option('-w, --watch', 'watch until the rollout finishes (default)', true)
    .option('--no-watch', 'print the current status once')
    .option('-t, --timeout <duration>', 'give up after this long (e.g. 30s, 5m); 0 waits forever')
    .option('-o, --output <format>', `${OUTPUT_HELP}; while watching, one JSON line or YAML document per change`)
    .action(async (name: string, opts: StatusOptions, cmd: Command) => {
      const format = machineFormat(outputFormat(opts.output, MACHINE_FORMATS));
      const timeoutMs = opts.timeout !== undefined ? durationFlag(opts.timeout, '--timeout', parseGoDuration) : 0;
      const { client, namespace } = connect(env, cmd);
      const subject = { kind: 'rollout', name, namespace, verb: 'get' };
      const load = async () => newRolloutInfo(await fetchRolloutObjects(client, namespace, name));
      let last: RolloutInfo | undefined;
      if (!opts.watch) {
        last = await guard(subject, load);
        if (format !== undefined) env.io.out(serialize(statusRecord(last), format));
        else env.io.out(`${last.status === 'Healthy' || last.status === 'Degraded' ? last.status : statusLine(last)}\n`);
      } else {
        let printed = '';
        const end = await guard(subject, () =>
          poll({
            fetch: load,
            onValue: (info) => {
              last = info;
              const line = statusLine(info);
              if (line !== printed) env.io.out(format !== undefined ? serializeStreamed(statusRecord(info), format) : `${line}\n`);
              printed = line;
              return info.status === 'Healthy' || info.status === 'Degraded';
            },
            clock: env.clock,
            signal: env.signal,
            timeoutMs,
          }),
        );
        if (end === 'interrupted') throw new CliError('interrupted', EXIT_INTERRUPTED);
        if (end === 'timeout') throw new CliError(`rollout "${name}" is still ${last?.status ?? 'unknown'} after ${opts.timeout}: status watch exceeded timeout`, EXIT_TIMEOUT);
      }
      if (last?.status === 'Degraded') {
        throw new CliError(`The rollout is in a degraded state with message: ${last.message}; see why with: kubectl ramp explain ${name}`, EXIT_FAILURE);
      }
    });
}
