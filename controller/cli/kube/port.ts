/**
 * The CLI's only way to the cluster: a handful of verbs over any resource, returning plain JSON
 * as the API server sends it. Commands, the shared write functions and tests depend on this
 * interface; kube/client-node.ts implements it over @kubernetes/client-node.
 */
export interface Resource {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

export const ROLLOUTS: Resource = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts', kind: 'Rollout', namespaced: true };
export const ANALYSIS_RUNS: Resource = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysisruns', kind: 'AnalysisRun', namespaced: true };
export const ANALYSIS_TEMPLATES: Resource = { group: 'argoproj.io', version: 'v1alpha1', plural: 'analysistemplates', kind: 'AnalysisTemplate', namespaced: true };
export const CLUSTER_ANALYSIS_TEMPLATES: Resource = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'clusteranalysistemplates',
  kind: 'ClusterAnalysisTemplate',
  namespaced: false,
};
export const REPLICA_SETS: Resource = { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true };
export const DEPLOYMENTS: Resource = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true };
export const PODS: Resource = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const POD_TEMPLATES: Resource = { group: '', version: 'v1', plural: 'podtemplates', kind: 'PodTemplate', namespaced: true };

export type KubeObject = Record<string, unknown> & { metadata?: { name?: string; namespace?: string; resourceVersion?: string } };

/** merge: application/merge-patch+json; json: application/json-patch+json. */
export type PatchType = 'merge' | 'json';

export interface PatchOptions {
  type: PatchType;
  subresource?: 'status';
}

export interface KubeClient {
  /** Where the API server is, for error messages. */
  readonly server: string;
  get(resource: Resource, namespace: string | undefined, name: string): Promise<KubeObject>;
  /** `namespace` undefined lists across all namespaces. */
  list(resource: Resource, namespace: string | undefined, labelSelector?: string): Promise<KubeObject[]>;
  patch(resource: Resource, namespace: string | undefined, name: string, body: unknown, opts: PatchOptions): Promise<KubeObject>;
  replace(resource: Resource, namespace: string | undefined, name: string, body: KubeObject): Promise<KubeObject>;
  create(resource: Resource, namespace: string | undefined, body: KubeObject): Promise<KubeObject>;
}

/** A request the API server answered with an error status. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    /** metav1.Status reason: NotFound, Forbidden, Conflict, Invalid, AlreadyExists, … */
    readonly reason: string,
    /** metav1.Status message, as the API server wrote it. */
    readonly serverMessage: string,
    readonly details: { name?: string; group?: string; kind?: string } = {},
  ) {
    super(serverMessage || `the API server answered ${status}${reason ? ` ${reason}` : ''}`);
    this.name = 'KubeApiError';
  }
}

/** The API server could not be reached at all (refused, unknown host, timeout, TLS failure). */
export class KubeUnreachableError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the API server at ${server}: ${reason}`, options);
    this.name = 'KubeUnreachableError';
  }
}

export function isNotFound(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && err.status === 404;
}

export function isConflict(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError && err.status === 409;
}
