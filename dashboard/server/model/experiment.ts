import type { AnalysisRun, Experiment } from '../../../controller/api/index.ts';
import { EXPERIMENT_TEMPLATE_NAME_ANNOTATION, POD_TEMPLATE_HASH_LABEL } from '../../../controller/api/labels.ts';
import type { ReplicaSetLike } from '../../../client/info/types.ts';
import type { ExperimentAnalysisView, ExperimentDetail, ExperimentSummary, ExperimentTemplateView } from '../../shared/api.ts';

/** An Experiment and the objects it owns, as the caches hold them. */
export interface ExperimentObjects {
  experiment: Experiment;
  replicaSets: readonly ReplicaSetLike[];
  analysisRuns: readonly AnalysisRun[];
}

/** The list row: phase, owner and the names of its templates and analyses. */
export function experimentSummary(exp: Experiment): ExperimentSummary {
  const summary: ExperimentSummary = {
    name: exp.metadata.name ?? '',
    namespace: exp.metadata.namespace ?? '',
    phase: exp.status?.phase ?? '',
    message: exp.status?.message ?? '',
    templateNames: exp.spec.templates.map((t) => t.name),
    analysisNames: (exp.spec.analyses ?? []).map((a) => a.name),
  };
  if (exp.metadata.creationTimestamp !== undefined) summary.creationTimestamp = exp.metadata.creationTimestamp;
  const owner = exp.metadata.ownerReferences?.find((ref) => ref.kind === 'Rollout' && ref.controller === true);
  if (typeof owner?.name === 'string') summary.rollout = owner.name;
  if (exp.spec.duration !== undefined) summary.duration = exp.spec.duration;
  if (exp.status?.availableAt !== undefined) summary.availableAt = exp.status.availableAt;
  return summary;
}

function templateView(exp: Experiment, name: string, replicaSets: readonly ReplicaSetLike[]): ExperimentTemplateView {
  const spec = exp.spec.templates.find((t) => t.name === name);
  const status = exp.status?.templateStatuses?.find((s) => s.name === name);
  // The controller annotates each ReplicaSet with its template; the newest one runs it now.
  const rs = replicaSets
    .filter((r) => r.metadata.annotations?.[EXPERIMENT_TEMPLATE_NAME_ANNOTATION] === name)
    .sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''))[0];
  const view: ExperimentTemplateView = {
    name,
    status: status?.status ?? '',
    desired: rs?.spec?.replicas ?? spec?.replicas ?? 1,
    replicas: rs?.status?.replicas ?? status?.replicas ?? 0,
    ready: rs?.status?.readyReplicas ?? status?.readyReplicas ?? 0,
    available: rs?.status?.availableReplicas ?? status?.availableReplicas ?? 0,
    images: (rs?.spec?.template?.spec?.containers ?? spec?.template.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean),
  };
  if (status?.message) view.message = status.message;
  if (rs?.metadata.name !== undefined) view.replicaSet = rs.metadata.name;
  const hash = status?.podTemplateHash || rs?.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
  if (hash) view.podTemplateHash = hash;
  if (status?.serviceName) view.serviceName = status.serviceName;
  return view;
}

function analysisView(exp: Experiment, name: string, runs: readonly AnalysisRun[]): ExperimentAnalysisView {
  const spec = exp.spec.analyses?.find((a) => a.name === name);
  const status = exp.status?.analysisRuns?.find((a) => a.name === name);
  const run = status !== undefined ? runs.find((r) => r.metadata.name === status.analysisRun) : undefined;
  const view: ExperimentAnalysisView = {
    name,
    templateName: spec?.templateName ?? '',
    clusterScope: spec?.clusterScope === true,
    requiredForCompletion: spec?.requiredForCompletion === true,
    phase: run?.status?.phase ?? status?.phase ?? '',
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
  };
  if (status !== undefined) view.analysisRun = status.analysisRun;
  const message = run?.status?.message ?? status?.message;
  if (message) view.message = message;
  for (const result of run?.status?.metricResults ?? []) {
    view.successful += result.successful ?? 0;
    view.failed += result.failed ?? 0;
    view.inconclusive += result.inconclusive ?? 0;
    view.error += result.error ?? 0;
  }
  return view;
}

/** Everything the experiment page shows: each template with its ReplicaSet, each analysis with its run. */
export function experimentDetail(objects: ExperimentObjects, now: number): ExperimentDetail {
  const { experiment } = objects;
  const summary = experimentSummary(experiment);
  return {
    ...summary,
    templates: summary.templateNames.map((name) => templateView(experiment, name, objects.replicaSets)),
    analyses: summary.analysisNames.map((name) => analysisView(experiment, name, objects.analysisRuns)),
    serverTime: new Date(now).toISOString(),
  };
}
