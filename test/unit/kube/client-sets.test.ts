import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientSetOf, type ClientSet } from '../../../controller/kube/client-sets.ts';

describe('clientSetOf', () => {
  const table: Array<[string, ClientSet]> = [
    ['/api/v1/namespaces/a/events', 'kubernetes'],
    ['/api/v1/namespaces/a/services/active', 'kubernetes'],
    ['/apis/apps/v1/namespaces/a/replicasets?labelSelector=x', 'kubernetes'],
    ['/apis/networking.k8s.io/v1/namespaces/a/ingresses/web', 'kubernetes'],
    ['/apis/coordination.k8s.io/v1/namespaces/a/leases/ramp', 'kubernetes'],
    ['/apis/batch/v1/namespaces/a/jobs', 'kubernetes'],
    ['/apis', 'kubernetes'],
    ['/api', 'kubernetes'],
    ['/apis/argoproj.io/v1alpha1/namespaces/a/rollouts/x/status', 'argoproj'],
    ['/apis/argoproj.io/v1alpha1/clusteranalysistemplates', 'argoproj'],
    ['/apis/networking.istio.io/v1beta1/namespaces/a/virtualservices/x', 'dynamic'],
    ['/apis/gateway.networking.k8s.io/v1/namespaces/a/httproutes/x', 'dynamic'],
    ['/apis/split.smi-spec.io/v1alpha2/namespaces/a/trafficsplits', 'dynamic'],
  ];
  for (const [path, set] of table) {
    it(`${path} goes through the ${set} client set`, () => assert.equal(clientSetOf(`https://127.0.0.1:6443${path}`), set));
  }

  it('reads an unparsable URL as Kubernetes\'', () => assert.equal(clientSetOf('not a url'), 'kubernetes'));
});
