import type { Rollout } from '../../../controller/api/index.ts';
import { REASONS } from '../../../controller/reconcile/shared/messages.ts';
import { setWeightAtStep } from '../../../controller/reconcile/shared/current-step.ts';
import { parseRevision } from '../../../client/info/labels.ts';
import type { ReplicaSetLike } from '../../../client/info/types.ts';
import type { WeightPoint } from '../../shared/api.ts';
import { eventTime, type EventLike } from './events.ts';
import { samePoint } from './history.ts';

/**
 * The weight chart's past, rebuilt from what the cluster keeps: the ReplicaSets' creation times
 * and revisions, and the controller's events (a revision started, a step completed, the router's
 * weight changed, the update completed or was aborted). A dashboard started in the middle of a
 * rollout draws what happened before it, for as long as the apiserver keeps the events (an hour
 * by default). Without traffic routing the canary's share of pods between two events is not
 * recorded anywhere, so a rebuilt point carries the weight of the steps completed so far.
 */

type Mark =
  | { kind: 'initial' }
  | { kind: 'revision' }
  | { kind: 'traffic'; weight: number }
  | { kind: 'step'; index: number }
  | { kind: 'completed' }
  | { kind: 'aborted' };

/** Marks at the same second apply in this order: a revision starts before its steps complete. */
const ORDER: Record<Mark['kind'], number> = { initial: 0, revision: 1, traffic: 2, step: 3, completed: 4, aborted: 5 };

interface Timed {
  at: number;
  mark: Mark;
}

/** The controller's messages (controller/reconcile/shared/messages.ts) read back. */
const REVISION_UPDATED = /^Rollout updated to revision (\d+)$/;
const STEP_COMPLETED = /^Rollout step (\d+)\/\d+ completed/;
const WEIGHT_UPDATED = /^Traffic weight updated (?:from \d+ )?to (\d+)$/;

function revisionMark(revision: number): Mark {
  return revision === 1 ? { kind: 'initial' } : { kind: 'revision' };
}

function eventMark(e: EventLike): Mark | undefined {
  const message = e.message ?? '';
  switch (e.reason) {
    case REASONS.RolloutUpdated: {
      const m = REVISION_UPDATED.exec(message);
      return m ? revisionMark(Number(m[1])) : undefined;
    }
    case REASONS.RolloutStepCompleted: {
      const m = STEP_COMPLETED.exec(message);
      return m ? { kind: 'step', index: Number(m[1]) } : undefined;
    }
    case REASONS.TrafficWeightUpdated: {
      const m = WEIGHT_UPDATED.exec(message);
      return m ? { kind: 'traffic', weight: Number(m[1]) } : undefined;
    }
    case REASONS.RolloutCompleted:
      return { kind: 'completed' };
    case REASONS.RolloutAborted:
      return { kind: 'aborted' };
    default:
      return undefined;
  }
}

function isAbout(e: EventLike, rollout: Rollout): boolean {
  const subject = e.involvedObject;
  if (subject?.kind !== 'Rollout') return false;
  const uid = rollout.metadata.uid;
  return uid !== undefined && subject.uid !== undefined ? subject.uid === uid : subject.name === rollout.metadata.name;
}

/** The canary's weights over time as far as the cluster remembers them; empty for blue-green. */
export function rebuildWeightHistory(rollout: Rollout, replicaSets: readonly ReplicaSetLike[], events: readonly EventLike[]): WeightPoint[] {
  const canary = rollout.spec.strategy.canary;
  if (canary === undefined) return [];
  const steps = canary.steps ?? [];
  const routed = canary.trafficRouting !== undefined;

  const timeline: Timed[] = [];
  const announced = new Set<number>();
  for (const e of events) {
    if (!isAbout(e, rollout)) continue;
    const at = Date.parse(eventTime(e) ?? '');
    const mark = eventMark(e);
    if (!Number.isFinite(at) || mark === undefined) continue;
    timeline.push({ at, mark });
    const revision = e.reason === REASONS.RolloutUpdated ? REVISION_UPDATED.exec(e.message ?? '')?.[1] : undefined;
    if (revision !== undefined) announced.add(Number(revision));
  }
  // A revision's ReplicaSet may be older than the revision (a rollback reuses it): the
  // controller's "updated to revision N" event, when the apiserver still has it, says when it began.
  for (const rs of replicaSets) {
    const at = Date.parse(rs.metadata.creationTimestamp ?? '');
    const revision = parseRevision(rs.metadata.annotations);
    if (Number.isFinite(at) && revision > 0 && !announced.has(revision)) timeline.push({ at, mark: revisionMark(revision) });
  }
  timeline.sort((a, b) => a.at - b.at || ORDER[a.mark.kind] - ORDER[b.mark.kind]);

  const points: WeightPoint[] = [];
  let state: { setWeight: number; actualWeight: number; stepIndex: number } = { setWeight: 100, actualWeight: 100, stepIndex: steps.length };
  for (const { at, mark } of timeline) {
    switch (mark.kind) {
      case 'initial':
      case 'completed':
        state = { setWeight: 100, actualWeight: 100, stepIndex: steps.length };
        break;
      case 'revision':
        state = { setWeight: setWeightAtStep(steps, 0), actualWeight: 0, stepIndex: 0 };
        break;
      case 'traffic':
        state = { ...state, actualWeight: mark.weight };
        break;
      case 'step': {
        // Step N-1 completed: its weight was reached by the pods; step N's is only asked for.
        const reached = setWeightAtStep(steps, mark.index - 1);
        state = { setWeight: setWeightAtStep(steps, mark.index), actualWeight: routed ? state.actualWeight : reached, stepIndex: mark.index };
        break;
      }
      case 'aborted':
        state = { ...state, setWeight: 0, actualWeight: 0 };
        break;
    }
    const point: WeightPoint = { time: new Date(at).toISOString(), setWeight: state.setWeight, actualWeight: state.actualWeight };
    if (steps.length > 0) point.stepIndex = state.stepIndex;
    const last = points[points.length - 1];
    if (last === undefined || !samePoint(last, point)) points.push(point);
  }
  return points;
}

/**
 * The chart's series: the rebuilt past up to the first point recorded live, then the live points,
 * the newest `limit` of them. Live points win where both exist: they saw the actual weights.
 */
export function mergeWeightHistory(rebuilt: readonly WeightPoint[], live: readonly WeightPoint[], limit: number): WeightPoint[] {
  const firstLive = live[0] !== undefined ? Date.parse(live[0].time) : Infinity;
  const out: WeightPoint[] = [];
  for (const point of [...rebuilt.filter((p) => Date.parse(p.time) < firstLive), ...live]) {
    const last = out[out.length - 1];
    if (last === undefined || !samePoint(last, point)) out.push(point);
  }
  return out.slice(-limit);
}
