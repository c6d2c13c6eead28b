import type { EventStage, RolloutEvent } from '../types.ts';
import { REASONS } from './messages.ts';

/**
 * The order of a pass's events, as Argo's controller records them: it sends each event the
 * moment its step of the pass is done (rollout/canary.go rolloutCanary, rollout/bluegreen.go
 * rolloutBlueGreen, then syncRolloutStatus, then persistRolloutStatus). Ramp's planners decide
 * the same happenings in other orders, and one Ramp pass may do what takes Argo two (Argo ends a
 * pass once it has created a ReplicaSet; Ramp goes on to size it), so the pass's events are put
 * in Argo's order here, once, by the step each belongs to:
 *
 * 1. the new revision: RolloutUpdated, NewReplicaSetCreated (getAllReplicaSetsAndSyncRevision);
 * 2. the preview Service switched to it (reconcilePreviewService);
 * 3. RolloutNotCompleted (the status of the pass that created the revision, before any scaling);
 * 4. the canary and stable Services (reconcileStableAndCanaryService);
 * 5. steps completed or skipped: Argo completes a step in one pass and scales for the next step
 *    in the following one, so a Ramp pass that does both reports the step first;
 * 6. ReplicaSets scaled (reconcileCanaryReplicaSets, reconcileBlueGreenReplicaSets);
 * 7. a blue-green first revision marked stable ("Initial deploy": Argo marks it in the pass
 *    before the one that switches the active Service);
 * 8. the active Service switched (reconcileActiveService);
 * 9. anything not named here (analysis runs, router warnings), in the order it was decided;
 * 10. an abort, a revision marked stable (syncRolloutStatus, promoteStable);
 * 11. paused or resumed (sendStateChangeEvents, after the status is written).
 *
 * Events of the same step keep the order they were decided in.
 */

/** The numbered steps above, times ten; the new revision's two events in Argo's order within step 1. */
const BY_STAGE: Record<EventStage, number> = {
  previewService: 20,
  canaryServices: 40,
  initialDeploy: 70,
  activeService: 80,
};

const BY_REASON: Record<string, number> = {
  [REASONS.RolloutUpdated]: 10,
  [REASONS.NewReplicaSet]: 11,
  [REASONS.RolloutNotCompleted]: 30,
  [REASONS.SkipSteps]: 50,
  [REASONS.RolloutStepCompleted]: 50,
  [REASONS.ScalingReplicaSet]: 60,
  [REASONS.SwitchService]: 80,
  [REASONS.RolloutAborted]: 100,
  [REASONS.RolloutCompleted]: 100,
  [REASONS.RolloutPaused]: 110,
  [REASONS.RolloutResumed]: 110,
};

const UNNAMED = 90;

function rank(event: RolloutEvent): number {
  if (event.stage !== undefined) return BY_STAGE[event.stage];
  return Object.hasOwn(BY_REASON, event.reason) ? BY_REASON[event.reason]! : UNNAMED;
}

/** The events in Argo's order (a stable sort: the same step keeps the decided order). */
export function inArgoOrder(events: readonly RolloutEvent[]): RolloutEvent[] {
  return events.map((event, i) => ({ event, i, rank: rank(event) })).sort((a, b) => a.rank - b.rank || a.i - b.i).map(({ event }) => event);
}
