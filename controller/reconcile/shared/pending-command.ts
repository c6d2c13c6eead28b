import type { Rollout } from '../../api/index.ts';
import { isGenerationObserved, isUnpausing } from './phase.ts';

/**
 * Whether a user's command waits on the controller, read from the Rollout alone (spec against
 * status), so any process, a new leader included, can tell without remembering anything:
 * a spec change not yet observed (new template, pause or resume, restartAt, …), pause conditions
 * a promote cleared, an abort not yet recorded, a retry not yet acted on, a full promotion asked
 * for and not done. A Rollout never reconciled carries no command: creating it is not one.
 */
export function pendingCommand(rollout: Rollout): boolean {
  const status = rollout.status;
  if (status?.observedGeneration === undefined) return false;
  if (!isGenerationObserved(rollout)) return true;
  if (isUnpausing(rollout)) return true;
  if (status.abort === true && !status.abortedAt) return true;
  // `retry` clears abort and leaves abortedAt until the next pass acts on it.
  if (status.abort !== true && !!status.abortedAt) return true;
  return status.promoteFull === true && (status.stableRS ?? '') !== (status.currentPodHash ?? '');
}
