import type { KubeVerbs } from '../../controller/kube/client.ts';
import { EXPERIMENTS, type KubeObject } from '../../controller/kube/resources.ts';

/**
 * The writes behind `terminate experiment` and `retry experiment`: Argo's exact merge patches,
 * shared by the CLI and the tests. An Experiment has no status subresource, so the retry patch
 * clears its status on the object itself.
 */

export const TERMINATE_EXPERIMENT_PATCH = { spec: { terminate: true } } as const;
export const RETRY_EXPERIMENT_PATCH = { status: null } as const;

export function terminateExperiment(client: KubeVerbs, namespace: string, name: string): Promise<KubeObject> {
  return client.mergePatch(EXPERIMENTS, namespace, name, TERMINATE_EXPERIMENT_PATCH);
}

export function retryExperiment(client: KubeVerbs, namespace: string, name: string): Promise<KubeObject> {
  return client.mergePatch(EXPERIMENTS, namespace, name, RETRY_EXPERIMENT_PATCH);
}
