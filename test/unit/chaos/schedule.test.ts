import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, faultSchedule, seededRandom } from '../../support/chaos/schedule.ts';

describe('chaos fault schedule', () => {
  it('the same seed gives the same run', () => {
    assert.deepEqual(faultSchedule(seededRandom(7), 600_000, 20), faultSchedule(seededRandom(7), 600_000, 20));
    assert.notDeepEqual(faultSchedule(seededRandom(7), 600_000, 20), faultSchedule(seededRandom(8), 600_000, 20));
  });

  it('injects every kind at least once, in order of time, within the duration, never two at once', () => {
    for (const [duration, slots] of [[120_000, 8], [600_000, 20], [60_000, 3]] as const) {
      const faults = faultSchedule(seededRandom(1), duration, slots);
      assert.deepEqual(new Set(faults.map((f) => f.kind)), new Set(FAULT_KINDS));
      for (let i = 0; i < faults.length; i++) {
        const f = faults[i]!;
        const next = faults[i + 1];
        assert.ok(f.at >= 0 && f.at < duration);
        if (next) assert.ok(f.at + (f.forMs ?? 0) < next.at, `${f.kind} at ${f.at} ends before ${next.kind} at ${next.at}`);
        else assert.ok(f.at + (f.forMs ?? 0) <= duration);
      }
    }
  });

  it('seeded numbers are uniform enough to pick from', () => {
    const random = seededRandom(42);
    const buckets = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) buckets[Math.floor(random() * 4)]! += 1;
    for (const n of buckets) assert.ok(n > 900 && n < 1100, `bucket ${n}`);
  });
});
