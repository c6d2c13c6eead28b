/**
 * The label and annotation keys Argo Rollouts reads and writes on Rollouts and the objects they own.
 * Ramp writes the same keys so that Argo's tools (and Argo itself after a migration back) read them.
 */

/** On each ReplicaSet, its pods and the Services pinned to it: the pod template's hash. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';
/** Scopes objects to one controller instance (`--instance-id`). */
export const INSTANCE_ID_LABEL = 'argo-rollouts.argoproj.io/controller-instance-id';
/** Names the Rollout that manages an object it does not own (a Service, a router object). */
export const MANAGED_BY_ROLLOUTS_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';

export const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'rollout.argoproj.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'rollout.argoproj.io/desired-replicas';
export const EPHEMERAL_METADATA_ANNOTATION = 'rollout.argoproj.io/ephemeral-metadata';
/** The workloadRef Deployment's generation the controller has seen (rollout bookkeeping, not copied). */
export const WORKLOAD_GENERATION_ANNOTATION = 'rollout.argoproj.io/workload-generation';
/** v1alpha1.DefaultReplicaSetScaleDownDeadlineAnnotationKey: Argo's key carries no prefix. */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'scale-down-deadline';
export const LAST_APPLIED_CONFIG_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** On an Experiment's ReplicaSets and Services: the Experiment and the template they belong to. */
export const EXPERIMENT_NAME_ANNOTATION = 'experiment.argoproj.io/name';
export const EXPERIMENT_TEMPLATE_NAME_ANNOTATION = 'experiment.argoproj.io/template-name';
/** Argo's notifications engine: subscriptions on an object, and what was already sent once per `oncePer`. */
export const SUBSCRIBE_ANNOTATION_PREFIX = 'notifications.argoproj.io/subscribe.';
export const SUBSCRIPTIONS_ANNOTATION = 'notifications.argoproj.io/subscriptions';
export const NOTIFIED_ANNOTATION = 'notified.notifications.argoproj.io';

/** The field manager of every write the controller makes. */
export const FIELD_MANAGER = 'ramp-controller';
