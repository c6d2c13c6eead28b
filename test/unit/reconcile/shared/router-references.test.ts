import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Rollout } from '../../../../controller/api/index.ts';
import { readRouterReferences } from '../../../../controller/reconcile/edge/router-references.ts';
import { routerReferenceErrors } from '../../../../controller/reconcile/shared/router-references.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';
import type { RolloutTrafficRouting } from '../../../../controller/traffic/types.ts';
import { NAMESPACE, rollout } from '../../traffic/support/fixtures.ts';
import { MemoryKube } from '../../traffic/support/memory-kube.ts';

const VERSIONS = { ambassador: 'getambassador.io/v2', appMesh: 'appmesh.k8s.aws/v1beta2' };
const MESH = 'appmesh.k8s.aws/v1beta2';
const APPMESH: RolloutTrafficRouting = {
  appMesh: {
    virtualService: { name: 'web' },
    virtualNodeGroup: { canaryVirtualNodeRef: { name: 'web-canary' }, stableVirtualNodeRef: { name: 'web-stable' } },
  },
};

const mapping = (name: string, spec: Record<string, unknown> = {}): StoredObject => ({
  apiVersion: VERSIONS.ambassador,
  kind: 'Mapping',
  metadata: { name, namespace: NAMESPACE },
  spec: { prefix: '/', service: 'web-stable:80', ...spec },
});
const meshObject = (kind: string, name: string, spec: Record<string, unknown> = {}): StoredObject => ({ apiVersion: MESH, kind, metadata: { name, namespace: NAMESPACE }, spec });
const targets = [{ virtualNodeRef: { name: 'web-stable' }, weight: 100 }, { virtualNodeRef: { name: 'web-canary' }, weight: 0 }];
const meshObjects = (routes: unknown[] = [{ name: 'primary', httpRoute: { action: { weightedTargets: targets } } }]): StoredObject[] => [
  meshObject('VirtualService', 'web', { provider: { virtualRouter: { virtualRouterRef: { name: 'web-router' } } } }),
  meshObject('VirtualRouter', 'web-router', { routes }),
  meshObject('VirtualNode', 'web-stable'),
  meshObject('VirtualNode', 'web-canary'),
];

/** What the reconciler reads for `routing` over `objects`, then what validation says of it. */
async function errors(routing: RolloutTrafficRouting, objects: StoredObject[]): Promise<string[]> {
  const subject = rollout(routing);
  const refs = await readRouterReferences(new MemoryKube(objects), VERSIONS, NAMESPACE, subject.spec);
  return routerReferenceErrors(subject as unknown as Rollout, refs).map((e) => `${e.field}: ${e.message}`);
}

describe('routing objects a canary names, validated before any ReplicaSet (Argo getAmbassadorMappings, getReferencedAppMeshResources)', () => {
  it('reads nothing for a Rollout that routes through neither Ambassador nor App Mesh', async () => {
    const kube = new MemoryKube([]);
    assert.equal(await readRouterReferences(kube, VERSIONS, NAMESPACE, rollout({ nginx: { stableIngress: 'web' } }).spec), undefined);
  });

  it('accepts Mappings that exist without a weight, and App Mesh objects Argo accepts', async () => {
    assert.deepEqual(await errors({ ambassador: { mappings: ['web', 'web-admin'] } }, [mapping('web'), mapping('web-admin')]), []);
    assert.deepEqual(await errors(APPMESH, meshObjects()), []);
  });

  it('names each missing Mapping and a Mapping that sets a weight', async () => {
    assert.deepEqual(await errors({ ambassador: { mappings: ['web', 'gone'] } }, [mapping('web', { weight: 20 })]), [
      'spec.strategy.canary.trafficRouting.ambassador.mappings: Invalid value: "web": Ambassador mapping "web" can not define weight',
      'spec.strategy.canary.trafficRouting.ambassador.mappings: Invalid value: "gone": mappings.getambassador.io "gone" not found',
    ]);
  });

  it('names a missing App Mesh VirtualService, VirtualRouter and VirtualNode', async () => {
    const [vs, vr, stable] = meshObjects();
    assert.deepEqual(await errors(APPMESH, [vr!, stable!]), [
      'spec.strategy.canary.trafficRouting.appMesh.virtualService: Invalid value: "web": virtualservices.appmesh.k8s.aws "web" not found',
      'spec.strategy.canary.trafficRouting.appMesh.virtualNodeGroup.canaryVirtualNodeRef.name: Invalid value: "web-canary": virtualnodes.appmesh.k8s.aws "web-canary" not found',
    ]);
    assert.deepEqual(await errors(APPMESH, [vs!, ...meshObjects().slice(2)]), [
      'spec.strategy.canary.trafficRouting.appMesh.virtualService: Invalid value: "web": the VirtualRouter VirtualService "web" names is not found',
    ]);
  });

  it('refuses a VirtualService with no VirtualRouter and a VirtualRouter whose routes cannot carry a canary', async () => {
    const [, , ...nodes] = meshObjects();
    const noRouter = await errors(APPMESH, [meshObject('VirtualService', 'web', { provider: { virtualNode: { virtualNodeRef: { name: 'web-stable' } } } }), ...nodes]);
    assert.equal(noRouter.length, 1);
    assert.match(noRouter[0]!, /appMesh\.virtualService: .*Virtual-service is not associated with virtual-router/);
    const cases: Array<[unknown[], string]> = [
      [[], 'No routes defined for AppMesh virtual-router web-router'],
      [['x'], 'Invalid route was found for AppMesh virtual-router web-router at index 0'],
      [[{ name: 'primary', httpRoute: {} }], 'Invalid route action found for AppMesh virtual-router web-router and route primary'],
      [[{ name: 'primary', tcpRoute: { action: { weightedTargets: [targets[0]] } } }], 'Invalid number of weightedTargets (1) for AppMesh virtual-router web-router and route primary, expected 2'],
      [[{ name: 'primary', match: {} }], 'Error getting route details for AppMesh virtual-router web-router and route primary'],
    ];
    for (const [routes, message] of cases) {
      const found = await errors(APPMESH, meshObjects(routes));
      assert.equal(found.length, 1, JSON.stringify(routes));
      assert.ok(found[0]!.startsWith(`spec.strategy.canary.trafficRouting.appMesh.virtualService: Invalid value: "web": ${message}`), found[0]);
    }
  });
});
