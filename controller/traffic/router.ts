import { isJsonObject, type JsonObject } from '../kube/merge-patch.ts';
import type { SetHeaderRoute, SetMirrorRoute, WeightDestination } from './types.ts';
import { MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../api/labels.ts';
import type { OwnerReference, StoredObject } from '../kube/resources.ts';
export { MANAGED_BY_ROLLOUTS_ANNOTATION, POD_TEMPLATE_HASH_LABEL };

/**
 * One traffic router per provider configured under `spec.strategy.canary.trafficRouting`, as
 * Argo Rollouts' TrafficRoutingReconciler. A method a provider cannot perform is absent rather
 * than a no-op, so callers can tell "done" from "not supported".
 *
 * Every method reads the objects it needs, writes only what differs from the desired state and
 * resolves to the writes it made, for the caller to record as events.
 */
export interface TrafficRouter {
  /** Argo's provider type name: "Nginx", "Istio", "SMI", "Traefik". */
  readonly type: string;
  /**
   * Sends `desiredWeight` to the canary, each additional destination its own weight, and the
   * rest to stable.
   */
  setWeight(desiredWeight: number, additionalDestinations?: WeightDestination[]): Promise<TrafficWrite[]>;
  /** Sends requests that match the headers to the canary; a route without `match` is removed. */
  setHeaderRoute?(headerRouting: SetHeaderRoute): Promise<TrafficWrite[]>;
  /** Mirrors matching requests to the canary; a route without `match` is removed. */
  setMirrorRoute?(mirrorRoute: SetMirrorRoute): Promise<TrafficWrite[]>;
  /** Removes every header and mirror route the Rollout added, leaving the user's routes as they were. */
  removeManagedRoutes?(): Promise<TrafficWrite[]>;
  /** Reads the routing objects back: true once they carry exactly the desired weights. */
  verifyWeight?(desiredWeight: number, additionalDestinations?: WeightDestination[]): Promise<boolean>;
  /** Points the canary and stable subsets at the ReplicaSets' pod-template-hash ("" removes it). */
  updateHash?(canaryHash: string, stableHash: string, additionalDestinations?: WeightDestination[]): Promise<TrafficWrite[]>;
}

/**
 * A write a router made, with the event reason and message Argo Rollouts records for it; both
 * absent where Argo records none (SMI and Traefik weight changes).
 */
export interface TrafficWrite {
  verb: 'create' | 'patch' | 'delete';
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  reason?: string | undefined;
  message?: string | undefined;
}

export type { OwnerReference, StoredObject };

/**
 * The port through which routers reach the cluster. `get` resolves to null when the object does
 * not exist; `create` rejects with an error whose `code` (or `statusCode`) is 409 when it
 * already exists; `patch` applies a JSON merge patch (application/merge-patch+json).
 */
export interface TrafficKube {
  get(apiVersion: string, kind: string, namespace: string, name: string): Promise<StoredObject | null>;
  create(obj: StoredObject): Promise<StoredObject>;
  patch(apiVersion: string, kind: string, namespace: string, name: string, mergePatch: JsonObject): Promise<StoredObject>;
  delete(apiVersion: string, kind: string, namespace: string, name: string): Promise<void>;
}

/** A routing object is missing or cannot carry the routing the Rollout asks for. */
export class TrafficRoutingError extends Error {
  override readonly name = 'TrafficRoutingError';
  constructor(
    message: string,
    readonly object?: { kind: string; namespace: string; name: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The API server's "already exists" answer, however the client shapes its error. */
export function isAlreadyExists(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  return code === 409 || statusCode === 409;
}

/**
 * Makes a merge patch conditional on the object being unchanged since it was read: the API server
 * answers 409 Conflict otherwise, and the next pass recomputes from the newer object. Routers
 * replace whole route lists, so writing over a concurrent edit would lose it.
 */
export function guardedPatch(patch: JsonObject, read: StoredObject): JsonObject {
  const resourceVersion = read.metadata.resourceVersion;
  if (!resourceVersion) return patch;
  const metadata = isJsonObject(patch.metadata) ? patch.metadata : {};
  return { ...patch, metadata: { ...metadata, resourceVersion } };
}


