import type { KubeClient } from './client.ts';
import { isNotFound } from './errors.ts';
import type { LeaseRecord, LeaseStore, StoredLease } from './leader-election.ts';
import { apiVersionOf, LEASES, type KubeObject } from './resources.ts';

interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number | null;
  };
}

function toStored(lease: LeaseObject): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTime: spec.acquireTime ?? undefined,
      renewTime: spec.renewTime ?? undefined,
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

/**
 * The Lease port over the cluster: a 409 from create/replace surfaces as a KubeApiError with status 409.
 * Its requests go in the rate limiter's Lease lane, which never waits behind the reconcilers'.
 */
export function kubeLeaseStore(client: KubeClient, namespace: string, name: string): LeaseStore {
  const body = (record: LeaseRecord, resourceVersion?: string): LeaseObject => ({
    apiVersion: apiVersionOf(LEASES),
    kind: LEASES.kind,
    metadata: { namespace, name, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: { ...record },
  });
  return {
    description: `${namespace}/${name}`,
    async get(signal) {
      try {
        return toStored(await client.inLane('lease', () => client.get<LeaseObject>(LEASES, namespace, name, { signal })));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record, signal) {
      return toStored(await client.inLane('lease', () => client.create<LeaseObject>(LEASES, body(record), { signal })));
    },
    async replace(record, resourceVersion, signal) {
      return toStored(await client.inLane('lease', () => client.replace<LeaseObject>(LEASES, body(record, resourceVersion), { signal })));
    },
  };
}
