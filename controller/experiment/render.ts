import type { V1ContainerPort, V1ReplicaSet, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { buildAnalysisRun } from '../analysis/build.ts';
import { resolveTags } from '../analysis/template.ts';
import type { AnalysisRun, Argument, Experiment, ExperimentAnalysisTemplateRef, ExperimentTemplate } from '../api/index.ts';
import { DEFAULTS } from '../api/defaults.ts';
import { parseDuration } from '../api/duration.ts';
import { formatTime } from '../api/kit.ts';
import { EXPERIMENT_NAME_ANNOTATION, EXPERIMENT_TEMPLATE_NAME_ANNOTATION, INSTANCE_ID_LABEL, POD_TEMPLATE_HASH_LABEL } from '../api/labels.ts';
import type { OwnerReference } from '../kube/resources.ts';
import type { AnalysisTemplates } from '../reconcile/shared/analysis-templates.ts';
import { podTemplateHash } from '../reconcile/shared/hash.ts';
import { selectorWithHash } from '../reconcile/shared/replicaset-render.ts';

/** The objects an Experiment owns, named, labelled and annotated as Argo's experiments/ does. */

export function experimentOwner(ex: Experiment): OwnerReference {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', name: ex.metadata.name ?? '', uid: ex.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** `<experiment>-<template>`: the ReplicaSet's name and the default name of its Service. */
export function templateReplicaSetName(ex: Experiment, template: Pick<ExperimentTemplate, 'name'>): string {
  return `${ex.metadata.name ?? ''}-${template.name}`;
}

/** `<experiment>-<analysis>` */
export function analysisRunName(ex: Experiment, analysis: Pick<ExperimentAnalysisTemplateRef, 'name'>): string {
  return `${ex.metadata.name ?? ''}-${analysis.name}`;
}

function templateAnnotations(ex: Experiment, template: ExperimentTemplate): Record<string, string> {
  return { [EXPERIMENT_NAME_ANNOTATION]: ex.metadata.name ?? '', [EXPERIMENT_TEMPLATE_NAME_ANNOTATION]: template.name };
}

/** Argo's newReplicaSetFromTemplate: the pod hash on the pods, the selector and the ReplicaSet. */
export function renderTemplateReplicaSet(ex: Experiment, template: ExperimentTemplate, replicas: number, collisionCount?: number): V1ReplicaSet {
  const pod = structuredClone(template.template);
  const { [POD_TEMPLATE_HASH_LABEL]: _ignored, ...podLabels } = pod.metadata?.labels ?? {};
  const cleaned = { ...pod, metadata: { ...pod.metadata, labels: podLabels } };
  const hash = podTemplateHash(cleaned, collisionCount);
  const labels = { ...podLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: templateReplicaSetName(ex, template),
      namespace: ex.metadata.namespace,
      labels: { ...labels },
      annotations: templateAnnotations(ex, template),
      ownerReferences: [experimentOwner(ex)],
    },
    spec: {
      replicas,
      minReadySeconds: template.minReadySeconds ?? 0,
      selector: selectorWithHash(template.selector, hash),
      template: { ...cleaned, metadata: { ...cleaned.metadata, labels } },
    },
  };
}

/** The containers' ports, as Argo's createTemplateService copies them. */
function servicePorts(rs: V1ReplicaSet): V1ServicePort[] {
  const ports: V1ContainerPort[] = (rs.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  return ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP', port: p.containerPort, targetPort: p.containerPort }));
}

/**
 * The template's Service selecting the ReplicaSet's pods (all its labels, hash included); none
 * when the pods declare no port, as Argo creates none then.
 */
export function renderTemplateService(ex: Experiment, template: ExperimentTemplate, rs: V1ReplicaSet): V1Service | undefined {
  const ports = servicePorts(rs);
  if (ports.length === 0) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: template.service?.name || templateReplicaSetName(ex, template),
      namespace: ex.metadata.namespace,
      annotations: templateAnnotations(ex, template),
      ownerReferences: [experimentOwner(ex)],
    },
    spec: { selector: { ...rs.metadata?.labels }, ports },
  };
}

