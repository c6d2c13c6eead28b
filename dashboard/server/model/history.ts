import type { RolloutInfo } from '../../../client/info/types.ts';
import type { WeightPoint } from '../../shared/api.ts';

/** The canary's weights now; undefined for blue-green, which has no weights. */
export function weightPoint(info: RolloutInfo, now: number): WeightPoint | undefined {
  if (info.strategy !== 'Canary') return undefined;
  const setWeight = Number(info.setWeight);
  const actualWeight = Number(info.actualWeight);
  if (!Number.isFinite(setWeight) || !Number.isFinite(actualWeight)) return undefined;
  const point: WeightPoint = { time: new Date(now).toISOString(), setWeight, actualWeight };
  if (info.currentStepIndex !== undefined) point.stepIndex = info.currentStepIndex;
  return point;
}

export function samePoint(a: WeightPoint, b: WeightPoint): boolean {
  return a.setWeight === b.setWeight && a.actualWeight === b.actualWeight && a.stepIndex === b.stepIndex;
}

/**
 * Weights over time per rollout, in memory only (the chart starts when the server does). A point
 * is kept only when the weights or the step changed, and each rollout keeps its latest `limit`.
 */
export class WeightHistory {
  private readonly series = new Map<string, WeightPoint[]>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 2) throw new Error(`weight history limit must be an integer of at least 2, got ${limit}`);
  }

  /** Returns true when the point was kept. */
  record(key: string, point: WeightPoint): boolean {
    let points = this.series.get(key);
    if (points === undefined) {
      points = [];
      this.series.set(key, points);
    }
    const last = points[points.length - 1];
    if (last !== undefined && samePoint(last, point)) return false;
    points.push(point);
    if (points.length > this.limit) points.splice(0, points.length - this.limit);
    return true;
  }

  get(key: string): WeightPoint[] {
    return [...(this.series.get(key) ?? [])];
  }

  forget(key: string): void {
    this.series.delete(key);
  }

  get size(): number {
    return this.series.size;
  }
}
