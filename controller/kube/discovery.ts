/**
 * Aggregated discovery (GET /apis answered as apidiscovery.k8s.io/v2 APIGroupDiscoveryList, served
 * since Kubernetes 1.26 and on by default since 1.30): every group, version and resource in one
 * response, where the classic discovery takes one request per group/version. Pure.
 */

/** What the request asks for; an apiserver without aggregated discovery answers the classic APIGroupList. */
export const AGGREGATED_DISCOVERY_ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

interface GroupDiscoveryList {
  kind?: string;
  items?: Array<{ metadata?: { name?: string }; versions?: Array<{ version?: string; resources?: Array<{ resource?: string }> }> }>;
}

/**
 * The plurals served per "group/version", or undefined when `doc` is not an aggregated discovery
 * document (the apiserver does not offer it: ask each group/version instead).
 */
export function servedByGroupVersion(doc: unknown): Map<string, Set<string>> | undefined {
  const list = doc as GroupDiscoveryList | undefined;
  if (list?.kind !== 'APIGroupDiscoveryList' || !Array.isArray(list.items)) return undefined;
  const served = new Map<string, Set<string>>();
  for (const group of list.items) {
    for (const v of group.versions ?? []) {
      if (typeof group.metadata?.name !== 'string' || typeof v.version !== 'string') continue;
      const plurals = (v.resources ?? []).map((r) => r.resource).filter((r): r is string => typeof r === 'string');
      served.set(`${group.metadata.name}/${v.version}`, new Set(plurals));
    }
  }
  return served;
}
