import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { CanaryStep, IntOrString, Rollout, RolloutSpec, RolloutStatus, SetCanaryScale, TrafficWeights } from '../../../../controller/api/index.ts';
import { approximateWeightedCanaryStableReplicaCounts, atDesiredReplicaCountsForCanary, basicCanaryReplicaCounts, canaryReplicaCounts, desiredReplicasForWeight, newReplicaSetReplicas, replicasForScaleDown, trafficRoutedCanaryReplicaCounts } from '../../../../controller/reconcile/shared/replica-targets.ts';
import { canaryReplicasOrWeight, currentCanaryStep, currentSetWeight, useSetCanaryScale } from '../../../../controller/reconcile/shared/current-step.ts';
import { formatLabelSelector, statusCounts } from '../../../../controller/reconcile/shared/counts.ts';

/** Argo's canary_test.go newRollout: one step (setWeight, optionally setCanaryScale). */
function canaryRollout(o: {
  replicas: number;
  setWeight?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  currentPodHash?: string;
  stableRS?: string;
  setCanaryScale?: SetCanaryScale;
  trafficRouting?: boolean;
}): Rollout {
  const step: CanaryStep = { setWeight: o.setWeight ?? 0 };
  if (o.setCanaryScale) step.setCanaryScale = o.setCanaryScale;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo', namespace: 'team' },
    spec: {
      replicas: o.replicas,
      strategy: {
        canary: {
          ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}),
          ...(o.maxUnavailable !== undefined ? { maxUnavailable: o.maxUnavailable } : {}),
          steps: [step],
          ...(o.trafficRouting ? { trafficRouting: {} } : {}),
        },
      },
    },
    status: { stableRS: o.stableRS ?? 'stable', currentPodHash: o.currentPodHash ?? 'canary' },
  };
}

/** Argo's canary_test.go newRS. */
function newRS(hash: string, specReplicas: number, availableReplicas: number, statusReplicas = specReplicas): V1ReplicaSet {
  return {
    metadata: { name: hash, uid: `uid-${hash}`, labels: { 'rollouts-pod-template-hash': hash } },
    spec: { replicas: specReplicas, selector: { matchLabels: { 'rollouts-pod-template-hash': hash } } },
    status: { replicas: statusReplicas, availableReplicas },
  };
}

interface CanaryCase {
  name: string;
  replicas: number;
  setWeight?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  promoteFull?: boolean;
  stable: [number, number];
  canary?: [number, number];
  expected: { canary: number; stable: number };
  older?: V1ReplicaSet;
  setCanaryScale?: SetCanaryScale;
  trafficRouting?: boolean;
  abortScaleDownDelaySeconds?: number;
  abort?: boolean;
  minPodsPerReplicaSet?: number;
}

