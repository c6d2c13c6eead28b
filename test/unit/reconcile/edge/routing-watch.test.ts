import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Informer } from '../../../../controller/kube/informer.ts';
import type { KubeObject, ResourceType } from '../../../../controller/kube/resources.ts';
import { routingObjectKeys } from '../../../../controller/reconcile/edge/routing-watch.ts';
import type { Caches } from '../../../../controller/runtime/types.ts';

const rollout = (namespace: string, name: string, trafficRouting: unknown): KubeObject =>
  ({ metadata: { namespace, name }, spec: { strategy: { canary: { trafficRouting } } } }) as KubeObject;

/** Caches holding only these Rollouts. */
const withRollouts = (rollouts: KubeObject[]): Caches => ({
  informer<T extends KubeObject>(_type: ResourceType): Informer<T> {
    return { list: (ns?: string) => rollouts.filter((r) => !ns || r.metadata?.namespace === ns) } as unknown as Informer<T>;
  },
});

const object = (namespace: string, name: string, owners: unknown[] = []): KubeObject => ({ metadata: { namespace, name, ownerReferences: owners } });

describe('routing objects wake the Rollouts they concern', () => {
  const caches = withRollouts([
    rollout('shop', 'istio', { istio: { virtualServices: [{ name: 'web-vs' }, { name: 'edge.gateways' }], destinationRule: { name: 'web-dr' } } }),
    rollout('shop', 'gateway', { plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'web-route', namespace: 'shop' } } }),
    rollout('shop', 'plain', undefined),
    rollout('other', 'istio', { istio: { virtualService: { name: 'web-vs' } } }),
  ]);

  it('a name under trafficRouting, in the Rollout\'s namespace, whatever the router', () => {
    assert.deepEqual(routingObjectKeys(object('shop', 'web-vs'), caches), ['shop/istio']);
    assert.deepEqual(routingObjectKeys(object('shop', 'web-dr'), caches), ['shop/istio']);
    assert.deepEqual(routingObjectKeys(object('shop', 'web-route'), caches), ['shop/gateway']);
    assert.deepEqual(routingObjectKeys(object('shop', 'unrelated'), caches), []);
  });

  it('a qualified name across namespaces (Istio\'s name.namespace)', () => {
    assert.deepEqual(routingObjectKeys(object('gateways', 'edge'), caches), ['shop/istio']);
  });

  it('the Rollout that owns it (a canary Mapping, a header route)', () => {
    const owned = object('shop', 'web-canary', [{ kind: 'Rollout', name: 'plain', uid: 'u', controller: true }]);
    assert.deepEqual(routingObjectKeys(owned, caches), ['shop/plain']);
  });

  it('the Rollout its managed-by annotation names, which may no longer reference it (so it releases it)', () => {
    const marked: KubeObject = { metadata: { namespace: 'shop', name: 'old-dr', annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'plain' } } };
    assert.deepEqual(routingObjectKeys(marked, caches), ['shop/plain']);
  });
});
