import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requestLabels } from '../../../controller/kube/request-labels.ts';

const server = 'https://127.0.0.1:6443';

describe('requestLabels', () => {
  const cases: Array<[string, string, string, { verb: string; kind: string }]> = [
    ['namespaced list', 'GET', '/api/v1/namespaces/default/pods', { verb: 'List', kind: 'pods' }],
    ['cluster-wide list', 'GET', '/apis/argoproj.io/v1alpha1/rollouts?labelSelector=x', { verb: 'List', kind: 'rollouts' }],
    ['get', 'GET', '/apis/apps/v1/namespaces/shop/replicasets/web-6d4f', { verb: 'Get', kind: 'replicasets' }],
    ['get a namespace', 'GET', '/api/v1/namespaces/shop', { verb: 'Get', kind: 'namespaces' }],
    ['list namespaces', 'GET', '/api/v1/namespaces', { verb: 'List', kind: 'namespaces' }],
    ['watch', 'GET', '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts?watch=true&resourceVersion=5', { verb: 'Watch', kind: 'rollouts' }],
    ['create', 'POST', '/apis/apps/v1/namespaces/shop/replicasets', { verb: 'Create', kind: 'replicasets' }],
    ['update', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/ops/leases/ramp-controller-lock', { verb: 'Update', kind: 'leases' }],
    ['status patch counts under the resource', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status', { verb: 'Patch', kind: 'rollouts' }],
    ['object name with dots', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web.v2', { verb: 'Patch', kind: 'rollouts' }],
    ['delete', 'DELETE', '/api/v1/namespaces/shop/services/web-canary', { verb: 'Delete', kind: 'services' }],
    ['discovery is unknown', 'GET', '/apis', { verb: 'Unknown', kind: 'Unknown' }],
    ['version is unknown', 'GET', '/version', { verb: 'Unknown', kind: 'Unknown' }],
  ];
  for (const [name, method, path, expected] of cases) {
    it(name, () => {
      assert.deepEqual(requestLabels(method, server + path), expected);
    });
  }

  it('labels never carry namespaces or names, so series stay bounded', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const labels = requestLabels('PATCH', `${server}/apis/argoproj.io/v1alpha1/namespaces/ns-${i}/rollouts/r-${i}/status`);
      kinds.add(`${labels.verb}/${labels.kind}`);
    }
    assert.deepEqual([...kinds], ['Patch/rollouts']);
  });
});
