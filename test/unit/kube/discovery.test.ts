import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { servedByGroupVersion } from '../../../controller/kube/discovery.ts';

describe('aggregated discovery', () => {
  test('an APIGroupDiscoveryList gives the plurals served per group/version', () => {
    const served = servedByGroupVersion({
      apiVersion: 'apidiscovery.k8s.io/v2',
      kind: 'APIGroupDiscoveryList',
      items: [
        { metadata: { name: 'networking.istio.io' }, versions: [{ version: 'v1beta1', resources: [{ resource: 'virtualservices' }, { resource: 'destinationrules' }] }, { version: 'v1alpha3', resources: [{ resource: 'virtualservices' }] }] },
        { metadata: { name: 'argoproj.io' }, versions: [{ version: 'v1alpha1', resources: [{ resource: 'rollouts' }] }] },
      ],
    });
    assert.deepEqual([...served!.keys()], ['networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3', 'argoproj.io/v1alpha1']);
    assert.deepEqual([...served!.get('networking.istio.io/v1beta1')!], ['virtualservices', 'destinationrules']);
  });

  test('the classic APIGroupList (an apiserver without aggregated discovery) answers undefined', () => {
    assert.equal(servedByGroupVersion({ kind: 'APIGroupList', groups: [{ name: 'apps' }] }), undefined);
    assert.equal(servedByGroupVersion(undefined), undefined);
  });
});
