/**
 * The reasons and messages of Rollout conditions and events, as Argo Rollouts writes them
 * (utils/conditions/conditions.go): clients such as Argo CD and `kubectl argo rollouts` read them,
 * and both strategies take their event texts from here.
 */

/** Reasons, named as the Go constants without their `Reason` suffix. */
export const REASONS = {
  InvalidSpec: 'InvalidSpec',
  Available: 'AvailableReason',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  RolloutUpdated: 'RolloutUpdated',
  RolloutCompleted: 'RolloutCompleted',
  RolloutNotCompleted: 'RolloutNotCompleted',
  RolloutHealthy: 'RolloutHealthy',
  RolloutAborted: 'RolloutAborted',
  RolloutRetry: 'RolloutRetry',
  RolloutPaused: 'RolloutPaused',
  ReplicaSetNotAvailable: 'ReplicaSetNotAvailable',
  RolloutResumed: 'RolloutResumed',
  RolloutStepCompleted: 'RolloutStepCompleted',
  TrafficWeightUpdated: 'TrafficWeightUpdated',
  NewRSAvailable: 'NewReplicaSetAvailable',
  RolloutAnalysisRunFailed: 'AnalysisRunFailed',
  RolloutExperimentFailed: 'ExperimentFailed',
  ExperimentCreated: 'ExperimentCreated',
  ExperimentCreateError: 'ExperimentCreateError',
  TimedOut: 'ProgressDeadlineExceeded',
  RolloutDeleted: 'RolloutDeleted',
  ScalingReplicaSet: 'ScalingReplicaSet',
  ServiceReference: 'ServiceReferenceError',
  TargetGroupVerified: 'TargetGroupVerified',
  TargetGroupUnverified: 'TargetGroupUnverified',
  TargetGroupVerifyError: 'TargetGroupVerifyError',
  WeightVerifyError: 'WeightVerifyError',
  LoadBalancerNotFound: 'LoadBalancerNotFound',
  RolloutAddedToInformer: 'RolloutAddedToInformer',
  SwitchService: 'SwitchService',
  SkipSteps: 'SkipSteps',
  AnalysisRunCreateError: 'AnalysisRunCreateError',
} as const;

/** Go's %q for the names quoted in messages (DNS names, so JSON quoting writes the same). */
const q = (s: string) => JSON.stringify(s);

/** Messages, as the Go format strings render them. */
export const MESSAGES = {
  missingField: (field: string) => `Rollout has missing field '${field}'`,
  rolloutSelectAll: 'This rollout is selecting all pods. A non-empty selector is required.',
  notAvailable: 'Rollout does not have minimum availability',
  available: 'Rollout has minimum availability',
  rolloutProgressing: (rollout: string) => `Rollout ${q(rollout)} is progressing.`,
  replicaSetProgressing: (rs: string) => `ReplicaSet ${q(rs)} is progressing.`,
  failedRSCreate: (rs: string, error: string) => `Failed to create new replica set ${q(rs)}: ${error}`,
  newReplicaSet: (rs: string) => `Created new replica set ${q(rs)}`,
  newReplicaSetDetailed: (rs: string, revision: number) => `Created ReplicaSet ${rs} (revision ${revision})`,
  foundNewRS: (rs: string) => `Found new replica set ${q(rs)}`,
  rolloutUpdated: (revision: string) => `Rollout updated to revision ${revision}`,
  rolloutCompleted: (revision: number, podHash: string, reason: string) => `Rollout completed update to revision ${revision} (${podHash}): ${reason}`,
  rolloutNotCompleted: (revision: number, podHash: string) => `Rollout not completed, started update to revision ${revision} (${podHash})`,
  rolloutHealthy: 'Rollout is healthy',
  rolloutNotHealthy: 'Rollout is not healthy',
  rolloutAborted: (revision: number) => `Rollout aborted update to revision ${revision}`,
  rolloutRetry: 'Retrying Rollout after abort',
  rolloutPaused: 'Rollout is paused',
  rolloutResumed: 'Rollout is resumed',
  rolloutStepCompleted: (step: number, steps: number, description: string) => `Rollout step ${step}/${steps} completed (${description})`,
  trafficWeightUpdated: (detail: string) => `Traffic weight updated ${detail}`,
  rolloutAnalysisRunFailed: (analysisRun: string, rollout: string) => `AnalysisRun '${analysisRun}' owned by the Rollout '${q(rollout)}' failed.`,
  rolloutExperimentFailed: (experiment: string, rollout: string) => `Experiment '${experiment}' owned by the Rollout '${q(rollout)}' has timed out.`,
  experimentCreated: (experiment: string) => `Created Experiment '${experiment}'`,
  experimentCreateError: (error: string) => `Failed to create the experiment step's Experiment: ${error}`,
  /** Argo's reconcileExperiments abort message. */
  experimentStepFailed: (message: string | undefined) => `Experiment analysis phase is error/failed${message ? `: ${message}` : ''}`,
  rolloutTimeOut: (rollout: string) => `Rollout ${q(rollout)} has timed out progressing.`,
  rolloutDeleted: (namespace: string, rollout: string) => `Rollout ${namespace}/${rollout} is deleted.`,
  scalingReplicaSet: (operation: 'up' | 'down', rs: string, revision: number, from: number, to: number) =>
    `Scaled ${operation} ReplicaSet ${rs} (revision ${revision}) from ${from} to ${to}`,
  replicaSetTimeOut: (rs: string) => `ReplicaSet ${q(rs)} has timed out progressing.`,
  replicaSetCompleted: (rs: string) => `ReplicaSet ${q(rs)} has successfully progressed.`,
  serviceReferencingManagedService: (service: string) => `Service ${q(service)} is managed by another Rollout`,
  weightVerifyError: (error: string) => `Failed to verify weight: ${error}`,
  loadBalancerNotFound: (error: string) => `Failed to find load balancer: ${error}`,
  switchService: (service: string, from: string, to: string) => `Switched selector for service '${service}' from '${from}' to '${to}'`,
  rollbackToStable: 'Rollback to stable ReplicaSets',
  rollbackWithinWindow: 'Rollback to active ReplicaSets within RollbackWindow',
  /** Argo's promoteStable reason for blue-green. */
  blueGreenCompleted: 'Completed blue-green update',
  analysisRunCreateError: (kind: string, error: string) => `Failed to create ${kind} AnalysisRun: ${error}`,
  analysisRunStatus: (kind: string, run: string, phase: string, previous: string) => `${kind} Analysis Run '${run}' Status New: '${phase}' Previous: '${previous}'`,
} as const;
