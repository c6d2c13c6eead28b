import type { V1ReplicaSet } from '@kubernetes/client-node';
import { buildArgumentsForRollout } from '../../analysis/args.ts';
import type { Experiment, ExperimentTemplate, LabelSelector, Rollout, RolloutExperimentStep } from '../../api/index.ts';
import { INSTANCE_ID_LABEL, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../../api/labels.ts';
import { podHashOf } from '../shared/replicaset-identity.ts';

/**
 * The Experiment a canary `experiment` step runs, as Argo's GetExperimentFromTemplate builds it:
 * named `<rollout>-<hash>-<revision>-<stepIndex>`, controlled by the Rollout, labelled with the
 * Rollout's labels and the new pod-template hash, its templates copied from the stable or the
 * canary ReplicaSet and its analysis arguments resolved to plain values. Pure.
 */

/** Argo's experiment name, before a collision suffix. */
export function stepExperimentName(rollout: Rollout, newHash: string, stepIndex: number): string {
  const revision = rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '';
  return `${rollout.metadata.name ?? ''}-${newHash}-${revision}-${stepIndex}`;
}

export interface StepExperimentInput {
  rollout: Rollout;
  step: RolloutExperimentStep;
  stepIndex: number;
  newHash: string;
  newRS: V1ReplicaSet;
  stableRS: V1ReplicaSet;
  name: string;
}

function template(step: RolloutExperimentStep['templates'][number], newRS: V1ReplicaSet, stableRS: V1ReplicaSet): ExperimentTemplate {
  const from = step.specRef === 'canary' ? newRS : stableRS;
  const pod = structuredClone(from.spec?.template ?? {}) as ExperimentTemplate['template'];
  const selector: LabelSelector = structuredClone((step.selector ?? from.spec?.selector ?? {}) as LabelSelector);
  const labels = step.metadata?.labels;
  if (labels) {
    pod.metadata = { ...pod.metadata, labels: { ...pod.metadata?.labels, ...labels } };
    selector.matchLabels = { ...selector.matchLabels, ...labels };
  }
  const annotations = step.metadata?.annotations;
  if (annotations) pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } };
  return {
    name: step.name,
    ...(step.replicas !== undefined ? { replicas: step.replicas } : {}),
    ...(from.spec?.minReadySeconds !== undefined ? { minReadySeconds: from.spec.minReadySeconds } : {}),
    selector,
    template: pod,
    // A weighted template needs a Service for the router to send its share to.
    ...(step.weight !== undefined || step.service !== undefined ? { service: step.service?.name ? { name: step.service.name } : {} } : {}),
  };
}

/** Throws when an analysis argument cannot be resolved (a fieldRef to a missing field). */
export function renderStepExperiment(input: StepExperimentInput): Experiment {
  const { rollout, step, newHash, newRS, stableRS } = input;
  const labels: Record<string, string> = { ...rollout.metadata.labels, [POD_TEMPLATE_HASH_LABEL]: newHash };
  const instanceId = rollout.metadata.labels?.[INSTANCE_ID_LABEL];
  if (instanceId) labels[INSTANCE_ID_LABEL] = instanceId;
  const stableHash = podHashOf(stableRS);
  const analyses = (step.analyses ?? []).map((a) => ({
    name: a.name,
    templateName: a.templateName,
    ...(a.clusterScope !== undefined ? { clusterScope: a.clusterScope } : {}),
    args: buildArgumentsForRollout(a.args, { rollout, latestPodHash: newHash, ...(stableHash ? { stablePodHash: stableHash } : {}) }),
    ...(a.requiredForCompletion !== undefined ? { requiredForCompletion: a.requiredForCompletion } : {}),
  }));
  const progressDeadlineSeconds = rollout.spec.progressDeadlineSeconds;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: {
      name: input.name,
      namespace: rollout.metadata.namespace,
      labels,
      annotations: { [REVISION_ANNOTATION]: rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '' },
      ownerReferences: [
        { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      templates: step.templates.map((t) => template(t, newRS, stableRS)),
      ...(step.duration !== undefined ? { duration: step.duration } : {}),
      ...(progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds } : {}),
      ...(analyses.length > 0 ? { analyses } : {}),
      ...(step.scaleDownDelaySeconds !== undefined ? { scaleDownDelaySeconds: step.scaleDownDelaySeconds } : {}),
      ...(step.dryRun ? { dryRun: step.dryRun } : {}),
      ...(step.analysisRunMetadata ? { analysisRunMetadata: step.analysisRunMetadata } : {}),
    },
  };
}
