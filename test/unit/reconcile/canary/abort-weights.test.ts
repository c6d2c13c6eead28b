import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout } from '../../../../controller/api/index.ts';
import { planTraffic } from '../../../../controller/reconcile/canary/traffic.ts';
import { desiredCanaryWeight } from '../../../../controller/reconcile/shared/current-step.ts';
import { trafficRoutedCanaryReplicaCounts } from '../../../../controller/reconcile/shared/replica-targets.ts';

/** 10 replicas, setWeight 10 / 50 / 80, aborted at the last pause. */
function aborted(canary: Record<string, unknown> = { dynamicStableScale: true }, abort = true): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'app', namespace: 'ns', uid: 'uid-1' },
    spec: {
      replicas: 10,
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } } },
      strategy: {
        canary: {
          stableService: 'stable', canaryService: 'canary', trafficRouting: { nginx: { stableIngress: 'app' } },
          steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { pause: {} }, { setWeight: 80 }, { pause: {} }],
          ...canary,
        },
      },
    },
    status: { abort, stableRS: 'v1', currentPodHash: 'v2', currentStepIndex: 5 },
  };
}

const rs = (hash: string, available: number): V1ReplicaSet => ({
  metadata: { name: `app-${hash}`, labels: { 'rollouts-pod-template-hash': hash } },
  spec: { replicas: available, selector: {}, template: {} },
  status: { replicas: available, availableReplicas: available },
});

const weights = (canary: number) => ({ canary: { weight: canary, podTemplateHash: 'v2', serviceName: 'canary' }, stable: { weight: 100 - canary, podTemplateHash: 'v1', serviceName: 'stable' } });

describe("Argo v1.10.2's GetDesiredCanaryWeight: an aborted dynamicStableScale canary steps back through its setWeights", () => {
  const cases: Array<[string, Rollout, number, number, number]> = [
    ['the canary pods still needed (8) are above setWeight 50 (5 pods): 50', aborted(), 2, 8, 50],
    ['the stable\'s missing pods count when the canary has fewer available', aborted(), 2, 3, 50],
    ['5 needed: setWeight 10 (1 pod) is the first below', aborted(), 5, 5, 10],
    ['1 needed: no setWeight needs fewer, so 0', aborted(), 9, 1, 0],
    ['not aborted: the current setWeight', aborted({ dynamicStableScale: true }, false), 2, 8, 80],
    ['without dynamicStableScale an abort is 0 at once', aborted({}), 2, 8, 0],
  ];
  for (const [name, rollout, stable, canary, want] of cases) {
    test(name, () => assert.equal(desiredCanaryWeight(rollout, rs('v2', canary), rs('v1', stable)), want));
  }
  test('the replica counts follow it: the canary keeps the pods of the higher of that weight and the routed one', () => {
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(aborted(), weights(80), rs('v2', 8), rs('v1', 5)), { canary: 8, stable: 5 });
    assert.deepEqual(trafficRoutedCanaryReplicaCounts(aborted(), weights(50), rs('v2', 8), rs('v1', 5)), { canary: 5, stable: 5 });
  });
});

describe("Argo v1.10.2's calculateDesiredWeightOnAbortOrStableRollback: the weight an aborted canary routes", () => {
  // [name, canary options, stable available, canary available, status.canary.weights canary weight, expected]
  const cases: Array<[string, Record<string, unknown>, number, number, number | undefined, number]> = [
    ['held while the stable cannot yet take the step\'s traffic (20 < 50)', { dynamicStableScale: true }, 2, 8, 80, 80],
    ['down to the step once the stable can (60 ≥ 50), not to what the stable pods alone would carry (40)', { dynamicStableScale: true }, 6, 8, 80, 50],
    ['a step down is held until the stable catches up', { dynamicStableScale: true }, 5, 5, 50, 50],
    ['no step left: follows the available stable pods, never up', { dynamicStableScale: true }, 9, 1, 10, 10],
    ['no step left and the stable complete: 0', { dynamicStableScale: true }, 10, 1, 10, 0],
    ['no weights recorded: the higher of the step and what the stable pods leave', { dynamicStableScale: true }, 9, 8, undefined, 50],
    ['without dynamicStableScale: 0 at once', {}, 2, 8, 80, 0],
  ];
  for (const [name, canary, stable, canaryAvailable, observed, want] of cases) {
    test(name, () => {
      const plan = planTraffic({
        rollout: aborted(canary),
        observedWeights: observed === undefined ? undefined : weights(observed),
        newRS: rs('v2', canaryAvailable),
        newRSCreated: false,
        stableRS: rs('v1', stable),
        otherRSs: [],
      });
      assert.equal(plan.desiredWeight, want);
    });
  }
});
