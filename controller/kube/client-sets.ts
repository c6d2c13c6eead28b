import type { Clock } from './clock.ts';
import { TokenBucket } from './token-bucket.ts';

/**
 * The client sets Argo Rollouts' controller splits its requests over, each built from the same
 * rest config and so each with a token bucket of its own: `--qps 40` there means 40 a second for
 * Kubernetes' own APIs (ReplicaSets, Services, Ingresses, Events, Leases), 40 for argoproj.io
 * (Rollouts and analysis) and 40 for every other API (traffic routers' objects, through the
 * dynamic client). Ramp reads `--qps` and `--burst` the same way, so a team's tuning carries over.
 */
export type ClientSet = 'kubernetes' | 'argoproj' | 'dynamic';

/** The API groups Kubernetes itself serves; everything else is a CustomResourceDefinition's. */
const BUILT_IN_GROUPS = new Set([
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'apps',
  'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io',
  'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy',
  'rbac.authorization.k8s.io', 'resource.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** The client set a request to `url` goes through; discovery and anything unparsable count as Kubernetes'. */
export function clientSetOf(url: string): ClientSet {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return 'kubernetes';
  }
  const parts = path.split('/').filter((p) => p.length > 0);
  if (parts[0] !== 'apis' || parts[1] === undefined) return 'kubernetes';
  if (parts[1] === 'argoproj.io') return 'argoproj';
  return BUILT_IN_GROUPS.has(parts[1]) ? 'kubernetes' : 'dynamic';
}

/**
 * The lookup a rate-limited transport takes: the bucket of a request's client set, one per set,
 * each with the full --qps and --burst.
 */
export function clientSetBuckets(qps: number, burst: number, clock: Clock): (url: string) => TokenBucket {
  const buckets = new Map<ClientSet, TokenBucket>();
  return (url) => {
    const set = clientSetOf(url);
    let bucket = buckets.get(set);
    if (!bucket) {
      bucket = new TokenBucket(qps, burst, clock);
      buckets.set(set, bucket);
    }
    return bucket;
  };
}
