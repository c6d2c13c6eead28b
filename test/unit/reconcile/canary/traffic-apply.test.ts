import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RolloutStatus } from '../../../../controller/api/index.ts';
import { applyTrafficEffect, isTrafficEffect, withVerifiedWeight } from '../../../../controller/reconcile/canary/traffic-apply.ts';
import type { RolloutObject } from '../../../../controller/reconcile/types.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';
import { MemoryKube } from '../../traffic/support/memory-kube.ts';

const NS = 'shop';
const VS_API = 'networking.istio.io/v1beta1';

function rollout(trafficRouting: Record<string, unknown>): RolloutObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS, uid: 'uid-1' },
    spec: { strategy: { canary: { canaryService: 'web-canary', stableService: 'web-stable', trafficRouting } } },
  };
}

const ingress: StoredObject = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: NS },
  spec: { rules: [{ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web-stable', port: { number: 80 } } } }] } }] },
};

const virtualService: StoredObject = {
  apiVersion: VS_API,
  kind: 'VirtualService',
  metadata: { name: 'web-vs', namespace: NS },
  spec: {
    hosts: ['web'],
    http: [{ name: 'primary', route: [{ destination: { host: 'web-stable' }, weight: 100 }, { destination: { host: 'web-canary' }, weight: 0 }] }],
  },
};

const both = rollout({ nginx: { stableIngress: 'web' }, istio: { virtualService: { name: 'web-vs', routes: ['primary'] } } });

function vsWeights(kube: MemoryKube): unknown {
  const http = (kube.read(VS_API, 'VirtualService', NS, 'web-vs')?.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http;
  return http[0]?.route.map((d) => d.weight);
}

describe('canary traffic effects through the routers', () => {
  test('setTrafficWeight sets the weight on every router and reads it back', async () => {
    const kube = new MemoryKube([ingress, virtualService]);
    const outcome = await applyTrafficEffect({ kube }, both, { kind: 'setTrafficWeight', weight: 33, reason: 'step' });
    assert.deepEqual(outcome.weightRead, { verified: true });
    assert.deepEqual(vsWeights(kube), [67, 33]);
    const canary = kube.read('networking.k8s.io/v1', 'Ingress', NS, 'web-web-canary');
    assert.equal(canary?.metadata.annotations?.['nginx.ingress.kubernetes.io/canary-weight'], '33');
    assert.deepEqual(outcome.events, [
      { type: 'Normal', reason: 'Updated VirtualService', message: "VirtualService `web-vs` set to desiredWeight '33'" },
      { type: 'Normal', reason: 'CreatingCanaryIngress', message: 'Creating canary ingress `web-web-canary` with weight `33`' },
    ]);
  });

  test('a second identical setTrafficWeight writes nothing and still verifies', async () => {
    const kube = new MemoryKube([ingress, virtualService]);
    await applyTrafficEffect({ kube }, both, { kind: 'setTrafficWeight', weight: 33, reason: 'step' });
    const writes = kube.writes.length;
    const again = await applyTrafficEffect({ kube }, both, { kind: 'setTrafficWeight', weight: 33, reason: 'step' });
    assert.equal(kube.writes.length, writes);
    assert.deepEqual(again, { weightRead: { verified: true }, events: [] });
  });

  test('a weight read that fails is not verified and is reported as WeightVerifyError', async () => {
    const kube = new MemoryKube([virtualService]);
    const flaky = Object.assign(Object.create(kube) as MemoryKube, {
      reads: 0,
      async get(this: MemoryKube & { reads: number }, ...args: Parameters<MemoryKube['get']>) {
        this.reads++;
        if (this.reads > 1) throw new Error('connection refused');
        return kube.get(...args);
      },
    });
    const istioOnly = rollout({ istio: { virtualService: { name: 'web-vs', routes: ['primary'] } } });
    const outcome = await applyTrafficEffect({ kube: flaky }, istioOnly, { kind: 'setTrafficWeight', weight: 10, reason: 'step' });
    assert.deepEqual(outcome.weightRead, { verified: false });
    assert.deepEqual(outcome.events.at(-1), { type: 'Warning', reason: 'WeightVerifyError', message: 'Failed to verify weight: connection refused' });
  });

  test('updateTrafficHash is skipped by routers without hashes (host-level Istio, NGINX)', async () => {
    const kube = new MemoryKube([ingress, virtualService]);
    const outcome = await applyTrafficEffect({ kube }, both, { kind: 'updateTrafficHash', canaryHash: 'b', stableHash: 'a', reason: 'hashes' });
    assert.deepEqual(outcome, { events: [] });
    assert.equal(kube.writes.length, 0);
  });

  test('without access to routing objects the effect fails with what to do', async () => {
    await assert.rejects(applyTrafficEffect(undefined, both, { kind: 'removeManagedRoutes', reason: 'promoted' }), /RolloutWriter must provide trafficRouting\(\)/);
  });

  test('only the traffic kinds are traffic effects', () => {
    assert.equal(isTrafficEffect({ kind: 'setTrafficWeight', weight: 1, reason: '' }), true);
    assert.equal(isTrafficEffect({ kind: 'deleteReplicaSet', name: 'x', reason: '' }), false);
  });
});

describe('recording the read-back', () => {
  const weights = { canary: { weight: 33, podTemplateHash: 'b' }, stable: { weight: 67, podTemplateHash: 'a' } };
  const status: RolloutStatus = { canary: { weights: { ...weights, verified: false } } };

  test('a read-back sets verified', () => {
    assert.equal(withVerifiedWeight(status, { weightRead: { verified: true }, events: [] }).canary?.weights?.verified, true);
  });

  test('no router able to verify removes verified, as Argo writes nil', () => {
    assert.deepEqual(withVerifiedWeight(status, { weightRead: { verified: undefined }, events: [] }).canary?.weights, weights);
  });

  test('effects other than setTrafficWeight leave the status alone', () => {
    assert.equal(withVerifiedWeight(status, { events: [] }), status);
  });
});
