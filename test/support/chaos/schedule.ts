/**
 * The chaos run's randomness and fault schedule: pure, from a seed, so a run can be repeated.
 */

/** mulberry32: a small, fast, seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FAULT_KINDS = [
  'controller-kill',
  'leader-failover',
  'apiserver-restart',
  'latency',
  'conflicts',
  'throttle',
  'server-errors',
  'drop-watches',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that last a while (a proxy setting); the others happen at an instant. */
export const WINDOWED: ReadonlySet<FaultKind> = new Set(['latency', 'conflicts', 'throttle', 'server-errors']);

export interface ScheduledFault {
  /** ms after the faults start. */
  at: number;
  kind: FaultKind;
  /** For windowed faults: how long the setting holds. */
  forMs?: number;
}

/**
 * One fault per slot of `durationMs / slots`, never two at once: every kind once (in a random
 * order), then kinds drawn at random for the remaining slots. Windowed faults hold for most of
 * their slot, at most `maxWindowMs`.
 */
export function faultSchedule(random: () => number, durationMs: number, slots: number, maxWindowMs = 30_000): ScheduledFault[] {
  const count = Math.max(slots, FAULT_KINDS.length);
  const order: FaultKind[] = [...FAULT_KINDS];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  while (order.length < count) order.push(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!);
  const slot = durationMs / count;
  return order.map((kind, i) => {
    const at = Math.round(i * slot + slot * 0.1 * random());
    return WINDOWED.has(kind) ? { at, kind, forMs: Math.round(Math.min(maxWindowMs, slot * 0.7)) } : { at, kind };
  });
}
