import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.ts';
import { PODS, type KubeObject } from '../../kube/resources.ts';
import type { DirectReads } from '../observe.ts';
import { readIstioReferences } from './istio-references.ts';
import { clientTrafficKube, istioWatched, kindsWatched, managedDestinationRules, type RoutingCaches } from './traffic-kube.ts';
import { readRouterReferences, type RouterReferenceVersions } from './router-references.ts';
import { mappingType } from '../../traffic/ambassador/render.ts';

/**
 * observe()'s reads beyond the synced caches: the Istio, Ambassador and App Mesh objects a canary
 * names, from their informers when synced
 * (else GETs through the counted client), the DestinationRules marked as managed by the Rollout
 * (informer only), pods through the client with managedFields dropped as the informers drop them.
 */
export interface DirectReadVersions extends RouterReferenceVersions {
  istio: string;
}

export function clientDirectReads(client: KubeClient, versions: DirectReadVersions, signal?: AbortSignal, cached?: RoutingCaches): DirectReads {
  const istioApiVersion = versions.istio;
  const mapping = mappingType(versions.ambassador);
  return {
    istioReferences: async (namespace, spec) => {
      const watched = istioWatched(cached, istioApiVersion, namespace);
      const refs = await readIstioReferences(clientTrafficKube(client, { signal }, cached), istioApiVersion, namespace, spec);
      return refs && watched ? { ...refs, watched } : refs;
    },
    routerReferences: async (namespace, spec) => {
      const refs = await readRouterReferences(clientTrafficKube(client, { signal }, cached), versions, namespace, spec);
      if (!refs) return undefined;
      // A VirtualRouter is named by its VirtualService, not by the Rollout, so its changes do not
      // re-run the Rollout: App Mesh references are always looked at again while wrong.
      const kinds: Array<[string, string]> = refs.ambassadorMappings ? [[`${mapping.group}/${mapping.version}`, mapping.kind]] : [];
      const watched = !refs.appMesh && kindsWatched(cached, kinds, namespace);
      return watched ? { ...refs, watched } : refs;
    },
    managedDestinationRules: (namespace, rollout) => managedDestinationRules(cached, istioApiVersion, namespace, rollout),
    pods: async (namespace, labelSelector) => {
      const { items } = await client.listAll<KubeObject>(PODS, { namespace, ...(labelSelector ? { labelSelector } : {}), signal });
      return items.map((pod) => {
        if (pod.metadata) delete pod.metadata.managedFields;
        return pod as V1Pod;
      });
    },
  };
}
