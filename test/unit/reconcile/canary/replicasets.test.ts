import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutStatus } from '../../../../controller/api/index.ts';
import { abortScaleDownDelaySeconds, planCanaryReplicaSets, type CanaryLayoutInput } from '../../../../controller/reconcile/canary/replicasets.ts';
import type { Effect } from '../../../../controller/reconcile/types.ts';

const now = new Date('2026-01-01T00:00:00Z');
const ROUTING = { nginx: { stableIngress: 'app' } };

function rollout(canary: Record<string, unknown>, status: RolloutStatus): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'app', namespace: 'ns', uid: 'uid-1' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } } },
      strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }], ...canary } },
    },
    status,
  };
}

function rs(hash: string, revision: number, replicas: number, annotations: Record<string, string> = {}): V1ReplicaSet {
  return {
    metadata: {
      name: `app-${hash}`,
      labels: { 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision), 'rollout.argoproj.io/desired-replicas': '3', ...annotations },
      creationTimestamp: new Date(now.getTime() - (10 - revision) * 60_000),
    },
    spec: { replicas, selector: {}, template: {} },
    status: { replicas, availableReplicas: replicas, readyReplicas: replicas },
  };
}

function layout(over: Partial<CanaryLayoutInput> & Pick<CanaryLayoutInput, 'rollout' | 'newRS'>) {
  return planCanaryReplicaSets({ observedWeights: undefined, weights: undefined, stableRS: undefined, otherRSs: [], referencedHashes: new Set(), now, ...over });
}

const patchOf = (effects: Effect[], name: string) =>
  effects.find((e): e is Extract<Effect, { kind: 'patchReplicaSet' }> => e.kind === 'patchReplicaSet' && e.name === name)?.patch;

describe('canary ReplicaSet sizes with traffic routing', () => {
  const promoted: RolloutStatus = { stableRS: 'v3', currentPodHash: 'v3', currentStepIndex: 2 };

  test('a replaced stable keeps its pods and gets a scale-down deadline', () => {
    const v3 = rs('v3', 3, 3);
    const v2 = rs('v2', 2, 3);
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING }, promoted), newRS: v3, stableRS: v3, otherRSs: [v2] });
    assert.deepEqual(patchOf(out.effects, 'app-v2'), { annotations: { 'scale-down-deadline': '2026-01-01T00:00:30Z' } });
    assert.deepEqual(out.waits, [30_000]);
  });

  test('beyond scaleDownDelayRevisionLimit older ReplicaSets go at once, newest kept first', () => {
    const v3 = rs('v3', 3, 3);
    const out = layout({
      rollout: rollout({ trafficRouting: ROUTING, scaleDownDelayRevisionLimit: 1 }, promoted),
      newRS: v3,
      stableRS: v3,
      otherRSs: [rs('v1', 1, 3, { 'scale-down-deadline': '2026-01-01T00:00:10Z' }), rs('v2', 2, 3, { 'scale-down-deadline': '2026-01-01T00:00:20Z' })],
    });
    assert.equal(patchOf(out.effects, 'app-v2'), undefined, 'v2 waits for its deadline');
    assert.deepEqual(patchOf(out.effects, 'app-v1'), { replicas: 0, annotations: { 'scale-down-deadline': null } });
    assert.deepEqual(out.waits, [20_000]);
  });

  test('a deadline that has passed scales the ReplicaSet to zero', () => {
    const v3 = rs('v3', 3, 3);
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING }, promoted), newRS: v3, stableRS: v3, otherRSs: [rs('v2', 2, 3, { 'scale-down-deadline': '2025-12-31T23:59:59Z' })] });
    assert.equal(patchOf(out.effects, 'app-v2')?.replicas, 0);
  });

  test('an intermediate revision (neither stable nor canary, mid-update) scales down at once', () => {
    const status: RolloutStatus = { stableRS: 'v1', currentPodHash: 'v3', currentStepIndex: 0 };
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING }, status), newRS: rs('v3', 3, 2), stableRS: rs('v1', 1, 3), otherRSs: [rs('v2', 2, 2)] });
    assert.equal(patchOf(out.effects, 'app-v2')?.replicas, 0);
  });

  test('a ReplicaSet a Service or the status still points at is left alone', () => {
    const status: RolloutStatus = { stableRS: 'v1', currentPodHash: 'v3', currentStepIndex: 0 };
    const out = layout({
      rollout: rollout({ trafficRouting: ROUTING }, status),
      newRS: rs('v3', 3, 2),
      stableRS: rs('v1', 1, 3),
      otherRSs: [rs('v2', 2, 2)],
      referencedHashes: new Set(['v2']),
    });
    assert.equal(patchOf(out.effects, 'app-v2'), undefined);
  });

  test('dynamicStableScale drops a replaced stable without a delay', () => {
    const v3 = rs('v3', 3, 3);
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING, dynamicStableScale: true }, promoted), newRS: v3, stableRS: v3, otherRSs: [rs('v2', 2, 3)] });
    assert.equal(patchOf(out.effects, 'app-v2')?.replicas, 0);
  });
});

