import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.ts';
import { PODS, type KubeObject } from '../../kube/resources.ts';
import type { DirectReads } from '../observe.ts';
import { readIstioReferences } from './istio-references.ts';
import { clientTrafficKube, istioWatched, managedDestinationRules, type RoutingCaches } from './traffic-kube.ts';

/**
 * observe()'s reads beyond the synced caches: the Istio objects from their informers when synced
 * (else GETs through the counted client), the DestinationRules marked as managed by the Rollout
 * (informer only), pods through the client with managedFields dropped as the informers drop them.
 */
export function clientDirectReads(client: KubeClient, istioApiVersion: string, signal?: AbortSignal, cached?: RoutingCaches): DirectReads {
  return {
    istioReferences: async (namespace, spec) => {
      const watched = istioWatched(cached, istioApiVersion, namespace);
      const refs = await readIstioReferences(clientTrafficKube(client, { signal }, cached), istioApiVersion, namespace, spec);
      return refs && watched ? { ...refs, watched } : refs;
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
