import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../api/index.ts';
import type { BlueGreenActionName } from '../../machine/bluegreen.ts';
import { rolloutCompletedEvent, rolloutPausedEvent, scalingReplicaSetEvent } from '../shared/events.ts';
import { MESSAGES } from '../shared/messages.ts';
import { revisionOf } from '../shared/revisions.ts';
import type { Effect, RolloutEvent } from '../types.ts';

/**
 * The events a blue-green decision raises: the pause before promotion, the promotion done. An
 * abort is reported with the RolloutAborted condition (shared/rollout-conditions.ts), as Argo does.
 */
export function decisionEvents(rollout: Rollout, newHash: string, did: (action: BlueGreenActionName) => boolean, completion = MESSAGES.blueGreenCompleted as string | undefined): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const revision = revisionOf(rollout) ?? 0;
  if (did('addBlueGreenPause')) events.push(rolloutPausedEvent('BlueGreenPause'));
  if (did('markStable')) events.push(rolloutCompletedEvent(revision, newHash, completion ?? MESSAGES.blueGreenCompleted));
  return events;
}

/**
 * A ScalingReplicaSet event for each ReplicaSet whose size this pass changes, as Argo's
 * scaleReplicaSetAndRecordEvent; the new ReplicaSet when this pass creates it, from 0.
 */
export function scalingEvents(effects: readonly Effect[], replicaSets: readonly V1ReplicaSet[], newRS: V1ReplicaSet): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  for (const effect of effects) {
    if (effect.kind !== 'patchReplicaSet' || effect.patch.replicas === undefined) continue;
    const rs = replicaSets.find((r) => r.metadata?.name === effect.name) ?? (newRS.metadata?.name === effect.name ? newRS : undefined);
    if (rs) events.push(scalingReplicaSetEvent(rs, rs.spec?.replicas ?? 0, effect.patch.replicas));
  }
  return events;
}
