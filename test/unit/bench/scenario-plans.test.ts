import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convergeBoundSeconds } from '../../../bench/scenarios/scale.ts';
import { shardOf } from '../../../bench/scenarios/shard.ts';
import { afterWarmUp } from '../../../bench/scenarios/soak.ts';

/** The pure parts of the scale, soak and shard scenarios' plans. */
describe('bench scenario plans', () => {
  test('the convergence bound is 10 minutes, or 60 ms per rollout beyond that', () => {
    assert.equal(convergeBoundSeconds(1000), 600);
    assert.equal(convergeBoundSeconds(20000), 1200);
  });

  test('the shards take the rollouts in turn', () => {
    assert.deepEqual([0, 1, 2, 3, 4].map((i) => shardOf(i, 3)), ['shard-0', 'shard-1', 'shard-2', 'shard-0', 'shard-1']);
  });

  test('the soak\'s slope leaves out a warm-up of a quarter of the soak, at most 5 minutes', () => {
    const samples = [0, 30, 60, 400].map((x) => ({ x, rssMiB: 1, heapMiB: 1 }));
    assert.deepEqual(afterWarmUp(samples, 120).map((s) => s.x), [30, 60, 400]);
    assert.deepEqual(afterWarmUp(samples, 1800).map((s) => s.x), [400]);
  });
});
