import type { V1ReplicaSet } from '@kubernetes/client-node';
import { scaleDownDelaySecondsOrDefault, type Rollout, type TrafficWeights } from '../../api/index.ts';
import { scalingReplicaSetEvent } from '../shared/events.ts';
import { availableReplicaCount, replicaCount } from '../shared/counts.ts';
import { basicCanaryReplicaCounts, canaryReplicaCounts, stableExistsApartFromNew, trafficRoutedCanaryReplicaCounts } from '../shared/replica-targets.ts';
import { DESIRED_REPLICAS_ANNOTATION, SCALE_DOWN_DEADLINE_ANNOTATION } from '../../api/labels.ts';
import { byCreationTimestamp, podHashOf } from '../shared/replicaset-identity.ts';
import { byRevision } from '../shared/revisions.ts';
import { formatScaleDownDeadline, hasScaleDownDeadline, timeRemainingBeforeScaleDownDeadline } from '../shared/scale-down-deadline.ts';
import { maxUnavailable } from '../shared/fenceposts.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import type { Effect, ReplicaSetPatch, RolloutEvent } from '../types.ts';

/**
 * The sizes of a canary's ReplicaSets (Argo's reconcileCanaryReplicaSets): the stable and the
 * canary follow the step's weight, older ones scale down within maxUnavailable, and with traffic
 * routing a replaced stable and an aborted canary stay up for their scale-down delays.
 */

export interface CanaryLayoutInput {
  /** The Rollout with the status this pass decided (step index, stable, abort, promoteFull). */
  rollout: Rollout;
  /** `status.canary.weights` as observed, which the stable's size follows (so it lags the traffic). */
  observedWeights: TrafficWeights | undefined;
  /** `status.canary.weights` as this pass sets them, which an aborting canary's size follows. */
  weights: TrafficWeights | undefined;
  newRS: V1ReplicaSet;
  stableRS: V1ReplicaSet | undefined;
  /** Neither new nor stable. */
  otherRSs: readonly V1ReplicaSet[];
  /** Pod hashes something still points at (status, Services): never scaled down with traffic routing. */
  referencedHashes: ReadonlySet<string>;
  now: Date;
}

export interface CanaryLayout {
  effects: Effect[];
  events: RolloutEvent[];
  /** Milliseconds until a scale-down deadline passes. */
  waits: number[];
}

/** Argo's shouldDelayScaleDownOnAbort: an aborted, traffic-routed canary waits abortScaleDownDelaySeconds. */
export function abortScaleDownDelaySeconds(rollout: Rollout, stableRS: V1ReplicaSet | undefined): number | undefined {
  const canary = rollout.spec.strategy.canary;
  if (!rollout.status?.abort || !stableRS || !canary?.trafficRouting) return undefined;
  const delay = canary.abortScaleDownDelaySeconds;
  // 0 asks to leave the canary up; dynamic stable scaling moves pods back without a delay unless one is set.
  if (delay === 0 || (canary.dynamicStableScale && delay === undefined)) return undefined;
  return delay ?? 30;
}

export function planCanaryReplicaSets(input: CanaryLayoutInput): CanaryLayout {
  const { rollout, newRS, stableRS, now } = input;
  const layout: CanaryLayout = { effects: [], events: [], waits: [] };
  const traffic = rollout.spec.strategy.canary?.trafficRouting !== undefined;
  const abortDelay = abortScaleDownDelaySeconds(rollout, stableRS);

  if (stableRS && stableExistsApartFromNew(newRS, stableRS)) {
    const stable = traffic
      ? trafficRoutedCanaryReplicaCounts(rollout, input.observedWeights, newRS, stableRS).stable
      : basicCanaryReplicaCounts(rollout, newRS, stableRS, input.otherRSs).stable;
    scaleTo(layout, rollout, stableRS, stable, removeDeadline(stableRS));
  }

  let canary = canaryReplicaCounts(rollout, newRS, stableRS, input.otherRSs, input.weights).canary;
  let newAnnotations = removeDeadline(newRS);
  if (abortDelay !== undefined) {
    newAnnotations = {};
    const remaining = timeRemainingBeforeScaleDownDeadline(newRS, now);
    if (remaining.kind === 'waiting') {
      layout.waits.push(remaining.remainingMs);
      canary = newRS.spec?.replicas ?? 0;
    } else if (!hasScaleDownDeadline(newRS)) {
      // The deadline starts only once the stable can take all the traffic back (more available
      // than asked for counts too: an autoscaler may just have scaled the Rollout in).
      if ((stableRS?.status?.availableReplicas ?? 0) >= replicasOrDefault(rollout)) {
        newAnnotations = { [SCALE_DOWN_DEADLINE_ANNOTATION]: formatScaleDownDeadline(now, abortDelay) };
        layout.waits.push(abortDelay * 1000);
      }
      canary = newRS.spec?.replicas ?? 0;
    } else if (remaining.kind === 'none') {
      canary = 0;
    }
  }
  scaleTo(layout, rollout, newRS, canary, newAnnotations);

  scaleDownOtherReplicaSets(input, layout);
  return layout;
}