// Argo Rollouts utils/replicaset/canary_test.go TestCalculateReplicaCountsForCanary; [spec, available].
const canaryCases: CanaryCase[] = [
  { name: 'Do not add extra RSs in scaleDownCount when .Spec.Replica < AvailableReplicas', replicas: 10, setWeight: 100, maxSurge: 3, maxUnavailable: 0, stable: [7, 8], canary: [6, 3], expected: { stable: 7, canary: 6 } },
  { name: 'Use max surge int to scale up canary', replicas: 10, setWeight: 20, maxSurge: 2, maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'Use max surge percentage to scale up canary', replicas: 10, setWeight: 20, maxSurge: '20%', maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'Scale down extra stable replicas', replicas: 10, setWeight: 20, maxSurge: '20%', maxUnavailable: 0, stable: [10, 10], canary: [2, 2], expected: { stable: 8, canary: 2 } },
  { name: 'Do not go past max surge', replicas: 10, setWeight: 30, maxSurge: 2, maxUnavailable: 0, stable: [10, 10], canary: [0, 0], expected: { stable: 10, canary: 2 } },
  { name: 'Use max unavailable int to scale down stableRS', replicas: 10, setWeight: 20, maxSurge: 0, maxUnavailable: 2, stable: [10, 10], canary: [0, 0], expected: { stable: 8, canary: 0 } },
  { name: 'Use max surge percentage to scale down stableRS', replicas: 10, setWeight: 20, maxSurge: 0, maxUnavailable: '20%', stable: [10, 10], canary: [0, 0], expected: { stable: 8, canary: 0 } },
  { name: 'Do not go past max unavailable', replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 2, stable: [10, 10], canary: [0, 0], expected: { stable: 8, canary: 0 } },
  { name: 'Use Max Surge and Max Unavailable', replicas: 10, setWeight: 50, maxSurge: 2, maxUnavailable: 1, stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 2 } },
  { name: 'Scale canaryRS to zero on setWeight of 0%', replicas: 10, setWeight: 0, maxSurge: 1, maxUnavailable: 1, stable: [10, 10], canary: [1, 1], expected: { stable: 10, canary: 0 } },
  { name: 'Scale stable to zero on setWeight of 100%', replicas: 10, setWeight: 100, maxSurge: 1, maxUnavailable: 1, stable: [1, 1], canary: [10, 10], expected: { stable: 0, canary: 10 } },
  { name: 'Do not scale newRS down to zero on non-zero weight', replicas: 1, setWeight: 20, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 1 } },
  { name: 'Do not scale canaryRS down to zero on non-100 weight', replicas: 1, setWeight: 90, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 1 } },
  { name: 'Scale up Stable before newRS', replicas: 10, setWeight: 30, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [0, 0], expected: { stable: 7, canary: 1 }, older: newRS('older', 3, 3) },
  { name: 'Scale down newRS and stable', replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 3, stable: [8, 5], canary: [4, 4], expected: { stable: 7, canary: 3 } },
  { name: 'Scale down stable and canary available', replicas: 10, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [10, 2], canary: [10, 8], expected: { stable: 2, canary: 9 } },
  { name: 'Do not scale down newRS or stable when older RS count >= scaleDownCount', replicas: 10, setWeight: 30, maxSurge: 0, maxUnavailable: 1, stable: [8, 6], canary: [4, 2], expected: { stable: 8, canary: 4 }, older: newRS('older', 3, 3) },
  { name: 'Do not round past maxSurge with uneven setWeight divisor', replicas: 10, setWeight: 5, maxSurge: 0, maxUnavailable: 1, stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 0 } },
  { name: 'Do not round past maxSurge with uneven setWeight divisor (part 2)', replicas: 10, setWeight: 5, maxSurge: 0, maxUnavailable: 1, stable: [9, 9], canary: [0, 0], expected: { stable: 9, canary: 1 } },
  { name: 'Use maxUnavailable of 1 when percentage of maxUnavailable and maxSurge result in 0 replicas', replicas: 10, setWeight: 10, maxSurge: '0%', maxUnavailable: '0%', stable: [10, 10], canary: [0, 0], expected: { stable: 9, canary: 0 } },
  { name: 'For canary replicas, use setCanaryScale.replicas when specified along with trafficRouting (and ignore setWeight)', replicas: 1, setWeight: 100, stable: [1, 1], expected: { stable: 1, canary: 9 }, setCanaryScale: { replicas: 9 }, trafficRouting: true },
  { name: 'Use setCanaryScale.weight for canary replicas when specified with trafficRouting (and ignore setWeight)', replicas: 4, setWeight: 100, stable: [4, 4], expected: { stable: 4, canary: 8 }, setCanaryScale: { weight: 200 }, trafficRouting: true },
  { name: 'Ignore setCanaryScale replicas/weight when matchTrafficWeight is true', replicas: 10, setWeight: 20, maxSurge: '20%', maxUnavailable: 0, stable: [10, 10], canary: [0, 0], setCanaryScale: { replicas: 9, weight: 100, matchTrafficWeight: true }, trafficRouting: true, expected: { stable: 10, canary: 2 } },
  { name: 'Ignore setCanaryScale when trafficRouting is missing and use setWeight for replicas', replicas: 10, setWeight: 20, maxSurge: '20%', maxUnavailable: 0, stable: [10, 10], canary: [0, 0], setCanaryScale: { replicas: 9, weight: 100 }, expected: { stable: 10, canary: 2 } },
  { name: 'honor maxSurge during scale up when stableRS unavailable', replicas: 4, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [4, 1], canary: [0, 0], expected: { stable: 4, canary: 1 } },
  { name: 'scale down to maxunavailable without exceeding maxSurge', replicas: 3, setWeight: 99, maxSurge: 0, maxUnavailable: 2, stable: [3, 3], canary: [0, 0], expected: { stable: 1, canary: 0 } },
  { name: 'scale down to maxunavailable without exceeding maxSurge (part 2)', replicas: 3, setWeight: 99, maxSurge: 0, maxUnavailable: 2, stable: [1, 1], canary: [0, 0], expected: { stable: 1, canary: 2 } },
  { name: 'honor maxUnavailable during scale down stableRS unavailable', replicas: 4, setWeight: 100, maxSurge: 1, maxUnavailable: 0, stable: [4, 1], canary: [1, 1], expected: { stable: 3, canary: 1 } },
  { name: 'honor maxUnavailable when aborting or reducing weight part 1', replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [0, 0], canary: [4, 4], expected: { stable: 1, canary: 4 } },
  { name: 'honor maxUnavailable when aborting or reducing weight part 2', replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [1, 0], canary: [4, 4], expected: { stable: 1, canary: 4 } },
  { name: 'honor maxUnavailable when aborting or reducing weight part 3', replicas: 4, setWeight: 0, maxSurge: 1, maxUnavailable: 0, stable: [1, 1], canary: [4, 4], expected: { stable: 1, canary: 3 } },
  { name: 'promote full does not consider weight', promoteFull: true, replicas: 4, setWeight: 1, maxSurge: 4, maxUnavailable: 4, stable: [4, 4], canary: [0, 0], expected: { stable: 0, canary: 4 } },
  { name: 'promote full still honors maxSurge/maxUnavailable', promoteFull: true, replicas: 4, setWeight: 1, maxSurge: 3, maxUnavailable: 0, stable: [4, 4], canary: [0, 0], expected: { stable: 4, canary: 3 } },
  { name: 'aborted with abortScaleDownDelaySeconds:0 and setCanaryScale', replicas: 1, setCanaryScale: { replicas: 1 }, trafficRouting: true, abortScaleDownDelaySeconds: 0, abort: true, stable: [1, 1], canary: [1, 1], expected: { stable: 1, canary: 1 } },
  { name: 'aborted with abortScaleDownDelaySeconds>0 and setCanaryScale', replicas: 1, setCanaryScale: { replicas: 1 }, trafficRouting: true, abortScaleDownDelaySeconds: 30, abort: true, stable: [1, 1], canary: [1, 1], expected: { stable: 1, canary: 0 } },
  { name: 'Honor MinPodsPerReplicaSet when using trafficRouting and starting canary', replicas: 10, setWeight: 5, stable: [10, 10], canary: [0, 0], trafficRouting: true, minPodsPerReplicaSet: 2, expected: { stable: 10, canary: 2 } },
];

