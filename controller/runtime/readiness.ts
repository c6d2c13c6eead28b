import type { Readiness } from '../server/server.ts';

/** What /readyz looks at. */
export interface RuntimeSnapshot {
  phase: 'connecting' | 'running' | 'stopping';
  /** The last reason the apiserver could not be reached, while connecting. */
  connectProblem?: string;
  unsyncedCaches: string[];
  leading: boolean;
  /** Controllers that should be running (this process leads) but are not yet. */
  idleControllers: string[];
}

/**
 * Ready once the caches are synced; a follower is ready too (it serves warm caches and can take
 * over at once), a leader only once its reconcile loops run.
 */
export function readinessOf(s: RuntimeSnapshot): Readiness {
  if (s.phase === 'stopping') return { ok: false, reasons: ['shutting down'] };
  if (s.phase === 'connecting') return { ok: false, reasons: [`connecting to the apiserver${s.connectProblem ? `: ${s.connectProblem}` : ''}`] };
  const reasons = s.unsyncedCaches.map((name) => `cache of ${name} not synced`);
  if (s.leading) for (const name of s.idleControllers) reasons.push(`${name} controller not running yet`);
  return { ok: reasons.length === 0, reasons };
}
