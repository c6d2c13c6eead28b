import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Service } from '@kubernetes/client-node';
import type { AnalysisTemplate } from '../../../controller/api/index.ts';
import { plan } from '../../../controller/reconcile/plan.ts';
import type { Observed, Plan, RolloutObject } from '../../../controller/reconcile/types.ts';
import { hostileRollouts, invalidSpecMismatch, rollout, WORLD, type HostileRollout } from '../../fixtures/hostile/rollouts.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

/** The Rollout as the cache hands it over: the apiserver's metadata on whatever spec was written. */
function observedFor(input: Record<string, unknown>): Observed {
  const meta = (input.metadata ?? {}) as Record<string, unknown>;
  const rollout = { ...input, metadata: { ...meta, name: String(meta.name ?? 'hostile'), namespace: 'ns', uid: 'uid-1', generation: 1 } } as RolloutObject;
  const services = new Map<string, V1Service>(WORLD.services.map((name) => [name, { metadata: { name, namespace: 'ns' }, spec: { selector: { app: 'app' } } }]));
  const analysisTemplates = new Map<string, AnalysisTemplate>(
    WORLD.analysisTemplates.map((name) => [name, { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name }, spec: { metrics: [{ name: 'm', provider: { web: { url: 'http://x' } } }] } } as AnalysisTemplate]),
  );
  return { rollout, replicaSets: [], services, analysisRuns: [], workloadTemplate: null, analysisTemplates, clusterAnalysisTemplates: new Map(), now: NOW };
}

function assertInvalidSpec(c: HostileRollout, result: Plan): void {
  assert.equal(result.state, 'invalidSpec', `expected InvalidSpec, the planner went to ${result.state}`);
  assert.deepEqual(result.effects, [], 'an invalid Rollout changes nothing else');
  const condition = result.status.conditions?.find((x) => x.type === 'InvalidSpec');
  assert.equal(condition?.status, 'True');
  const message = condition?.message ?? '';
  const mismatch = invalidSpecMismatch(c, 'hostile', message);
  assert.equal(mismatch, undefined, mismatch);
  assert.ok(message.length < 2_000, `the message stays short (${message.length} characters)`);
  assert.equal(result.status.phase, 'Degraded');
  assert.equal(result.status.message, `InvalidSpec: ${message}`);
  assert.deepEqual(result.events.map((e) => [e.type, e.reason]), [['Warning', 'InvalidSpec']]);
}

describe('hostile Rollouts: plan() reports each as InvalidSpec naming the field and never throws', () => {
  it('the corpus holds at least 100 cases with distinct names', () => {
    assert.ok(hostileRollouts.length >= 100, `${hostileRollouts.length} cases`);
    assert.equal(new Set(hostileRollouts.map((c) => c.name)).size, hostileRollouts.length);
  });

  for (const c of hostileRollouts) {
    it(c.name, () => {
      let result: Plan | undefined;
      assert.doesNotThrow(() => {
        result = plan(observedFor(c.rollout));
      });
      assertInvalidSpec(c, result!);
    });
  }
});

describe('hostile Rollouts: a second pass over the written status settles', () => {
  for (const c of hostileRollouts.filter((x) => x.cluster === 'accepted')) {
    it(c.name, () => {
      const observed = observedFor(c.rollout);
      const first = plan(observed);
      const second = plan({ ...observed, rollout: { ...observed.rollout, status: first.status }, now: new Date(NOW.getTime() + 60_000) });
      assert.deepEqual(second.status, first.status, 'the same InvalidSpec status again, with its first transition time: nothing to write');
    });
  }
});

describe('a valid spec under a hostile status: plan() decides without throwing', () => {
  const blueGreen = rollout({ blueGreen: { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false } });
  const canary = rollout({ canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '1h' } }] } });
  const statuses: { name: string; status: Record<string, unknown> }[] = [
    { name: 'currentStepIndex far past the last step', status: { currentStepIndex: 9999, currentPodHash: 'abc', stableRS: 'def' } },
    { name: 'negative currentStepIndex', status: { currentStepIndex: -5 } },
    { name: 'a pause condition with a start time that is not a time', status: { pauseConditions: [{ reason: 'CanaryPauseStep', startTime: 'yesterday' }], controllerPause: true } },
    { name: 'a pause condition with an unknown reason', status: { pauseConditions: [{ reason: 'BecauseISaidSo', startTime: '2026-01-01T00:00:00Z' }] } },
    { name: 'a stableRS and active selector that no ReplicaSet has', status: { stableRS: 'ghost', currentPodHash: 'ghost2', blueGreen: { activeSelector: 'ghost', previewSelector: 'ghost2' } } },
    { name: 'abort set before anything was deployed', status: { abort: true, abortedAt: 'not-a-time' } },
    { name: 'a huge collision count', status: { collisionCount: 2147483647 } },
    { name: 'conditions with unknown types and statuses', status: { conditions: [{ type: 'Weird', status: 'Maybe', reason: 'x', message: 'y', lastUpdateTime: 'x', lastTransitionTime: 'y' }] } },
    { name: 'a promote-full flag with nothing to promote', status: { promoteFull: true, currentStepHash: 'zzz' } },
  ];
  for (const spec of [{ label: 'blue-green', input: blueGreen }, { label: 'canary', input: canary }]) {
    for (const s of statuses) {
      it(`${spec.label}: ${s.name}`, () => {
        const observed = observedFor(spec.input);
        const hostile = { ...observed, rollout: { ...observed.rollout, status: s.status } } as Observed;
        let result: Plan | undefined;
        assert.doesNotThrow(() => {
          result = plan(hostile);
        });
        assert.ok(result!.status.phase, 'a phase is reported');
        // The planner asks for the first ReplicaSet whatever the status claims (nothing exists yet), or reports why not.
        const created = result!.effects.filter((e) => e.kind === 'createReplicaSet').length;
        assert.ok(created === 1 || result!.state === 'invalidSpec', `one ReplicaSet to create, got ${created} in ${result!.state}`);
      });
    }
  }
});
