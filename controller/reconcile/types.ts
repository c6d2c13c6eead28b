import type { V1Ingress, V1LabelSelector, V1Pod, V1PodTemplateSpec, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { PodTemplateMetadata, SetHeaderRoute, SetMirrorRoute, WeightDestination } from '../api/index.ts';
import type { JsonObject } from '../kube/merge-patch.ts';
import type { StoredObject } from '../traffic/router.ts';
import type { IstioReferences } from '../api/validation/references.ts';
import type { RouterReferences } from './shared/router-references.ts';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, RolloutStatus } from '../api/index.ts';

/** A Rollout as read from the cluster: not yet validated, so every field is suspect. */
export interface RolloutObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: unknown;
  status?: RolloutStatus;
}

/** Everything one reconcile pass looks at, read from the informer caches. */
export interface Observed {
  rollout: RolloutObject;
  /** ReplicaSets controlled by the Rollout. */
  replicaSets: V1ReplicaSet[];
  /** The Services the strategy names, by name; a name missing here does not exist. */
  services: ReadonlyMap<string, V1Service>;
  /**
   * The Services in the Rollout's namespace whose managed-by annotation names it, whether or not
   * the strategy still names them. Absent when the caller does not observe them.
   */
  managedServices?: readonly V1Service[];
  /**
   * The NGINX stable Ingresses the canary names, by name; a name missing here does not exist.
   * Absent when the caller does not observe Ingresses (then they are not checked).
   */
  ingresses?: ReadonlyMap<string, V1Ingress>;
  /**
   * The VirtualServices and DestinationRule `trafficRouting.istio` names, read before the pass (from
   * the informers when they run, else from the apiserver). Absent when the caller does not read
   * them (then they are not checked). `watched`: informers hold both kinds, so a change to them
   * re-runs the Rollout and nothing needs to look again on a timer.
   */
  istio?: IstioReferences & { watched?: boolean };
  /** The Ambassador Mappings and App Mesh objects the canary names, read before the pass. */
  routerReferences?: RouterReferences;
  /** AnalysisRuns controlled by the Rollout. */
  analysisRuns: AnalysisRun[];
  /** Experiments controlled by the Rollout (its experiment steps'); none when absent. */
  experiments?: Experiment[];
  /** The pod template of `spec.workloadRef`'s Deployment, when the Rollout references one. */
  workloadTemplate?: { template?: V1PodTemplateSpec; selector?: V1LabelSelector; generation?: number; replicas?: number } | null;
  /** AnalysisTemplates (in the Rollout's namespace) its analyses name, by name; a name missing here does not exist. */
  analysisTemplates?: ReadonlyMap<string, AnalysisTemplate>;
  /** ClusterAnalysisTemplates its analyses name, by name. */
  clusterAnalysisTemplates?: ReadonlyMap<string, ClusterAnalysisTemplate>;
  /** Pods matching the Rollout's selector, read only while a spec.restartAt restart is pending. */
  pods?: V1Pod[];
  /**
   * The DestinationRules of the namespace whose managed-by annotation names this Rollout, from
   * their informer (absent while Istio's CRDs are not served): those it no longer references are
   * released.
   */
  managedDestinationRules?: StoredObject[];
  now: Date;
}

/**
 * Canary traffic routing, carried out through every router the Rollout configures
 * (controller/traffic). After setTrafficWeight, apply() reads the weight back into
 * `status.canary.weights.verified`.
 */
export type TrafficEffect =
  | { kind: 'removeManagedRoutes'; reason: string }
  | { kind: 'setHeaderRoute'; route: SetHeaderRoute; reason: string }
  | { kind: 'setMirrorRoute'; route: SetMirrorRoute; reason: string }
  | { kind: 'updateTrafficHash'; canaryHash: string; stableHash: string; additional?: WeightDestination[]; reason: string }
  /** `additional`: the running experiment's weighted templates (their Services), each its own share. */
  | { kind: 'setTrafficWeight'; weight: number; additional?: WeightDestination[]; reason: string };

/** What plan() wants done to objects other than the Rollout, applied in order before the status. */
export type Effect =
  | TrafficEffect
  | { kind: 'createReplicaSet'; replicaSet: V1ReplicaSet; reason: string }
  | { kind: 'patchReplicaSet'; name: string; patch: ReplicaSetPatch; reason: string }
  | { kind: 'deleteReplicaSet'; name: string; reason: string }
  /**
   * Rewrites the ephemeral labels and annotations of the running pods of a ReplicaSet: what
   * `existing` injected and `desired` no longer has goes, what `desired` has is set.
   */
  | { kind: 'syncPodMetadata'; replicaSet: string; podHash: string; existing?: PodTemplateMetadata; desired?: PodTemplateMetadata; reason: string }
  /** Sets the replicas of the Deployment spec.workloadRef names (workloadRef.scaleDown). */
  | { kind: 'scaleDeployment'; name: string; replicas: number; reason: string }
  /** Evicts a pod (policy/v1 Eviction, so PodDisruptionBudgets hold), for spec.restartAt. */
  | { kind: 'evictPod'; name: string; reason: string }
  | { kind: 'setServiceSelector'; service: string; hash: string; rollout: string; reason: string }
  /** Gives a Service back: its pod-template-hash selector and managed-by annotation removed. */
  | { kind: 'releaseService'; service: string; reason: string }
  | { kind: 'annotateRollout'; annotations: Record<string, string>; reason: string }
  | { kind: 'createAnalysisRun'; analysisRun: AnalysisRun; reason: string }
  /** Sets spec.terminate, which ends the run's measurements (Argo's cancelAnalysisRun). */
  | { kind: 'terminateAnalysisRun'; name: string; reason: string }
  | { kind: 'deleteAnalysisRun'; name: string; reason: string }
  /** Creates an experiment step's Experiment; one of that name the Rollout already started for this revision counts as created. */
  | { kind: 'createExperiment'; experiment: Experiment; reason: string }
  /** Sets spec.terminate (Argo's experimentutil.Terminate). */
  | { kind: 'terminateExperiment'; name: string; reason: string }
  | { kind: 'deleteExperiment'; name: string; reason: string }
  /** A merge patch of a DestinationRule (through the routing objects' port), e.g. to release one no longer referenced. */
  | { kind: 'patchDestinationRule'; apiVersion: string; name: string; patch: JsonObject; reason: string };

export interface ReplicaSetPatch {
  replicas?: number;
  /** null removes the annotation. */
  annotations?: Record<string, string | null>;
  minReadySeconds?: number;
  /** A merge patch of spec.template (ephemeral metadata, injected anti-affinity). */
  template?: JsonObject;
}

export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface Plan {
  effects: Effect[];
  /** The whole status the Rollout should have once the effects are applied. */
  status: RolloutStatus;
  /** Come back this soon even if nothing changes in the cluster (timed pauses, scale-down delays). */
  requeueAfterMs?: number;
  events: RolloutEvent[];
  /** Machine state after this pass, for logs and metrics. */
  state: string;
}
