import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { APPMESH_VIRTUAL_NODES, APPMESH_VIRTUAL_ROUTERS, type KubeObject } from '../../../controller/kube/resources.ts';
import { HASH_LABEL, service } from '../../support/rollouts.ts';
import { APP, checkServices, type Provider } from './canary.ts';

/** The App Mesh router's walk: a VirtualService provided by a VirtualRouter whose route splits between two VirtualNodes. */

const API = 'appmesh.k8s.aws/v1beta2';
const STABLE_NODE = `${APP}-stable-vn`;
const CANARY_NODE = `${APP}-canary-vn`;

interface VirtualRouterLike extends KubeObject {
  spec?: { routes?: Array<{ name?: string; httpRoute?: { action?: { weightedTargets?: Array<{ virtualNodeRef?: { name?: string }; weight?: number }> } } }> };
}
interface VirtualNodeLike extends KubeObject {
  spec?: { podSelector?: { matchLabels?: Record<string, string> } };
}

function virtualNode(name: string): KubeObject {
  return {
    apiVersion: API,
    kind: 'VirtualNode',
    metadata: { name },
    spec: { podSelector: { matchLabels: { app: APP } }, listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
  } as KubeObject;
}

const nodeHash = async (c: KubeClient, ns: string, name: string) =>
  (await c.get<VirtualNodeLike>(APPMESH_VIRTUAL_NODES, ns, name)).spec?.podSelector?.matchLabels?.[HASH_LABEL];

export const appMeshProvider: Provider = {
  name: 'App Mesh',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: {
      appMesh: {
        virtualService: { name: APP, routes: ['primary'] },
        virtualNodeGroup: { canaryVirtualNodeRef: { name: CANARY_NODE }, stableVirtualNodeRef: { name: STABLE_NODE } },
      },
    },
  },
  objects: [
    service(`${APP}-stable`, APP),
    service(`${APP}-canary`, APP),
    { apiVersion: API, kind: 'VirtualService', metadata: { name: APP }, spec: { provider: { virtualRouter: { virtualRouterRef: { name: `${APP}-router` } } } } } as KubeObject,
    {
      apiVersion: API,
      kind: 'VirtualRouter',
      metadata: { name: `${APP}-router` },
      spec: {
        listeners: [{ portMapping: { port: 80, protocol: 'http' } }],
        routes: [
          {
            name: 'primary',
            httpRoute: {
              match: { prefix: '/' },
              action: { weightedTargets: [{ virtualNodeRef: { name: STABLE_NODE }, weight: 100 }, { virtualNodeRef: { name: CANARY_NODE }, weight: 0 }] },
            },
          },
        ],
      },
    } as KubeObject,
    virtualNode(STABLE_NODE),
    virtualNode(CANARY_NODE),
  ],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    const vr = await c.get<VirtualRouterLike>(APPMESH_VIRTUAL_ROUTERS, ns, `${APP}-router`);
    const routes = vr.spec?.routes ?? [];
    assert.equal(routes.length, 1, 'the VirtualRouter keeps its one route');
    const targets = routes[0]?.httpRoute?.action?.weightedTargets ?? [];
    const weights = Object.fromEntries(targets.map((t) => [t.virtualNodeRef?.name ?? '?', t.weight ?? 0]));
    assert.deepEqual(weights, { [STABLE_NODE]: 100 - weight, [CANARY_NODE]: weight }, 'the weighted targets');
    // As Argo: an aborted canary keeps its hash (its Service goes back to the stable pods), and
    // when both are the same revision the canary node gets a placeholder, never the stable pods.
    const canaryHash = hashes.aborted ?? (hashes.canary === hashes.stable ? 'canary-hash' : hashes.canary);
    assert.equal(await nodeHash(c, ns, STABLE_NODE), hashes.stable, 'the stable VirtualNode selects the stable pods');
    assert.equal(await nodeHash(c, ns, CANARY_NODE), canaryHash, 'the canary VirtualNode selects the canary pods');
  },
};
