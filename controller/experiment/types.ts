import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, Experiment, ExperimentStatus } from '../api/index.ts';
import type { AnalysisTemplates } from '../reconcile/shared/analysis-templates.ts';

/** What one pass of the Experiment controller observed: the experiment and what it owns. */
export interface ExperimentWorld {
  experiment: Experiment;
  /** The experiment's ReplicaSets, by template name. */
  replicaSets: ReadonlyMap<string, V1ReplicaSet>;
  /** The experiment's Services, by template name. */
  services: ReadonlyMap<string, V1Service>;
  /** The experiment's AnalysisRuns, by name. */
  runs: ReadonlyMap<string, AnalysisRun>;
  analysisTemplates: AnalysisTemplates;
  now: Date;
}

export type ExperimentAction =
  | { kind: 'createReplicaSet'; replicaSet: V1ReplicaSet }
  | { kind: 'scaleReplicaSet'; name: string; from: number; to: number }
  /** The scale-down deadline annotation set, or removed (null). */
  | { kind: 'setScaleDownDeadline'; name: string; deadline: string | null }
  | { kind: 'createService'; service: V1Service }
  | { kind: 'deleteService'; name: string }
  | { kind: 'createAnalysisRun'; run: AnalysisRun }
  | { kind: 'terminateAnalysisRun'; name: string };

export interface ExperimentEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ExperimentPlan {
  actions: ExperimentAction[];
  status: ExperimentStatus;
  events: ExperimentEvent[];
  /** When the experiment needs looking at again without a change to wake it (duration, deadlines). */
  requeueAfterMs?: number;
}

/** What the plan's parts add to as they go. */
export interface PlanOutput {
  actions: ExperimentAction[];
  events: ExperimentEvent[];
  /** Candidate requeue delays; the shortest wins. */
  wakeups: number[];
}
