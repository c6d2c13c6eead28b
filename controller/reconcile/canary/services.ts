import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { CanaryStrategy, RolloutStatus } from '../../api/index.ts';
import { stableAndCanaryServices } from '../../traffic/target.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import { isReplicaSetAvailable, isReplicaSetPartiallyAvailable } from '../shared/replicaset-availability.ts';
import { podHashOf } from '../shared/replicaset-identity.ts';
import type { Effect, RolloutEvent } from '../types.ts';
import { switchServiceEvent } from '../shared/events.ts';

export interface ServiceTarget {
  /** The Service name from the strategy; none when the strategy names none. */
  service: string | undefined;
  /** The ReplicaSet whose pods it should select. */
  replicaSet: V1ReplicaSet | undefined;
  /** Wait for the ReplicaSet's pods before switching (false moves traffic back at once). */
  checkAvailability: boolean;
}

/**
 * Argo's ensureSVCTargets for the canary and stable Services: pin the selector to the
 * ReplicaSet's pod template hash. A Service the Rollout has never managed is taken over only once
 * the ReplicaSet is fully available; otherwise one available pod is enough.
 */
export function serviceSelectorEffects(
  rolloutName: string,
  services: ReadonlyMap<string, V1Service>,
  targets: readonly ServiceTarget[],
): { effects: Effect[]; events: RolloutEvent[] } {
  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  for (const { service: name, replicaSet, checkAvailability } of targets) {
    const service = name ? services.get(name) : undefined;
    if (!name || !service || !replicaSet) continue;
    const current = service.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] ?? '';
    const desired = podHashOf(replicaSet);
    if (current === desired) continue;
    const managed = service.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] !== undefined;
    if (checkAvailability && !managed && !isReplicaSetAvailable(replicaSet)) continue;
    if (checkAvailability && !isReplicaSetPartiallyAvailable(replicaSet)) continue;
    effects.push({ kind: 'setServiceSelector', service: name, hash: desired, rollout: rolloutName, reason: `select ${desired}` });
    events.push(switchServiceEvent(name, current, desired, 'canaryServices'));
  }
  return { effects, events };
}

/**
 * Argo's reconcilePingAndPongService: while an update is under way (the observed status not fully
 * promoted), the ping-pong Service that is not stable selects the new ReplicaSet, at once. The
 * stable one is never pinned here: it keeps the selector it had when it was the canary. The
 * initial deploy counts as under way (Argo's first pass records the pod hash before the stable
 * one), so ping selects the first ReplicaSet.
 */
export function pingPongServiceTargets(
  strategy: Pick<CanaryStrategy, 'pingPong' | 'canaryService' | 'stableService'>,
  status: RolloutStatus,
  newRS: V1ReplicaSet | undefined,
): ServiceTarget[] {
  if (!strategy.pingPong || (status.stableRS !== undefined && status.stableRS === status.currentPodHash)) return [];
  const { canary } = stableAndCanaryServices(strategy, status.canary?.stablePingPong);
  return [{ service: canary, replicaSet: newRS, checkAvailability: false }];
}