/**
 * Argo's ResolveExperimentArgsValue: `{{templates.<t>.podTemplateHash}}`,
 * `{{templates.<t>.replicaset.name}}`, `{{experiment.availableAt}}` and `{{experiment.finishedAt}}`.
 */
export function resolveExperimentArgs(ex: Experiment, args: readonly Argument[], replicaSets: ReadonlyMap<string, V1ReplicaSet>): Argument[] {
  const values = new Map<string, string>();
  const availableAt = ex.status?.availableAt;
  if (availableAt) {
    values.set('experiment.availableAt', availableAt);
    if (ex.spec.duration) values.set('experiment.finishedAt', formatTime(new Date(Date.parse(availableAt) + parseDuration(ex.spec.duration) * 1000)));
  }
  for (const template of ex.spec.templates) {
    const rs = replicaSets.get(template.name);
    if (!rs) continue;
    values.set(`templates.${template.name}.podTemplateHash`, rs.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '');
    values.set(`templates.${template.name}.replicaset.name`, rs.metadata?.name ?? '');
  }
  return args.map((arg) => (arg.value === undefined ? { name: arg.name } : { name: arg.name, value: resolveTags(arg.value, values) }));
}

/** Argo's verifyAnalysisTemplate: the named template exists. Throws with Argo's wording. */
export function findAnalysisTemplate(analysis: ExperimentAnalysisTemplateRef, templates: AnalysisTemplates) {
  if (analysis.clusterScope) {
    const t = templates.clusterTemplates?.get(analysis.templateName);
    if (!t) throw new Error(`clusteranalysistemplate.argoproj.io ${JSON.stringify(analysis.templateName)} not found`);
    return { clusterTemplates: [t] };
  }
  const t = templates.templates?.get(analysis.templateName);
  if (!t) throw new Error(`analysistemplate.argoproj.io ${JSON.stringify(analysis.templateName)} not found`);
  return { templates: [t] };
}

/** Argo's newAnalysisRun for an experiment: the shared builder, owned by the Experiment. Throws. */
export function renderExperimentAnalysisRun(
  ex: Experiment,
  analysis: ExperimentAnalysisTemplateRef,
  templates: AnalysisTemplates,
  replicaSets: ReadonlyMap<string, V1ReplicaSet>,
): AnalysisRun {
  const labels: Record<string, string> = {};
  const instanceId = ex.metadata.labels?.[INSTANCE_ID_LABEL];
  if (instanceId) labels[INSTANCE_ID_LABEL] = instanceId;
  Object.assign(labels, ex.spec.analysisRunMetadata?.labels);
  return buildAnalysisRun({
    ...findAnalysisTemplate(analysis, templates),
    args: resolveExperimentArgs(ex, analysis.args ?? [], replicaSets),
    ...(ex.spec.dryRun ? { dryRun: ex.spec.dryRun } : {}),
    ...(ex.spec.measurementRetention ? { measurementRetention: ex.spec.measurementRetention } : {}),
    name: analysisRunName(ex, analysis),
    namespace: ex.metadata.namespace ?? '',
    owner: experimentOwner(ex),
    labels,
    annotations: { ...ex.spec.analysisRunMetadata?.annotations },
  });
}

export const scaleDownDelaySecondsOf = (ex: Experiment): number => ex.spec.scaleDownDelaySeconds ?? DEFAULTS.scaleDownDelaySeconds;
export const progressDeadlineSecondsOf = (ex: Experiment): number => ex.spec.progressDeadlineSeconds ?? DEFAULTS.progressDeadlineSeconds;
export const templateReplicasOf = (template: ExperimentTemplate): number => template.replicas ?? DEFAULTS.replicas;
