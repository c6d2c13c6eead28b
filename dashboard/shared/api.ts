/**
 * The dashboard's HTTP contract, shared by the server and the web app. Types only, plus the
 * action names: nothing here may import Node modules, since the browser bundle includes it.
 */
import type { ExperimentInfo, ImageInfo, PauseInfo, RolloutInfo, StrategyName } from '../../client/info/types.ts';

export type { AnalysisRunInfo, PodInfo, ReplicaSetInfo, RolloutInfo } from '../../client/info/types.ts';

/** Writes the dashboard offers, each the CLI verb of the same name (`set-image` is `set image`). */
export const ACTIONS = ['promote', 'promote-full', 'pause', 'resume', 'abort', 'retry', 'restart', 'undo', 'set-image'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** One row of the rollout list. */
export interface RolloutSummary {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  strategy: StrategyName;
  /** Healthy, Progressing, Paused or Degraded. */
  status: string;
  message: string;
  /** "current/total" for a canary with steps, empty otherwise. */
  step: string;
  setWeight: string;
  actualWeight: string;
  images: ImageInfo[];
  desired: number;
  current: number;
  updated: number;
  ready: number;
  available: number;
  aborted: boolean;
  manuallyPaused: boolean;
  pauseConditions: PauseInfo[];
  /** Why a person should look at it now; empty when nothing needs doing. */
  attention: AttentionReason[];
  /** The Experiment the current canary step runs, while it runs. */
  experiment?: string;
}

/**
 * The "needs attention" filter: Degraded, paused until a person promotes or resumes it, or an
 * analysis of the newest revision failing.
 */
export const ATTENTION_REASONS = ['Degraded', 'WaitingForPromotion', 'AnalysisFailing'] as const;
export type AttentionReason = (typeof ATTENTION_REASONS)[number];

export type StepKind =
  | 'setWeight'
  | 'pause'
  | 'analysis'
  | 'experiment'
  | 'setCanaryScale'
  | 'setHeaderRoute'
  | 'setMirrorRoute'
  | 'plugin'
  | 'unknown';

export interface StepView {
  index: number;
  kind: StepKind;
  /** Argo's CanaryStepString: "setWeight: 20", "pause: 30s", "pause", "analysis", … */
  label: string;
  /** Pause steps with a duration. */
  durationSeconds?: number;
  state: 'done' | 'current' | 'pending';
  /** Experiment steps: the Experiment this step runs, while it runs. */
  experiment?: string;
}

/** The pause the rollout waits on now, with when it ends by itself (if it does). */
export interface PauseView {
  reason: string;
  startTime: string;
  durationSeconds?: number;
  /** RFC 3339; absent for a pause that waits to be promoted. */
  endsAt?: string;
}

/** The canary weights at one moment; a new point is kept only when something changed. */
export interface WeightPoint {
  /** RFC 3339. */
  time: string;
  setWeight: number;
  actualWeight: number;
  stepIndex?: number;
}

export interface EventView {
  /** Normal or Warning. */
  type: string;
  reason: string;
  message: string;
  count: number;
  /** RFC 3339: the last time the event was seen. */
  time?: string;
  object: { kind: string; name: string };
}

/** One revision of the rollout: its ReplicaSet and the AnalysisRuns of that revision. */
export interface RevisionEntry {
  revision: number;
  createdAt?: string;
  podTemplateHash?: string;
  replicaSet: string;
  images: string[];
  /** stable, canary, active, preview, ping, pong. */
  tags: string[];
  /** The ReplicaSet's health: Healthy, Progressing, ReplicaFailure or ScaledDown. */
  status: string;
  desired: number;
  ready: number;
  analysisRuns: { name: string; status: string }[];
}

/** A comparison of the measured value against a number, read from a metric's condition. */
export interface Threshold {
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
  /** The condition as written in the metric. */
  condition: string;
}

export interface MeasurementPoint {
  time?: string;
  /** The numeric value, or null when the measurement has none (errors, non-numeric results). */
  value: number | null;
  phase: string;
  raw?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why the measurement failed or errored, as the provider said. */
  message?: string;
}

/** What a metric asks its provider, without credentials: `prometheus` with its query, `web` with url and jsonPath, … */
export interface MetricQuery {
  provider: string;
  lines: { label: string; text: string }[];
}

export interface MetricSeries {
  analysisRun: string;
  metric: string;
  phase: string;
  success?: Threshold;
  failure?: Threshold;
  successCondition?: string;
  failureCondition?: string;
  query?: MetricQuery;
  points: MeasurementPoint[];
}

/** A container of the rollout's pod template, as `set image` can address it. */
export interface ContainerView {
  name: string;
  image: string;
  kind: 'container' | 'init' | 'ephemeral';
}

export interface RolloutDetail {
  /** The CLI's view model, exactly as `kubectl ramp get rollout -o json` prints it. */
  info: RolloutInfo;
  steps: StepView[];
  pause?: PauseView;
  history: WeightPoint[];
  revisions: RevisionEntry[];
  metrics: MetricSeries[];
  events: EventView[];
  /** Containers, init and ephemeral containers of the pod template (the workload's for a workloadRef). */
  containers: ContainerView[];
  /** The server's clock when this was computed, so countdowns survive clock skew. */
  serverTime: string;
}

export interface Settings {
  readOnly: boolean;
  /** Set in namespace-scoped mode: the only namespace the dashboard watches. */
  namespace?: string;
  /** Every namespace the kubeconfig may list plus those holding rollouts (or the scoped one). */
  namespaces: string[];
  /** Kinds the kubeconfig may not list, shown without their details. */
  unavailable: string[];
  version: string;
}

/** One row of the experiment list. */
export interface ExperimentSummary {
  name: string;
  namespace: string;
  creationTimestamp?: string;
  /** Pending, Running, Successful, Failed, Error or Inconclusive; empty before the controller saw it. */
  phase: string;
  message: string;
  /** The rollout that created it for a canary step, if one did. */
  rollout?: string;
  duration?: string;
  /** When every template first became available: the duration counts from here. */
  availableAt?: string;
  templateNames: string[];
  analysisNames: string[];
}

/** One template of an Experiment and the ReplicaSet running it. */
export interface ExperimentTemplateView {
  name: string;
  /** Progressing, Running, Successful, Failed or Error; empty before the controller saw it. */
  status: string;
  message?: string;
  desired: number;
  replicas: number;
  ready: number;
  available: number;
  images: string[];
  replicaSet?: string;
  podTemplateHash?: string;
  serviceName?: string;
}

/** One analysis of an Experiment and the AnalysisRun judging it. */
export interface ExperimentAnalysisView {
  name: string;
  templateName: string;
  clusterScope: boolean;
  requiredForCompletion: boolean;
  analysisRun?: string;
  phase: string;
  message?: string;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
}

export interface ExperimentDetail extends ExperimentSummary {
  /** The CLI's view model, as `kubectl ramp get experiment -o json` prints it. */
  info: ExperimentInfo;
  templates: ExperimentTemplateView[];
  analyses: ExperimentAnalysisView[];
  serverTime: string;
}

export interface ActionResult {
  action: ActionName;
  namespace: string;
  name: string;
  message: string;
}

export interface ErrorBody {
  error: { message: string; hint?: string };
}

/** Server-sent event names. */
export const STREAM_EVENTS = {
  /** List stream: every rollout once, when the stream opens. */
  snapshot: 'snapshot',
  /** List stream: one rollout added or changed. */
  rollout: 'rollout',
  /** Both streams: a rollout was deleted. */
  deleted: 'deleted',
  /** Detail stream: the whole detail of the watched rollout. */
  detail: 'detail',
  /** Experiment list stream: every experiment in scope, again on every change. */
  experiments: 'experiments',
  /** Experiment stream: the whole detail of the watched experiment. */
  experiment: 'experiment',
} as const;

export interface DeletedEvent {
  namespace: string;
  name: string;
}
