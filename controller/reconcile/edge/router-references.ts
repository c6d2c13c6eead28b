import { APPMESH_VIRTUAL_NODES, APPMESH_VIRTUAL_ROUTERS, APPMESH_VIRTUAL_SERVICES } from '../../kube/resources.ts';
import type { StoredObject, TrafficKube } from '../../traffic/router.ts';
import { mappingType } from '../../traffic/ambassador/render.ts';
import { virtualRouterRef, type AppMeshObject } from '../../traffic/appmesh/render.ts';
import type { RouterReferences } from '../shared/router-references.ts';
import { OBJECT_NAME } from './istio-references.ts';

/** The group/versions the controller addresses Ambassador Mappings and App Mesh objects at. */
export interface RouterReferenceVersions {
  ambassador: string;
  appMesh: string;
}


interface RoutingNames {
  mappings?: string[];
  appMesh?: { virtualService?: string; virtualNodes: string[] };
}

/** The names `trafficRouting.ambassador` and `.appMesh` hold, from the unvalidated spec. */
function routingNames(spec: unknown): RoutingNames | undefined {
  const routing = (spec as { strategy?: { canary?: { trafficRouting?: Record<string, unknown> } } } | undefined)?.strategy?.canary?.trafficRouting;
  if (!routing || typeof routing !== 'object') return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const names: RoutingNames = {};
  const ambassador = routing.ambassador as { mappings?: unknown } | undefined;
  if (ambassador && Array.isArray(ambassador.mappings)) names.mappings = [...new Set(ambassador.mappings.map(text).filter((n): n is string => n !== undefined))];
  const appMesh = routing.appMesh as { virtualService?: { name?: unknown }; virtualNodeGroup?: Record<string, { name?: unknown } | undefined> } | undefined;
  if (appMesh && typeof appMesh === 'object') {
    const group = appMesh.virtualNodeGroup ?? {};
    const virtualNodes = [group.canaryVirtualNodeRef?.name, group.stableVirtualNodeRef?.name].map(text).filter((n): n is string => n !== undefined);
    const virtualService = text(appMesh.virtualService?.name);
    names.appMesh = virtualService ? { virtualService, virtualNodes } : { virtualNodes };
  }
  return names.mappings || names.appMesh ? names : undefined;
}

/**
 * Reads the Ambassador Mappings and App Mesh objects a canary names through the routers' port
 * (informers when synced, else GETs); undefined when the Rollout routes through neither.
 */
export async function readRouterReferences(
  kube: Pick<TrafficKube, 'get'>,
  versions: RouterReferenceVersions,
  namespace: string,
  spec: unknown,
): Promise<RouterReferences | undefined> {
  const names = routingNames(spec);
  if (!names) return undefined;
  const read = async (apiVersion: string, kind: string, objNamespace: string, name: string): Promise<StoredObject | null> =>
    OBJECT_NAME.test(name) && OBJECT_NAME.test(objNamespace) ? kube.get(apiVersion, kind, objNamespace, name) : null;
  const refs: { -readonly [K in keyof RouterReferences]: RouterReferences[K] } = {};
  if (names.mappings) {
    const type = mappingType(versions.ambassador);
    const apiVersion = `${type.group}/${type.version}`;
    const mappings = new Map<string, StoredObject | null>();
    for (const name of names.mappings) mappings.set(name, await read(apiVersion, type.kind, namespace, name));
    refs.ambassadorMappings = mappings;
  }
  if (names.appMesh) {
    const virtualNodes = new Map<string, StoredObject | null>();
    for (const name of names.appMesh.virtualNodes) virtualNodes.set(name, await read(versions.appMesh, APPMESH_VIRTUAL_NODES.kind, namespace, name));
    const vsName = names.appMesh.virtualService;
    const virtualService = vsName ? await read(versions.appMesh, APPMESH_VIRTUAL_SERVICES.kind, namespace, vsName) : null;
    let virtualRouter: StoredObject | null | undefined;
    if (virtualService) {
      try {
        const ref = virtualRouterRef(virtualService as AppMeshObject);
        virtualRouter = await read(versions.appMesh, APPMESH_VIRTUAL_ROUTERS.kind, ref.namespace, ref.name);
      } catch {
        // A VirtualService with no VirtualRouter: validation reports it from the VirtualService.
      }
    }
    if (vsName) refs.appMesh = { virtualService, ...(virtualRouter !== undefined ? { virtualRouter } : {}), virtualNodes };
  }
  return refs;
}
