import type { AppMeshTrafficRouting } from '../../api/traffic.ts';
import { createMergePatch } from '../../kube/merge-patch.ts';
import { APPMESH_VIRTUAL_NODES, APPMESH_VIRTUAL_ROUTERS, APPMESH_VIRTUAL_SERVICES, apiVersionOf } from '../../kube/resources.ts';
import { TrafficRoutingError, guardedPatch, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import { renderRouterWeights, renderVirtualNodeHash, virtualNodeHashes, virtualRouterRef, type AppMeshObject, type VirtualNodePair } from './render.ts';

export const APP_MESH_TYPE = 'AppMesh';

export interface AppMeshRouterOptions {
  /** appmesh.k8s.aws/<version>: the controller's --appmesh-crd-version (Argo's default v1beta2). */
  apiVersion?: string | undefined;
}

const FIELD = 'spec.strategy.canary.trafficRouting.appMesh';

/** What the controller changes on each kind; everything else the user owns. */
function managedFields(obj: AppMeshObject): unknown {
  if (obj.kind === 'VirtualRouter') return { spec: { routes: obj.spec?.routes ?? null } };
  return { metadata: { annotations: obj.metadata.annotations ?? {} }, spec: { podSelector: obj.spec?.podSelector ?? null } };
}

/**
 * App Mesh traffic routing, as Argo's: the weights of the canary and stable VirtualNodes in the
 * routes of the VirtualRouter behind the named VirtualService, and each VirtualNode's pod selector
 * pointed at its ReplicaSet's pod-template hash. App Mesh routes have no header or mirror routes
 * the Rollout manages, so those methods are absent (validation refuses such steps).
 */
export function createAppMeshRouter(target: RoutingTarget, config: AppMeshTrafficRouting, kube: TrafficKube, options: AppMeshRouterOptions = {}): TrafficRouter {
  const { namespace, rolloutName } = target;
  const rolloutRef = { kind: 'Rollout', namespace, name: rolloutName };
  const virtualService = config.virtualService;
  const group = config.virtualNodeGroup;
  if (!virtualService) {
    throw new TrafficRoutingError(`Rollout ${namespace}/${rolloutName}: ${FIELD}.virtualService: must provide virtual-service`, rolloutRef);
  }
  if (!group) {
    throw new TrafficRoutingError(`Rollout ${namespace}/${rolloutName}: ${FIELD}.virtualNodeGroup: must name the canary and stable VirtualNodes`, rolloutRef);
  }
  const version = options.apiVersion ?? apiVersionOf(APPMESH_VIRTUAL_ROUTERS);
  const nodes: VirtualNodePair = { namespace, stable: group.stableVirtualNodeRef.name, canary: group.canaryVirtualNodeRef.name };
  const routes = virtualService.routes ?? [];
  const maxWeight = target.trafficRouting.maxTrafficWeight ?? 100;

  async function read(kind: string, objNamespace: string, name: string, hint: string): Promise<AppMeshObject> {
    const obj = await kube.get(version, kind, objNamespace, name);
    if (!obj) {
      throw new TrafficRoutingError(`${kind} \`${name}\` not found in namespace \`${objNamespace}\`: ${hint}`, { kind, namespace: objNamespace, name });
    }
    return obj as AppMeshObject;
  }

  async function readVirtualRouter(): Promise<AppMeshObject> {
    const vs = await read(APPMESH_VIRTUAL_SERVICES.kind, namespace, virtualService!.name, `create it or correct ${FIELD}.virtualService.name`);
    const ref = virtualRouterRef(vs);
    return read(APPMESH_VIRTUAL_ROUTERS.kind, ref.namespace, ref.name, `create the VirtualRouter VirtualService \`${vs.metadata.name}\` names`);
  }

  async function write(current: AppMeshObject, desired: AppMeshObject, message: string): Promise<TrafficWrite[]> {
    const patch = createMergePatch(managedFields(current), managedFields(desired));
    if (!patch) return [];
    const objNamespace = current.metadata.namespace ?? namespace;
    const { kind, metadata } = current;
    await kube.patch(current.apiVersion, kind, objNamespace, metadata.name, guardedPatch(patch, current));
    return [{ verb: 'patch', apiVersion: current.apiVersion, kind, namespace: objNamespace, name: metadata.name, reason: `Updated${kind}`, message }];
  }

  async function updateVirtualNode(name: string, hash: string): Promise<TrafficWrite[]> {
    const vn = await read(APPMESH_VIRTUAL_NODES.kind, namespace, name, `create it or correct ${FIELD}.virtualNodeGroup`);
    return write(vn, renderVirtualNodeHash(vn, rolloutName, hash), `VirtualNode \`${name}\` podSelector set to ${hash}`);
  }

  return {
    type: APP_MESH_TYPE,

    async setWeight(desiredWeight) {
      const vr = await readVirtualRouter();
      return write(vr, renderRouterWeights(vr, nodes, routes, desiredWeight, maxWeight), `VirtualRouter \`${vr.metadata.name}\` set to desiredWeight '${desiredWeight}'`);
    },

    async updateHash(canaryHash, stableHash) {
      // Stable first, in Argo's order.
      const hashes = virtualNodeHashes(canaryHash, stableHash);
      return [...(await updateVirtualNode(nodes.stable, hashes.stable)), ...(await updateVirtualNode(nodes.canary, hashes.canary))];
    },

    // Argo's App Mesh router does not verify weights; reading the VirtualRouter back is cheap and
    // lets a setWeight step count only once the weights are there.
    async verifyWeight(desiredWeight) {
      const vr = await readVirtualRouter();
      return createMergePatch(managedFields(vr), managedFields(renderRouterWeights(vr, nodes, routes, desiredWeight, maxWeight))) === null;
    },
  };
}