describe('canary replica counts (Argo TestCalculateReplicaCountsForCanary)', () => {
  for (const c of canaryCases) {
    it(c.name, () => {
      const ro = canaryRollout({ replicas: c.replicas, setWeight: c.setWeight, maxSurge: c.maxSurge ?? 0, maxUnavailable: c.maxUnavailable ?? 0, setCanaryScale: c.setCanaryScale, trafficRouting: c.trafficRouting });
      const canary = ro.spec.strategy.canary!;
      if (c.abortScaleDownDelaySeconds !== undefined) canary.abortScaleDownDelaySeconds = c.abortScaleDownDelaySeconds;
      if (c.minPodsPerReplicaSet !== undefined) canary.minPodsPerReplicaSet = c.minPodsPerReplicaSet;
      ro.status!.promoteFull = c.promoteFull;
      ro.status!.abort = c.abort;
      const stableRS = newRS('stable', c.stable[0], c.stable[1]);
      const canaryRS = newRS('canary', c.canary?.[0] ?? 0, c.canary?.[1] ?? 0);
      const counts = c.trafficRouting
        ? trafficRoutedCanaryReplicaCounts(ro, undefined)
        : basicCanaryReplicaCounts(ro, canaryRS, stableRS, c.older ? [c.older] : []);
      assert.deepEqual(counts, c.expected);
      assert.deepEqual(canaryReplicaCounts(ro, canaryRS, stableRS, c.older ? [c.older] : []), c.expected);
    });
  }

  it('gives everything to the new ReplicaSet on a first deploy (new is stable)', () => {
    const ro = canaryRollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1 });
    const rs = newRS('stable', 10, 0);
    assert.deepEqual(basicCanaryReplicaCounts(ro, rs, rs, []), { canary: 10, stable: 0 });
  });

  it('gives everything to the new ReplicaSet without a stable one', () => {
    const ro = canaryRollout({ replicas: 10, setWeight: 10, maxSurge: 0, maxUnavailable: 1, stableRS: '', currentPodHash: '' });
    const rs = newRS('stable', 9, 9);
    assert.deepEqual(basicCanaryReplicaCounts(ro, rs, undefined, []), { canary: 10, stable: 0 });
    assert.deepEqual(basicCanaryReplicaCounts(ro, rs, rs, []), { canary: 10, stable: 0 });
  });
});

