// The analysis core's ports (Jobs, Secrets) over the counted KubeClient. Job
// reads go to the shared informer cache first: job measurements are resumed on
// every Job change, and the cache already holds the Job that changed.
import type { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { JOBS, PODS, SECRETS, type KubeObject } from '../../kube/resources.ts';
import type { Caches } from '../../runtime/types.ts';
import type { SecretPort } from '../args.ts';
import type { JobObject, JobPort, ObservedJob, ObservedPod } from '../providers/index.ts';
import { FIELD_MANAGER } from '../../api/labels.ts';

export { SECRETS };

interface SecretObject extends KubeObject {
  data?: Record<string, string>;
}

export function kubeSecretPort(client: KubeClient, signal?: AbortSignal): SecretPort {
  return {
    async get(namespace, name) {
      let secret: SecretObject;
      try {
        secret = await client.get<SecretObject>(SECRETS, namespace, name, { signal });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, 'base64').toString('utf8');
      return out;
    },
  };
}

export function kubeJobPort(client: KubeClient, caches: Caches | undefined, signal?: AbortSignal): JobPort {
  const cached = (namespace: string, name: string): ObservedJob | undefined =>
    caches?.informer<KubeObject>(JOBS).get(`${namespace}/${name}`) as ObservedJob | undefined;
  return {
    async create(namespace, job: JobObject) {
      try {
        return (await client.create(JOBS, { ...job, metadata: { ...job.metadata, namespace } } as KubeObject, {
          fieldManager: FIELD_MANAGER,
          signal,
        })) as ObservedJob;
      } catch (err) {
        if (isConflict(err)) return 'AlreadyExists';
        throw err;
      }
    },
    async get(namespace, name) {
      const hit = cached(namespace, name);
      if (hit) return hit;
      try {
        return (await client.get(JOBS, namespace, name, { signal })) as ObservedJob;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async delete(namespace, name) {
      try {
        await client.delete(JOBS, namespace, name, { propagationPolicy: 'Foreground', signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async list(namespace, labelSelector) {
      const { items } = await client.listAll<KubeObject>(JOBS, { namespace, labelSelector, signal });
      return items as ObservedJob[];
    },
    async pods(namespace, labelSelector) {
      // Read only while a Job runs, at the provider's growing resume delay; no pod informer for it.
      if (!labelSelector) return [];
      const { items } = await client.listAll<KubeObject>(PODS, { namespace, labelSelector, signal });
      return items as ObservedPod[];
    },
  };
}
