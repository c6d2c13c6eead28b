import type { Rollout } from '../../api/index.ts';
import { invalid, type FieldError } from '../../api/validation/field-error.ts';
import type { StoredObject } from '../../traffic/router.ts';
import { mappingWeight, type MappingObject } from '../../traffic/ambassador/render.ts';
import { routeRule, virtualRouterRef, type AppMeshObject } from '../../traffic/appmesh/render.ts';

/**
 * The Ambassador and App Mesh objects a canary names, read at the edge before the pass (from their
 * informers once the CRDs are served): Argo's getAmbassadorMappings and
 * getReferencedAppMeshResources. `null` is an object (or its CRD) that does not exist.
 */
export interface RouterReferences {
  /** Each name in `trafficRouting.ambassador.mappings`. */
  ambassadorMappings?: ReadonlyMap<string, StoredObject | null>;
  appMesh?: {
    virtualService: StoredObject | null;
    /** The VirtualRouter the VirtualService's provider names; absent when the VirtualService names none. */
    virtualRouter?: StoredObject | null;
    /** The canary and stable VirtualNodes of `virtualNodeGroup`, by name. */
    virtualNodes: ReadonlyMap<string, StoredObject | null>;
  };
  /** Whether every kind read comes from a synced informer, so a change re-runs the Rollout. */
  watched?: boolean;
}

const AMBASSADOR_FIELD = 'spec.strategy.canary.trafficRouting.ambassador.mappings';
const APPMESH_FIELD = 'spec.strategy.canary.trafficRouting.appMesh';

/**
 * Argo's ValidateAmbassadorMapping and ValidateAppMeshResource over what was read, so a missing or
 * unusable routing object is InvalidSpec before any ReplicaSet changes, not a routing error at the
 * first setWeight. Each error names the Rollout's field that leads to the object.
 */
export function routerReferenceErrors(rollout: Rollout, refs: RouterReferences | undefined): FieldError[] {
  if (!refs) return [];
  const routing = rollout.spec.strategy.canary?.trafficRouting;
  const errors: FieldError[] = [];
  for (const name of routing?.ambassador?.mappings ?? []) {
    const mapping = refs.ambassadorMappings?.get(name);
    if (mapping === undefined) continue;
    if (mapping === null) errors.push(invalid(AMBASSADOR_FIELD, name, `mappings.getambassador.io ${JSON.stringify(name)} not found`));
    else if (mappingWeight(mapping as MappingObject) !== 0) errors.push(invalid(AMBASSADOR_FIELD, name, `Ambassador mapping ${JSON.stringify(name)} can not define weight`));
  }
  const appMesh = routing?.appMesh;
  if (appMesh && refs.appMesh) errors.push(...appMeshErrors(appMesh, refs.appMesh));
  return errors;
}

type AppMeshConfig = NonNullable<NonNullable<Rollout['spec']['strategy']['canary']>['trafficRouting']>['appMesh'];

function appMeshErrors(config: NonNullable<AppMeshConfig>, refs: NonNullable<RouterReferences['appMesh']>): FieldError[] {
  const errors: FieldError[] = [];
  const vsField = `${APPMESH_FIELD}.virtualService`;
  const vsName = config.virtualService?.name ?? '';
  if (refs.virtualService === null) {
    errors.push(invalid(vsField, vsName, `virtualservices.appmesh.k8s.aws ${JSON.stringify(vsName)} not found`));
  } else {
    try {
      virtualRouterRef(refs.virtualService as AppMeshObject);
      if (refs.virtualRouter === null) {
        errors.push(invalid(vsField, vsName, `the VirtualRouter VirtualService ${JSON.stringify(vsName)} names is not found`));
      } else if (refs.virtualRouter) {
        const problem = virtualRouterProblem(refs.virtualRouter as AppMeshObject);
        if (problem) errors.push(invalid(vsField, vsName, problem));
      }
    } catch (err) {
      errors.push(invalid(vsField, vsName, (err as Error).message));
    }
  }
  const group = config.virtualNodeGroup;
  for (const [role, ref] of [['canaryVirtualNodeRef', group?.canaryVirtualNodeRef], ['stableVirtualNodeRef', group?.stableVirtualNodeRef]] as const) {
    if (ref && refs.virtualNodes.get(ref.name) === null) {
      errors.push(invalid(`${APPMESH_FIELD}.virtualNodeGroup.${role}.name`, ref.name, `virtualnodes.appmesh.k8s.aws ${JSON.stringify(ref.name)} not found`));
    }
  }
  return errors;
}

/** Argo's ValidateAppMeshVirtualRouter: routes exist, each has a rule with exactly two weighted targets. */
function virtualRouterProblem(vr: AppMeshObject): string | undefined {
  const name = vr.metadata.name;
  const routes = vr.spec?.routes;
  if (!Array.isArray(routes) || routes.length === 0) return `No routes defined for AppMesh virtual-router ${name}`;
  for (const [index, route] of routes.entries()) {
    if (route === null || typeof route !== 'object' || Array.isArray(route)) return `Invalid route was found for AppMesh virtual-router ${name} at index ${index}`;
    const routeName = String((route as { name?: unknown }).name ?? '');
    const found = routeRule(route as Record<string, unknown>);
    if (!found) return `Error getting route details for AppMesh virtual-router ${name} and route ${routeName}. Error: route has none of httpRoute, tcpRoute, http2Route, grpcRoute`;
    const targets = (found.rule.action as { weightedTargets?: unknown } | undefined)?.weightedTargets;
    if (!Array.isArray(targets)) return `Invalid route action found for AppMesh virtual-router ${name} and route ${routeName}`;
    if (targets.length !== 2) return `Invalid number of weightedTargets (${targets.length}) for AppMesh virtual-router ${name} and route ${routeName}, expected 2`;
  }
  return undefined;
}