describe('traffic-routed canary counts', () => {
  const routed = (setWeight: number) => canaryRollout({ replicas: 10, setWeight, maxSurge: 0, maxUnavailable: 1, trafficRouting: true });
  const weights = (canary: number, stable: number): TrafficWeights => ({ canary: { weight: canary }, stable: { weight: stable } });

  it('keeps the stable fully scaled without dynamicStableScale', () => {
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(routed(10), undefined), { canary: 1, stable: 10 });
  });

  it('scales the stable down with the traffic under dynamicStableScale', () => {
    const ro = routed(10);
    ro.spec.strategy.canary!.dynamicStableScale = true;
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(ro, weights(10, 90)), { canary: 1, stable: 9 });
  });

  it('takes the desired canary when it is above the actual weight', () => {
    const ro = routed(20);
    ro.spec.strategy.canary!.dynamicStableScale = true;
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(ro, weights(10, 90)), { canary: 2, stable: 9 });
  });

  it('keeps the canary up while traffic still reaches it after an abort', () => {
    const ro = routed(20);
    ro.spec.strategy.canary!.dynamicStableScale = true;
    ro.status!.abort = true;
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(ro, weights(20, 80)), { canary: 2, stable: 10 });
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(ro, weights(10, 90)), { canary: 1, stable: 10 });
  });
});

describe('approximateWeightedCanaryStableReplicaCounts (Argo TestApproximateWeightedNewStableReplicaCounts)', () => {
  // [replicas, weight, maxSurge, canary, stable]
  const cases: [number, number, number, number, number][] = [
    [0, 0, 0, 0, 0], [0, 50, 0, 0, 0], [0, 100, 0, 0, 0],
    [0, 0, 1, 0, 0], [0, 50, 1, 0, 0], [0, 100, 1, 0, 0],
    [1, 0, 0, 0, 1], [1, 1, 0, 0, 1], [1, 49, 0, 0, 1], [1, 50, 0, 1, 0], [1, 99, 0, 1, 0], [1, 100, 0, 1, 0],
    [1, 0, 1, 0, 1], [1, 1, 1, 1, 1], [1, 49, 1, 1, 1], [1, 50, 1, 1, 1], [1, 99, 1, 1, 1], [1, 100, 1, 1, 0],
    [2, 0, 0, 0, 2], [2, 1, 0, 1, 1], [2, 50, 0, 1, 1], [2, 99, 0, 1, 1], [2, 100, 0, 2, 0],
    [2, 0, 1, 0, 2], [2, 1, 1, 1, 2], [2, 50, 1, 1, 1], [2, 99, 1, 2, 1], [2, 100, 1, 2, 0],
    [3, 10, 0, 1, 2], [3, 25, 0, 1, 2], [3, 33, 0, 1, 2], [3, 34, 0, 1, 2], [3, 49, 0, 1, 2], [3, 50, 0, 2, 1],
    [3, 10, 1, 1, 3], [3, 25, 1, 1, 3], [3, 33, 1, 1, 2], [3, 34, 1, 1, 2], [3, 49, 1, 2, 2], [3, 50, 1, 2, 2],
    [10, 0, 1, 0, 10], [10, 1, 0, 1, 9], [10, 14, 0, 1, 9], [10, 15, 0, 2, 8], [10, 16, 0, 2, 8], [10, 99, 0, 9, 1], [10, 100, 1, 10, 0],
    [10, 0, 1, 0, 10], [10, 1, 1, 1, 10], [10, 18, 1, 2, 9], [10, 19, 1, 2, 9], [10, 20, 1, 2, 8], [10, 23, 1, 2, 8],
    [10, 24, 1, 3, 8], [10, 25, 1, 3, 8], [10, 99, 1, 10, 1], [10, 100, 1, 10, 0],
  ];
  for (const [replicas, weight, surge, canary, stable] of cases) {
    it(`replicas ${replicas}, weight ${weight}, surge ${surge} → ${canary}/${stable}`, () => {
      assert.deepEqual(approximateWeightedCanaryStableReplicaCounts(replicas, weight, surge), { canary, stable });
    });
  }
});

