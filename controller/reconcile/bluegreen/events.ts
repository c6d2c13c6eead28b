import type { Rollout } from '../../api/index.ts';
import type { BlueGreenActionName } from '../../machine/bluegreen.ts';
import { rolloutAbortedEvent, rolloutCompletedEvent, rolloutPausedEvent } from '../shared/events.ts';
import { MESSAGES } from '../shared/messages.ts';
import { revisionOf } from '../shared/revisions.ts';
import type { RolloutEvent } from '../types.ts';

/** The events a blue-green decision raises: the pause before promotion, an abort, the promotion done. */
export function decisionEvents(rollout: Rollout, newHash: string, did: (action: BlueGreenActionName) => boolean, completion = MESSAGES.blueGreenCompleted as string | undefined): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const revision = revisionOf(rollout) ?? 0;
  if (did('addBlueGreenPause')) events.push(rolloutPausedEvent('BlueGreenPause'));
  if (did('recordAbort')) events.push(rolloutAbortedEvent(revision));
  if (did('markStable')) events.push(rolloutCompletedEvent(revision, newHash, completion ?? MESSAGES.blueGreenCompleted));
  return events;
}
