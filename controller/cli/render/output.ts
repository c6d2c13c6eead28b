import { stringify } from 'yaml';
import { CliError } from '../errors.ts';

/**
 * `-o json|yaml`: the one serializer of every command that prints a table, tree or text for
 * people. The shapes are the view models those renderers draw (RolloutInfo, the plan, the lint
 * result, the explanation), with the field names listed in docs/cli.md.
 */

export type OutputFormat = 'json' | 'yaml' | 'wide' | undefined;
export type MachineFormat = 'json' | 'yaml';

export const MACHINE_FORMATS: readonly MachineFormat[] = ['json', 'yaml'];

export function outputFormat(value: string | undefined, allowed: readonly string[]): OutputFormat {
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) throw new CliError(`unknown output format "${value}"; use one of: ${allowed.join(', ')}`);
  return value as OutputFormat;
}

/** json or yaml when -o asks for one of them, undefined for the human form. */
export function machineFormat(format: OutputFormat): MachineFormat | undefined {
  return format === 'json' || format === 'yaml' ? format : undefined;
}

/** One document: indented JSON, or YAML. */
export function serialize(value: unknown, format: MachineFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/**
 * One document of a stream (`status` prints one each time the status changes): a JSON line, or
 * a YAML document opened by `---`, so each can be read as it comes.
 */
export function serializeStreamed(value: unknown, format: MachineFormat): string {
  return format === 'json' ? `${JSON.stringify(value)}\n` : `---\n${stringify(value)}`;
}

/** The help text of the -o option. */
export const OUTPUT_HELP = 'json or yaml: print the same facts for programs (field names in docs/cli.md)';