describe('desiredReplicasForWeight (Argo TestTrafficWeightToReplicas)', () => {
  const cases: [number, number, number][] = [
    [10, 0, 0],
    [10, 20, 2],
    [10, 25, 3],
    [10, 33, 4],
    [10, 99, 10],
    [10, 100, 10],
  ];
  for (const [replicas, weight, expected] of cases) {
    it(`${weight}% of ${replicas} → ${expected}`, () => assert.equal(desiredReplicasForWeight(replicas, weight), expected));
  }
});

describe('weights from steps', () => {
  const withSteps = (steps: CanaryStep[], status: RolloutStatus, spec: Partial<RolloutSpec> = {}): Rollout => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo' },
    spec: { replicas: 10, strategy: { canary: { steps, trafficRouting: {} } }, ...spec },
    status: { stableRS: 's', currentPodHash: 'c', ...status },
  });
  const steps: CanaryStep[] = [{ setWeight: 10 }, { pause: {} }, { setCanaryScale: { replicas: 3 } }, { setWeight: 50 }, { setCanaryScale: { matchTrafficWeight: true } }];

  it('finds the current step and the last setWeight at or before it', () => {
    assert.deepEqual(currentCanaryStep(withSteps(steps, { currentStepIndex: 1 })), { step: { pause: {} }, index: 1 });
    assert.deepEqual(currentCanaryStep(withSteps(steps, { currentStepIndex: 5 })), { step: undefined, index: 5 });
    assert.deepEqual(currentCanaryStep(withSteps([], {})), {});
    assert.equal(currentSetWeight(withSteps(steps, { currentStepIndex: 1 })), 10);
    assert.equal(currentSetWeight(withSteps(steps, { currentStepIndex: 3 })), 50);
    assert.equal(currentSetWeight(withSteps(steps, { currentStepIndex: 5 })), 100);
    assert.equal(currentSetWeight(withSteps([{ pause: {} }], {})), 0);
    assert.equal(currentSetWeight(withSteps(steps, { currentStepIndex: 3, abort: true })), 0);
  });

  it('uses setCanaryScale until matchTrafficWeight cancels it', () => {
    assert.equal(useSetCanaryScale(withSteps(steps, { currentStepIndex: 1 })), undefined);
    assert.deepEqual(useSetCanaryScale(withSteps(steps, { currentStepIndex: 3 })), { replicas: 3 });
    assert.equal(useSetCanaryScale(withSteps(steps, { currentStepIndex: 4 })), undefined);
    assert.deepEqual(canaryReplicasOrWeight(withSteps(steps, { currentStepIndex: 3 })), { replicas: 3, weight: 0 });
    assert.deepEqual(canaryReplicasOrWeight(withSteps(steps, { currentStepIndex: 4 })), { weight: 50 });
  });

  it('is 100% when fully promoting, before a first stable, or once current is stable', () => {
    assert.deepEqual(canaryReplicasOrWeight(withSteps(steps, { currentStepIndex: 0, promoteFull: true })), { weight: 100 });
    assert.deepEqual(canaryReplicasOrWeight(withSteps(steps, { currentStepIndex: 0, stableRS: '' })), { weight: 100 });
    assert.deepEqual(canaryReplicasOrWeight(withSteps(steps, { currentStepIndex: 0, currentPodHash: 's' })), { weight: 100 });
  });
});

describe('replicasForScaleDown', () => {
  it('counts spec replicas when pods beyond them are terminating or availability is ignored', () => {
    assert.equal(replicasForScaleDown(newRS('a', 3, 5), false), 3);
    assert.equal(replicasForScaleDown(newRS('a', 5, 3), false), 3);
    assert.equal(replicasForScaleDown(newRS('a', 5, 3), true), 5);
    assert.equal(replicasForScaleDown(undefined, true), 0);
  });
});

describe('atDesiredReplicaCountsForCanary', () => {
  it('holds when canary and stable are at their counts and no older pod is available', () => {
    const ro = canaryRollout({ replicas: 10, setWeight: 20, maxSurge: 0, maxUnavailable: 2 });
    assert.equal(atDesiredReplicaCountsForCanary(ro, newRS('canary', 2, 2), newRS('stable', 8, 8), []), true);
    assert.equal(atDesiredReplicaCountsForCanary(ro, newRS('canary', 2, 1), newRS('stable', 8, 8), []), false);
    assert.equal(atDesiredReplicaCountsForCanary(ro, newRS('canary', 2, 2), newRS('stable', 8, 8, 9), []), false);
    assert.equal(atDesiredReplicaCountsForCanary(ro, newRS('canary', 2, 2), newRS('stable', 8, 8), [newRS('old', 0, 1)]), false);
  });
});

