import type { RolloutInfo } from '../../../client/info/types.ts';
import { alignColumns } from './table.ts';

export interface ListOptions {
  allNamespaces: boolean;
  wide: boolean;
}

const HEADER = ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE'];

/** Go's %-Ns: left-justified to at least n characters. */
function pad(value: string | number, width: number): string {
  return String(value).padEnd(width);
}

/**
 * One line of `list rollouts`, padded as Argo's columnFmtString so short tables still line up
 * with their headers.
 */
function listRow(info: RolloutInfo, opts: ListOptions): string {
  const cells = [
    pad(info.name, 10),
    pad(info.strategy, 9),
    pad(info.status, 12),
    pad(info.step === '' ? '-' : info.step, 4),
    pad(info.setWeight === '' ? '-' : info.setWeight, 10),
    pad(`${info.ready}/${info.current}`, 5),
    pad(info.desired, 7),
    pad(info.updated, 10),
    pad(info.available, 9),
  ];
  if (opts.wide) cells.push(info.message);
  if (opts.allNamespaces) cells.unshift(pad(info.namespace, 9));
  return cells.join('\t');
}

/** `list rollouts` as Argo prints it; `wide` adds the status message. */
export function renderRolloutList(infos: readonly RolloutInfo[], opts: ListOptions): string {
  const header = [...HEADER];
  if (opts.wide) header.push('MESSAGE');
  if (opts.allNamespaces) header.unshift('NAMESPACE');
  const lines = alignColumns([header.join('\t'), ...infos.map((info) => listRow(info, opts))]);
  return lines.join('\n') + '\n';
}
