import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { istioAtStep, subsetHash, subsetWeights, type DestinationRuleLike, type VirtualServiceLike } from '../../../bench/support/istio.ts';

const vs = (primary: Array<[string, number]>): VirtualServiceLike => ({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'VirtualService',
  metadata: { name: 'ist-vs' },
  spec: {
    http: [
      { name: 'other', route: [{ destination: { host: 'ist', subset: 'stable' }, weight: 100 }] },
      { name: 'primary', route: primary.map(([subset, weight]) => ({ destination: { host: 'ist', subset }, weight })) },
    ],
  },
});

const dr = (canaryHash?: string): DestinationRuleLike => ({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'DestinationRule',
  metadata: { name: 'ist-dr' },
  spec: {
    subsets: [
      { name: 'stable', labels: { app: 'ist', 'rollouts-pod-template-hash': 'aaa' } },
      { name: 'canary', labels: { app: 'ist', ...(canaryHash ? { 'rollouts-pod-template-hash': canaryHash } : {}) } },
    ],
  },
});

const step = { route: 'primary', stableSubset: 'stable', canarySubset: 'canary', weight: 50, canaryHash: 'bbb' };

describe('reading Istio routing in the bench', () => {
  test('the weights are those of the named route, by subset', () => {
    assert.deepEqual(subsetWeights(vs([['stable', 75], ['canary', 25]]), 'primary'), { stable: 75, canary: 25 });
    assert.deepEqual(subsetWeights(vs([['stable', 75], ['canary', 25]]), 'other'), { stable: 100 });
    assert.equal(subsetWeights(vs([]), 'missing'), undefined);
    assert.equal(subsetWeights(undefined, 'primary'), undefined);
  });

  test('a subset selects the pod-template hash in its labels', () => {
    assert.equal(subsetHash(dr('bbb'), 'canary'), 'bbb');
    assert.equal(subsetHash(dr('bbb'), 'stable'), 'aaa');
    assert.equal(subsetHash(dr(), 'canary'), undefined);
    assert.equal(subsetHash(dr('bbb'), 'missing'), undefined);
  });

  test('a step is reached when both weights and the canary subset hash show it', () => {
    assert.equal(istioAtStep(vs([['stable', 50], ['canary', 50]]), dr('bbb'), step), true);
    assert.equal(istioAtStep(vs([['stable', 75], ['canary', 25]]), dr('bbb'), step), false, 'the previous weight');
    assert.equal(istioAtStep(vs([['stable', 50], ['canary', 50]]), dr('old'), step), false, 'the canary subset still on the previous revision');
    assert.equal(istioAtStep(vs([['stable', 50], ['canary', 50]]), undefined, step), false, 'no DestinationRule seen yet');
    assert.equal(istioAtStep(vs([['canary', 50]]), dr('bbb'), step), false, 'the stable share must be the rest');
    assert.equal(istioAtStep(undefined, dr('bbb'), step), false);
  });
});
