import { humanDuration } from '../../../client/info/duration.ts';
import type { ExperimentInfo } from '../../../client/info/types.ts';
import { tryParseDuration } from '../../api/index.ts';
import { pad } from './list.ts';
import { alignColumns } from './table.ts';

const COMPLETED = new Set(['Successful', 'Failed', 'Error', 'Inconclusive']);

/** Argo's PrintExperimentTable row: name, phase, duration, the time left of a running one, age. */
function experimentRow(ex: ExperimentInfo, allNamespaces: boolean, now: number): string {
  const seconds = ex.duration !== undefined ? tryParseDuration(ex.duration) : undefined;
  let duration = '-';
  let remaining = '-';
  if (seconds !== undefined) {
    duration = humanDuration(seconds * 1000);
    const available = ex.availableAt !== undefined ? Date.parse(ex.availableAt) : NaN;
    if (!COMPLETED.has(ex.status) && !Number.isNaN(available)) {
      const left = available + seconds * 1000 - now;
      if (left > 0) remaining = humanDuration(left);
    }
  }
  const created = ex.creationTimestamp !== undefined ? Date.parse(ex.creationTimestamp) : NaN;
  const cells = [pad(ex.name, 10), pad(ex.status, 6), pad(duration, 8), pad(remaining, 9), pad(Number.isNaN(created) ? '' : humanDuration(now - created), 3)];
  if (allNamespaces) cells.unshift(pad(ex.namespace, 9));
  return cells.join('\t');
}

/** `list experiments` as Argo prints it. */
export function renderExperimentList(infos: readonly ExperimentInfo[], opts: { allNamespaces: boolean; now: number }): string {
  const header = ['NAME', 'STATUS', 'DURATION', 'REMAINING', 'AGE'];
  if (opts.allNamespaces) header.unshift('NAMESPACE');
  return alignColumns([header.join('\t'), ...infos.map((ex) => experimentRow(ex, opts.allNamespaces, opts.now))]).join('\n') + '\n';
}
