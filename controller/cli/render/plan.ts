import type { RolloutPlan } from '../plan/plan.ts';
import { alignColumns } from './table.ts';

/** `plan` as a table: one row per step with pods, traffic and what each Service selects. */
export function renderPlan(plan: RolloutPlan): string {
  const header = ['STEP', 'ACTION', 'NEW PODS', 'OLD PODS', 'TRAFFIC NEW/OLD', ...plan.services.map((s) => `SVC ${s}`), 'NOTE'];
  const rows = plan.rows.map((r) =>
    [r.step, r.action, String(r.newPods), String(r.oldPods), `${r.newTraffic}/${r.oldTraffic}`, ...plan.services.map((s) => r.selectors[s] ?? '-'), r.note ?? ''].join('\t'),
  );
  return [...plan.header, '', ...alignColumns([header.join('\t'), ...rows])].join('\n') + '\n';
}
