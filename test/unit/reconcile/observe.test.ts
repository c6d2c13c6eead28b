import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { observe, type ClusterView, type DirectReads } from '../../../controller/reconcile/observe.ts';
import type { RolloutObject } from '../../../controller/reconcile/types.ts';

const NOW = new Date('2025-01-10T12:00:00Z');

function view(rollout: RolloutObject | undefined): ClusterView {
  return {
    rollout: () => rollout,
    replicaSetsOwnedBy: () => [],
    service: () => undefined,
    servicesManagedBy: () => [],
    analysisRunsOwnedBy: () => [],
    deployment: () => undefined,
    analysisTemplate: () => undefined,
    clusterAnalysisTemplate: () => undefined,
    ingress: () => undefined,
  };
}

function recordingReads(): DirectReads & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    istioReferences: async (namespace) => {
      calls.push(`istio ${namespace}`);
      return { virtualServices: new Map(), destinationRules: new Map() };
    },
    routerReferences: async (namespace) => {
      calls.push(`routers ${namespace}`);
      return { ambassadorMappings: new Map([['app', null]]) };
    },
    pods: async (namespace, labelSelector) => {
      calls.push(`pods ${namespace} ${labelSelector}`);
      return [{ metadata: { name: 'p' } } as V1Pod];
    },
  };
}

const rollout = (spec: Record<string, unknown>): RolloutObject => ({ metadata: { name: 'app', namespace: 'ns', uid: 'u1' }, spec });

describe('observe', () => {
  it('reads the pods of the selector while a restart is pending, and hands them in with the routing references', async () => {
    const reads = recordingReads();
    const observed = await observe(view(rollout({ selector: { matchLabels: { app: 'a' } }, restartAt: '2025-01-10T11:00:00Z' })), reads, 'ns', 'app', NOW);
    assert.deepEqual(reads.calls, ['pods ns app=a', 'istio ns', 'routers ns']);
    assert.equal(observed?.pods?.length, 1);
    assert.ok(observed?.istio);
    assert.equal(observed?.routerReferences?.ambassadorMappings?.get('app'), null);
  });

  it('reads no pods when no restart is pending', async () => {
    const reads = recordingReads();
    const observed = await observe(view(rollout({ selector: { matchLabels: { app: 'a' } } })), reads, 'ns', 'app', NOW);
    assert.deepEqual(reads.calls, ['istio ns', 'routers ns']);
    assert.equal(observed?.pods, undefined);
  });

  it('reads nothing from the apiserver for a Rollout that is gone', async () => {
    const reads = recordingReads();
    assert.equal(await observe(view(undefined), reads, 'ns', 'app', NOW), undefined);
    assert.deepEqual(reads.calls, []);
  });
});
