/**
 * The view model of a Rollout and the objects it owns, as Argo's `info.RolloutInfo`: everything
 * `get`, `list`, `explain` and the dashboard show, computed once from plain API objects.
 * Timestamps stay RFC 3339 strings; renderers turn them into ages against a clock they are given.
 */

/** The part of ObjectMeta the view model reads from ReplicaSets, Pods and AnalysisRuns. */
export interface MetaLike {
  name?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { uid: string; kind?: string; name?: string; controller?: boolean }[];
}

export interface ContainerLike {
  name: string;
  image?: string;
}

export interface PodTemplateLike {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
}

/** apps/v1 ReplicaSet as the API server sends it (JSON). */
export interface ReplicaSetLike {
  metadata: MetaLike;
  spec?: { replicas?: number; template?: PodTemplateLike };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number; signal?: number };
}

export interface ContainerStatusLike {
  name: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerStateLike;
}

/** core/v1 Pod as the API server sends it (JSON). */
export interface PodLike {
  metadata: MetaLike;
  spec?: { containers?: ContainerLike[]; initContainers?: ContainerLike[] };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    initContainerStatuses?: ContainerStatusLike[];
    containerStatuses?: ContainerStatusLike[];
  };
}

export interface ImageInfo {
  image: string;
  tags: string[];
}

export interface PodInfo {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  /** Argo's (and kubectl's) pod status word: Running, Pending, ImagePullBackOff, Init:0/1, … */
  status: string;
  icon: string;
  /** "readyContainers/totalContainers" */
  ready: string;
  readyContainers: number;
  totalContainers: number;
  restarts: number;
  /** The waiting or terminated message of the first container that has one. */
  message?: string;
}

export interface ReplicaSetInfo {
  name: string;
  namespace: string;
  uid: string;
  creationTimestamp?: string;
  revision: number;
  /** Healthy, Progressing, ReplicaFailure or ScaledDown. */
  status: string;
  icon: string;
  podTemplateHash?: string;
  desired: number;
  replicas: number;
  ready: number;
  available: number;
  images: string[];
  stable: boolean;
  canary: boolean;
  active: boolean;
  preview: boolean;
  ping: boolean;
  pong: boolean;
  /** RFC 3339 deadline from the scale-down-deadline annotation, empty when none. */
  scaleDownDeadline: string;
  /** The Experiment template this ReplicaSet runs, for an Experiment's ReplicaSets. */
  template?: string;
  pods: PodInfo[];
}

/** Argo's ExperimentInfo: an Experiment with its ReplicaSets (and pods) and AnalysisRuns. */
export interface ExperimentInfo {
  name: string;
  namespace: string;
  uid: string;
  creationTimestamp?: string;
  /** The Rollout revision that started it (its revision annotation); 0 for a stand-alone one. */
  revision: number;
  /** Pending, Running, Successful, Failed, Error or Inconclusive; empty before the controller's first pass. */
  status: string;
  icon: string;
  message: string;
  /** Its `duration`, and when every template became available (the duration counts from there). */
  duration?: string;
  availableAt?: string;
  images: ImageInfo[];
  replicaSets: ReplicaSetInfo[];
  analysisRuns: AnalysisRunInfo[];
}

export interface MeasurementInfo {
  phase: string;
  value?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface MetricInfo {
  name: string;
  phase: string;
  message?: string;
  successCondition?: string;
  failureCondition?: string;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  /** Undefined when the metric does not set it; Argo's default then applies. */
  failureLimit?: string;
  inconclusiveLimit?: string;
  consecutiveErrorLimit?: string;
  dryRun: boolean;
  measurements: MeasurementInfo[];
}

export interface JobInfo {
  name: string;
  metricName: string;
  status: string;
  icon: string;
  startedAt?: string;
}

export interface AnalysisRunInfo {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  revision: number;
  /** The AnalysisRun phase; empty until the controller first reconciles it. */
  status: string;
  icon: string;
  message?: string;
  startedAt?: string;
  completedAt?: string;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  metrics: MetricInfo[];
  jobs: JobInfo[];
}

export interface PauseInfo {
  reason: string;
  startTime: string;
}

export interface ConditionInfo {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export type StrategyName = 'Canary' | 'BlueGreen' | 'unknown';

export interface RolloutInfo {
  name: string;
  namespace: string;
  uid: string;
  creationTimestamp?: string;
  resourceVersion?: string;
  /** Healthy, Progressing, Paused or Degraded, as Argo computes it. */
  status: string;
  message: string;
  icon: string;
  strategy: StrategyName;
  /** "current/total" for a canary with steps, empty otherwise. */
  step: string;
  currentStepIndex?: number;
  steps: string[];
  /** Desired canary weight; empty for blue-green. */
  setWeight: string;
  /** Weight the canary really has: from traffic routing status or the available pod ratio. */
  actualWeight: string;
  containers: ContainerLike[];
  images: ImageInfo[];
  restartedAt: string;
  observedGeneration: string;
  generation?: number;
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
  manuallyPaused: boolean;
  pauseConditions: PauseInfo[];
  aborted: boolean;
  abortedAt?: string;
  promoteFull: boolean;
  conditions: ConditionInfo[];
  stableHash: string;
  currentHash: string;
  activeSelector: string;
  previewSelector: string;
  services: { stable?: string; canary?: string; active?: string; preview?: string };
  /** Seconds the current canary pause step lasts; undefined for a pause until promoted. */
  pauseDurationSeconds?: number;
  autoPromotionEnabled: boolean;
  autoPromotionSeconds?: number;
  progressDeadlineSeconds: number;
  /** Traffic router in use (nginx, istio, …), empty without traffic routing. */
  trafficRouter: string;
  replicaSets: ReplicaSetInfo[];
  analysisRuns: AnalysisRunInfo[];
  /** The Experiments of its experiment steps. */
  experiments: ExperimentInfo[];
}
