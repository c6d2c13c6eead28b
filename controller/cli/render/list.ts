import type { RolloutInfo } from '../../../client/info/types.ts';
import { alignColumns } from './table.ts';

export interface ListOptions {
  allNamespaces: boolean;
  wide: boolean;
  /** --timestamps: the TIMESTAMP column, each row's time as this gives it (Argo prints when the row was printed). */
  timestampOf?: (info: RolloutInfo) => string;
}

/** Argo's timestamp format: UTC, whole seconds. */
export function listTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const HEADER = ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE'];

/** Go's %-Ns: left-justified to at least n characters. */
export function pad(value: string | number, width: number): string {
  return String(value).padEnd(width);
}

/**
 * One line of `list rollouts`, padded as Argo's columnFmtString so short tables still line up
 * with their headers.
 */
export function listRow(info: RolloutInfo, opts: ListOptions): string {
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
  if (opts.timestampOf) cells.unshift(pad(opts.timestampOf(info), 20));
  return cells.join('\t');
}

/** `list rollouts` as Argo prints it; `wide` adds the status message. */
export function listHeader(opts: ListOptions): string {
  const header = [...HEADER];
  if (opts.wide) header.push('MESSAGE');
  if (opts.allNamespaces) header.unshift('NAMESPACE');
  if (opts.timestampOf) header.unshift('TIMESTAMP');
  return header.join('\t');
}

export function renderRolloutList(infos: readonly RolloutInfo[], opts: ListOptions): string {
  const header = listHeader(opts).split('\t');
  const lines = alignColumns([header.join('\t'), ...infos.map((info) => listRow(info, opts))]);
  return lines.join('\n') + '\n';
}
