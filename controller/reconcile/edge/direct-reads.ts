import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.ts';
import { PODS, type KubeObject } from '../../kube/resources.ts';
import type { DirectReads } from '../observe.ts';
import { readIstioReferences } from './istio-references.ts';
import { clientTrafficKube } from './traffic-kube.ts';

/** observe()'s apiserver reads through the counted client; managedFields are dropped as the informers drop them. */
export function clientDirectReads(client: KubeClient, istioApiVersion: string, signal?: AbortSignal): DirectReads {
  return {
    istioReferences: (namespace, spec) => readIstioReferences(clientTrafficKube(client, { signal }), istioApiVersion, namespace, spec),
    pods: async (namespace, labelSelector) => {
      const { items } = await client.listAll<KubeObject>(PODS, { namespace, ...(labelSelector ? { labelSelector } : {}), signal });
      return items.map((pod) => {
        if (pod.metadata) delete pod.metadata.managedFields;
        return pod as V1Pod;
      });
    },
  };
}