describe('an aborted canary with traffic routing', () => {
  const aborted: RolloutStatus = { stableRS: 'v1', currentPodHash: 'v2', currentStepIndex: 0, abort: true };

  test('abortScaleDownDelaySeconds: the deadline is set once the stable is fully available, the canary kept until then', () => {
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING, abortScaleDownDelaySeconds: 10 }, aborted), newRS: rs('v2', 2, 2), stableRS: rs('v1', 1, 3) });
    assert.deepEqual(patchOf(out.effects, 'app-v2'), { annotations: { 'scale-down-deadline': '2026-01-01T00:00:10Z' } });
    assert.deepEqual(out.waits, [10_000]);
  });

  test('no deadline while the stable cannot take the traffic back', () => {
    const stable = rs('v1', 1, 3);
    stable.status!.availableReplicas = 2;
    const out = layout({ rollout: rollout({ trafficRouting: ROUTING }, aborted), newRS: rs('v2', 2, 2), stableRS: stable });
    assert.equal(patchOf(out.effects, 'app-v2'), undefined);
  });

  test('0 leaves the canary up; dynamic stable scaling without an explicit delay does not wait', () => {
    const stable = rs('v1', 1, 3);
    assert.equal(abortScaleDownDelaySeconds(rollout({ trafficRouting: ROUTING, abortScaleDownDelaySeconds: 0 }, aborted), stable), undefined);
    assert.equal(abortScaleDownDelaySeconds(rollout({ trafficRouting: ROUTING, dynamicStableScale: true }, aborted), stable), undefined);
    assert.equal(abortScaleDownDelaySeconds(rollout({ trafficRouting: ROUTING }, aborted), stable), 30);
    assert.equal(abortScaleDownDelaySeconds(rollout({}, aborted), stable), undefined, 'a basic canary scales by its counts');
  });
});

describe('canary ReplicaSet sizes without traffic routing', () => {
  test('older ReplicaSets go first, within maxUnavailable, before the canary grows', () => {
    const status: RolloutStatus = { stableRS: 'v1', currentPodHash: 'v3', currentStepIndex: 0 };
    const out = layout({
      rollout: rollout({ maxUnavailable: 1, maxSurge: 0 }, status),
      newRS: rs('v3', 3, 0),
      stableRS: rs('v1', 1, 2),
      otherRSs: [rs('v2', 2, 1)],
    });
    assert.equal(patchOf(out.effects, 'app-v2')?.replicas, 0);
    assert.equal(patchOf(out.effects, 'app-v3'), undefined, 'no room yet for canary pods');
  });

  test('pods that are not available are dropped from older ReplicaSets first', () => {
    const status: RolloutStatus = { stableRS: 'v1', currentPodHash: 'v3', currentStepIndex: 0 };
    const broken = rs('v2', 2, 2);
    broken.status!.availableReplicas = 0;
    const out = layout({ rollout: rollout({ maxUnavailable: 0, maxSurge: 1 }, status), newRS: rs('v3', 3, 0), stableRS: rs('v1', 1, 3), otherRSs: [broken] });
    assert.equal(patchOf(out.effects, 'app-v2')?.replicas, 0);
    assert.ok(out.events.some((e) => e.message === 'Scaled down ReplicaSet app-v2 (revision 2) from 2 to 0'));
  });
});
