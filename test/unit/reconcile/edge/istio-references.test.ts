import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { istioReferenceNames, readIstioReferences } from '../../../../controller/reconcile/edge/istio-references.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';

const API = 'networking.istio.io/v1alpha3';

/** The get of the TrafficKube port over a fixed set of objects; every read is recorded. */
function objects(list: StoredObject[]) {
  const reads: string[] = [];
  return {
    reads,
    async get(apiVersion: string, kind: string, namespace: string, name: string): Promise<StoredObject | null> {
      reads.push(`${apiVersion} ${kind} ${namespace}/${name}`);
      return list.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name) ?? null;
    },
  };
}

const obj = (kind: string, namespace: string, name: string): StoredObject => ({ apiVersion: API, kind, metadata: { name, namespace } });
const spec = (istio: unknown) => ({ strategy: { canary: { trafficRouting: { istio } } } });

describe('istioReferenceNames', () => {
  it('takes virtualServices over virtualService, and the DestinationRule', () => {
    assert.deepEqual(
      istioReferenceNames(spec({ virtualService: { name: 'one' }, virtualServices: [{ name: 'a' }, { name: 'b.other' }, { name: 'a' }], destinationRule: { name: 'dr' } })),
      { virtualServices: ['a', 'b.other'], destinationRule: 'dr' },
    );
  });
  it('is undefined without Istio routing, and ignores names that are not strings', () => {
    assert.equal(istioReferenceNames({ strategy: { canary: { trafficRouting: { nginx: {} } } } }), undefined);
    assert.equal(istioReferenceNames(undefined), undefined);
    assert.deepEqual(istioReferenceNames(spec({ virtualService: { name: 7 }, destinationRule: {} })), { virtualServices: [] });
  });
});

describe('readIstioReferences', () => {
  it('reads each named object in its namespace at the given version; what is not found is left out', async () => {
    const kube = objects([obj('VirtualService', 'ns', 'a'), obj('VirtualService', 'other', 'b'), obj('DestinationRule', 'ns', 'dr')]);
    const refs = await readIstioReferences(kube, API, 'ns', spec({ virtualServices: [{ name: 'a' }, { name: 'b.other' }, { name: 'other/gone' }], destinationRule: { name: 'dr' } }));
    assert.deepEqual([...(refs?.virtualServices.keys() ?? [])], ['a', 'b.other']);
    assert.deepEqual([...(refs?.destinationRules.keys() ?? [])], ['dr']);
    assert.deepEqual(kube.reads, [`${API} VirtualService ns/a`, `${API} VirtualService other/b`, `${API} VirtualService other/gone`, `${API} DestinationRule ns/dr`]);
  });
  it('reads nothing for a Rollout without Istio routing, and never a name that cannot name an object', async () => {
    const kube = objects([]);
    assert.equal(await readIstioReferences(kube, API, 'ns', { strategy: { canary: {} } }), undefined);
    const refs = await readIstioReferences(kube, API, 'ns', spec({ virtualService: { name: '../../secrets' }, destinationRule: { name: 'Bad_Name' } }));
    assert.equal(refs?.virtualServices.size, 0);
    assert.equal(refs?.destinationRules.size, 0);
    assert.deepEqual(kube.reads, []);
  });
});