describe('newReplicaSetReplicas', () => {
  const blueGreen = (previewReplicaCount: number | undefined, status: RolloutStatus, paused = false): Rollout => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo' },
    spec: { replicas: 5, paused, strategy: { blueGreen: { activeService: 'active', ...(previewReplicaCount !== undefined ? { previewReplicaCount } : {}) } } },
    status,
  });
  const active = newRS('active', 5, 5);
  const preview = newRS('preview', 1, 1);

  it('runs a blue-green new ReplicaSet at spec.replicas without previewReplicaCount', () => {
    assert.equal(newReplicaSetReplicas(blueGreen(undefined, {}), [active, preview], preview), 5);
  });

  it('runs the preview at previewReplicaCount until promotion', () => {
    const status: RolloutStatus = { currentPodHash: 'preview', blueGreen: { activeSelector: 'active' } };
    assert.equal(newReplicaSetReplicas(blueGreen(1, status), [active, preview], preview), 1);
    assert.equal(newReplicaSetReplicas(blueGreen(1, { ...status, currentPodHash: 'other' }), [active, preview], preview), 1);
    assert.equal(newReplicaSetReplicas(blueGreen(1, { ...status, blueGreen: { activeSelector: 'active', scaleUpPreviewCheckPoint: true } }), [active, preview], preview), 5);
    assert.equal(newReplicaSetReplicas(blueGreen(1, { ...status, blueGreen: { activeSelector: 'active', scaleUpPreviewCheckPoint: true } }, true), [active, preview], preview), 1);
    assert.equal(newReplicaSetReplicas(blueGreen(1, { ...status, promoteFull: true }), [active, preview], preview), 5);
    assert.equal(newReplicaSetReplicas(blueGreen(1, { ...status, blueGreen: { activeSelector: 'preview' } }), [active, preview], preview), 5);
  });

  it('follows the canary counts for a canary', () => {
    const ro = canaryRollout({ replicas: 10, setWeight: 20, maxSurge: 2, maxUnavailable: 0 });
    assert.equal(newReplicaSetReplicas(ro, [newRS('stable', 10, 10), newRS('canary', 0, 0)], newRS('canary', 0, 0)), 2);
  });
});

describe('statusCounts', () => {
  const rss = [newRS('a', 3, 3), newRS('b', 2, 1)];
  rss[0]!.status!.readyReplicas = 3;
  rss[1]!.status!.readyReplicas = 2;

  it('sums every ReplicaSet for a canary', () => {
    const ro = canaryRollout({ replicas: 5 });
    ro.spec.selector = { matchLabels: { app: 'demo' } };
    assert.deepEqual(statusCounts(ro, rss, rss[1]), { replicas: 5, updatedReplicas: 2, readyReplicas: 5, availableReplicas: 4, HPAReplicas: 5, selector: 'app=demo' });
  });

  it('reports the active ReplicaSet for blue-green once the active selector names one', () => {
    const ro: Rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'demo' },
      spec: { selector: { matchLabels: { app: 'demo' } }, strategy: { blueGreen: { activeService: 'active' } } },
    };
    rss[0]!.spec!.selector = { matchLabels: { app: 'demo', 'rollouts-pod-template-hash': 'a' } };
    assert.deepEqual(statusCounts(ro, rss, rss[1], 'a'), {
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3,
      HPAReplicas: 3,
      selector: 'app=demo,rollouts-pod-template-hash=a',
    });
    assert.equal(statusCounts(ro, rss, undefined).selector, 'app=demo');
    assert.equal(statusCounts(ro, rss, undefined).updatedReplicas, 0);
  });
});

describe('formatLabelSelector', () => {
  const cases: [Parameters<typeof formatLabelSelector>[0], string][] = [
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [
      {
        matchLabels: { app: 'demo' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'api'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      'app=demo,canary,env notin (dev),!legacy,tier in (api,web)',
    ],
    [{ matchExpressions: [{ key: 'x', operator: 'Sometimes' }] }, '<error>'],
    [{ matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }, '<error>'],
  ];
  for (const [selector, expected] of cases) {
    it(expected, () => assert.equal(formatLabelSelector(selector), expected));
  }
});
