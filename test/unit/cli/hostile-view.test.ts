import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rollout } from '../../../controller/api/index.ts';
import { newRolloutInfo } from '../../../client/info/rollout-info.ts';
import { renderRollout } from '../../../controller/cli/render/tree.ts';
import { plan } from '../../../controller/reconcile/plan.ts';
import type { RolloutObject } from '../../../controller/reconcile/types.ts';
import { hostileRollouts } from '../../fixtures/hostile/rollouts.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');

/**
 * `kubectl ramp get rollout` and the dashboard read Rollouts as the apiserver stores them, without
 * validating: every bad Rollout the apiserver accepts, with the InvalidSpec status the controller
 * writes, must still render.
 */
describe('the rollout view renders every bad Rollout the apiserver accepts', () => {
  for (const c of hostileRollouts.filter((x) => x.cluster === 'accepted')) {
    it(c.name, () => {
      const raw = { ...c.rollout, metadata: { name: 'hostile', namespace: 'ns', uid: 'u', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' } } as RolloutObject;
      const status = plan({ rollout: raw, replicaSets: [], services: new Map(), analysisRuns: [], workloadTemplate: null, now: new Date(NOW) }).status;
      const rollout = { ...raw, status } as unknown as Rollout;
      const info = newRolloutInfo({ rollout });
      assert.equal(info.status, 'Degraded');
      const text = renderRollout(info, { now: NOW });
      assert.match(text, /InvalidSpec/);
      assert.ok(text.length < 20_000, `the view stays readable (${text.length} characters)`);
    });
  }
});
