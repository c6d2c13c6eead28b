/**
 * The resource types the controller reads and writes, and the REST paths that address them.
 * Objects travel as plain JSON (timestamps stay strings), the same shape the API schemas parse.
 */

export interface ResourceType {
  /** "" for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Filtered by the controller-instance-id label, as Argo Rollouts filters its own kinds. */
  instanceScoped: boolean;
}

/** metav1.OwnerReference: the apiserver requires the first four fields. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean | undefined;
  blockOwnerDeletion?: boolean | undefined;
}

/** The few metadata fields the runtime itself reads; the API schemas type the rest. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: readonly unknown[];
    managedFields?: readonly unknown[];
  };
}

/**
 * An object as the apiserver stores it: kind, apiVersion and name are always set. The traffic
 * routers read and write their objects (Ingresses, VirtualServices, HTTPRoutes, …) in this shape.
 */
export interface StoredObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Omit<NonNullable<KubeObject['metadata']>, 'ownerReferences'> & { name: string; ownerReferences?: OwnerReference[] | undefined };
  [field: string]: unknown;
}

function resource(
  group: string,
  version: string,
  plural: string,
  kind: string,
  opts: { namespaced?: boolean; instanceScoped?: boolean } = {},
): ResourceType {
  return Object.freeze({
    group,
    version,
    plural,
    kind,
    namespaced: opts.namespaced ?? true,
    instanceScoped: opts.instanceScoped ?? false,
  });
}

export const ROLLOUTS = resource('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', { instanceScoped: true });
export const ANALYSIS_RUNS = resource('argoproj.io', 'v1alpha1', 'analysisruns', 'AnalysisRun', { instanceScoped: true });
export const ANALYSIS_TEMPLATES = resource('argoproj.io', 'v1alpha1', 'analysistemplates', 'AnalysisTemplate', { instanceScoped: true });
export const CLUSTER_ANALYSIS_TEMPLATES = resource('argoproj.io', 'v1alpha1', 'clusteranalysistemplates', 'ClusterAnalysisTemplate', {
  namespaced: false,
  instanceScoped: true,
});
export const EXPERIMENTS = resource('argoproj.io', 'v1alpha1', 'experiments', 'Experiment', { instanceScoped: true });
export const REPLICA_SETS = resource('apps', 'v1', 'replicasets', 'ReplicaSet');
export const DEPLOYMENTS = resource('apps', 'v1', 'deployments', 'Deployment');
export const SERVICES = resource('', 'v1', 'services', 'Service');
export const PODS = resource('', 'v1', 'pods', 'Pod');
export const POD_TEMPLATES = resource('', 'v1', 'podtemplates', 'PodTemplate');
export const EVENTS = resource('', 'v1', 'events', 'Event');
export const CONFIG_MAPS = resource('', 'v1', 'configmaps', 'ConfigMap');
export const SECRETS = resource('', 'v1', 'secrets', 'Secret');
export const NAMESPACES = resource('', 'v1', 'namespaces', 'Namespace', { namespaced: false });
export const INGRESSES = resource('networking.k8s.io', 'v1', 'ingresses', 'Ingress');
export const JOBS = resource('batch', 'v1', 'jobs', 'Job');
export const LEASES = resource('coordination.k8s.io', 'v1', 'leases', 'Lease');
/** Argo Rollouts' default Istio API version. */
export const ISTIO_VIRTUAL_SERVICES = resource('networking.istio.io', 'v1alpha3', 'virtualservices', 'VirtualService');
export const ISTIO_DESTINATION_RULES = resource('networking.istio.io', 'v1alpha3', 'destinationrules', 'DestinationRule');
/** The Gateway API routes the Gateway API router weights, at the versions Argo's plugin reads. */
export const GATEWAY_HTTP_ROUTES = resource('gateway.networking.k8s.io', 'v1', 'httproutes', 'HTTPRoute');
export const GATEWAY_GRPC_ROUTES = resource('gateway.networking.k8s.io', 'v1', 'grpcroutes', 'GRPCRoute');
export const GATEWAY_TCP_ROUTES = resource('gateway.networking.k8s.io', 'v1alpha2', 'tcproutes', 'TCPRoute');
export const GATEWAY_ROUTES: readonly ResourceType[] = [GATEWAY_HTTP_ROUTES, GATEWAY_GRPC_ROUTES, GATEWAY_TCP_ROUTES];
/**
 * Ambassador/Emissary Mappings, in the two groups Argo's Ambassador router knows: getambassador.io
 * (v2 by default, v3alpha1 with Emissary 2+) and x.getambassador.io's AmbassadorMapping. The
 * version is the controller's --ambassador-api-version.
 */
export const AMBASSADOR_MAPPINGS = resource('getambassador.io', 'v2', 'mappings', 'Mapping');
export const AMBASSADOR_X_MAPPINGS = resource('x.getambassador.io', 'v3alpha1', 'ambassadormappings', 'AmbassadorMapping');
/** APISIX ingress routes, at the one version Argo's APISIX router reads. */
export const APISIX_ROUTES = resource('apisix.apache.org', 'v2', 'apisixroutes', 'ApisixRoute');
/** The SMI TrafficSplit the SMI router owns, at Argo's default --traffic-split-api-version. */
export const SMI_TRAFFIC_SPLITS = resource('split.smi-spec.io', 'v1alpha1', 'trafficsplits', 'TrafficSplit');
/** The weighted TraefikService the Traefik router edits, in either of Traefik's API groups (--traefik-api-group). */
export const TRAEFIK_SERVICES = resource('traefik.io', 'v1alpha1', 'traefikservices', 'TraefikService');
export const TRAEFIK_CONTAINO_SERVICES = resource('traefik.containo.us', 'v1alpha1', 'traefikservices', 'TraefikService');
/** App Mesh's objects at Argo Rollouts' default --appmesh-crd-version. */
export const APPMESH_VIRTUAL_SERVICES = resource('appmesh.k8s.aws', 'v1beta2', 'virtualservices', 'VirtualService');
export const APPMESH_VIRTUAL_ROUTERS = resource('appmesh.k8s.aws', 'v1beta2', 'virtualrouters', 'VirtualRouter');
export const APPMESH_VIRTUAL_NODES = resource('appmesh.k8s.aws', 'v1beta2', 'virtualnodes', 'VirtualNode');
export const APPMESH_KINDS: readonly ResourceType[] = [APPMESH_VIRTUAL_SERVICES, APPMESH_VIRTUAL_ROUTERS, APPMESH_VIRTUAL_NODES];

export function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** kubectl's fully qualified name: "rollouts.argoproj.io", "services". */
export function qualifiedName(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

function groupVersionPath(type: ResourceType): string {
  return type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
}

/** Collection path; `namespace` undefined means all namespaces (or a cluster-scoped type). */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const ns = type.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${groupVersionPath(type)}${ns}/${type.plural}`;
}

export function objectPath(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): string {
  const sub = subresource ? `/${subresource}` : '';
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}${sub}`;
}