/**
 * Argo's reconcileOtherReplicaSets / scaleDownOldReplicaSetsForCanary: first the pods that are
 * not available anyway, then as many as maxUnavailable allows, newest revision first. Without
 * traffic routing every other ReplicaSet serves traffic, so all of them go; with it, a replaced
 * stable stays up for scaleDownDelaySeconds (up to scaleDownDelayRevisionLimit of them) and an
 * intermediate revision goes at once.
 */
function scaleDownOtherReplicaSets(input: CanaryLayoutInput, layout: CanaryLayout): void {
  const { rollout, now } = input;
  const canary = rollout.spec.strategy.canary!;
  const traffic = canary.trafficRouting !== undefined;
  const others = input.otherRSs.filter((rs) => (rs.spec?.replicas ?? 0) > 0);
  if (replicaCount(others) === 0) return;

  const size = new Map<V1ReplicaSet, number>(others.map((rs) => [rs, rs.spec?.replicas ?? 0]));
  for (const rs of [...others].sort(byCreationTimestamp)) {
    const availableNow = rs.status?.availableReplicas ?? 0;
    if (availableNow < (size.get(rs) ?? 0)) {
      size.set(rs, availableNow);
      scaleTo(layout, rollout, rs, availableNow, {});
    }
  }

  const allRSs = [input.newRS, ...(input.stableRS && input.stableRS !== input.newRS ? [input.stableRS] : []), ...input.otherRSs];
  let maxScaleDown = availableReplicaCount(allRSs) - (replicasOrDefault(rollout) - maxUnavailable(rollout));
  if (maxScaleDown <= 0) return;

  const fullyPromoted = (rollout.status?.stableRS ?? '') === (rollout.status?.currentPodHash ?? '');
  const revisionLimit = canary.scaleDownDelayRevisionLimit ?? Number.MAX_SAFE_INTEGER;
  const delay = scaleDownDelaySecondsOrDefault(rollout);
  let annotated = 0;
  for (const rs of [...others].sort(byRevision).reverse()) {
    if (traffic && input.referencedHashes.has(podHashOf(rs))) continue;
    if (maxScaleDown <= 0) break;
    const current = size.get(rs) ?? 0;
    if (current === 0) continue;
    let desired = 0;
    let annotations: ReplicaSetPatch['annotations'] = {};
    if (!traffic) {
      desired = current > maxScaleDown ? current - maxScaleDown : 0;
    } else if ((fullyPromoted || hasScaleDownDeadline(rs)) && !canary.dynamicStableScale) {
      // The replaced stable keeps serving while routers and clients move away from it.
      if (!hasScaleDownDeadline(rs)) {
        if (annotated < revisionLimit && delay > 0) {
          annotated++;
          desired = current;
          annotations = { [SCALE_DOWN_DEADLINE_ANNOTATION]: formatScaleDownDeadline(now, delay) };
          layout.waits.push(delay * 1000);
        }
      } else {
        annotated++;
        const remaining = timeRemainingBeforeScaleDownDeadline(rs, now);
        if (annotated <= revisionLimit && remaining.kind === 'waiting') {
          desired = current;
          layout.waits.push(remaining.remainingMs);
        }
      }
    }
    scaleTo(layout, rollout, rs, desired, desired === 0 ? removeDeadline(rs) : annotations);
    maxScaleDown -= current - desired;
  }
}

function removeDeadline(rs: V1ReplicaSet): ReplicaSetPatch['annotations'] {
  return hasScaleDownDeadline(rs) ? { [SCALE_DOWN_DEADLINE_ANNOTATION]: null } : {};
}

/**
 * Argo's scaleReplicaSetAndRecordEvent: the size and the desired-replicas annotation, merged with
 * any patch this pass already has for the ReplicaSet, and a ScalingReplicaSet event when the size
 * changes.
 */
function scaleTo(layout: CanaryLayout, rollout: Rollout, rs: V1ReplicaSet, desired: number, annotations: ReplicaSetPatch['annotations']): void {
  const name = rs.metadata?.name ?? '';
  const existing = layout.effects.find((e): e is Extract<Effect, { kind: 'patchReplicaSet' }> => e.kind === 'patchReplicaSet' && e.name === name);
  const from = existing?.patch.replicas ?? rs.spec?.replicas ?? 0;
  const want: Record<string, string | null> = { ...annotations };
  const replicas = String(replicasOrDefault(rollout));
  if (rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION] !== replicas) want[DESIRED_REPLICAS_ANNOTATION] = replicas;
  const patch: ReplicaSetPatch = {};
  if (Object.keys(want).length > 0) patch.annotations = want;
  if (from !== desired) patch.replicas = desired;
  if (patch.replicas === undefined && patch.annotations === undefined) return;
  if (patch.replicas !== undefined) layout.events.push(scalingReplicaSetEvent(rs, from, desired));
  if (existing) {
    existing.patch = { ...existing.patch, ...patch, annotations: { ...existing.patch.annotations, ...patch.annotations } };
    return;
  }
  layout.effects.push({ kind: 'patchReplicaSet', name, patch, reason: `scale to ${desired}` });
}
