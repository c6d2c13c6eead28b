import type { AnalysisRun, Experiment } from '../../../controller/api/index.ts';
import { newExperimentInfo } from '../../../client/info/experiment-info.ts';
import type { ExperimentInfo, PodLike, ReplicaSetLike } from '../../../client/info/types.ts';
import type { ExperimentAnalysisView, ExperimentDetail, ExperimentSummary, ExperimentTemplateView } from '../../shared/api.ts';

/** An Experiment and the objects it owns, as the caches hold them. */
export interface ExperimentObjects {
  experiment: Experiment;
  replicaSets: readonly ReplicaSetLike[];
  pods?: readonly PodLike[];
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

/** A template: its spec and status, and the newest ReplicaSet the CLI's view model found for it. */
function templateView(exp: Experiment, info: ExperimentInfo, name: string): ExperimentTemplateView {
  const spec = exp.spec.templates.find((t) => t.name === name);
  const status = exp.status?.templateStatuses?.find((s) => s.name === name);
  const rs = info.replicaSets
    .filter((r) => r.template === name)
    .sort((a, b) => (b.creationTimestamp ?? '').localeCompare(a.creationTimestamp ?? ''))[0];
  const view: ExperimentTemplateView = {
    name,
    status: status?.status ?? '',
    desired: rs?.desired ?? spec?.replicas ?? 1,
    replicas: rs?.replicas ?? status?.replicas ?? 0,
    ready: rs?.ready ?? status?.readyReplicas ?? 0,
    available: rs?.available ?? status?.availableReplicas ?? 0,
    images: rs?.images ?? (spec?.template.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean),
  };
  if (status?.message) view.message = status.message;
  if (rs !== undefined) view.replicaSet = rs.name;
  const hash = status?.podTemplateHash || rs?.podTemplateHash;
  if (hash) view.podTemplateHash = hash;
  if (status?.serviceName) view.serviceName = status.serviceName;
  return view;
}

/** An analysis: its spec, the run the status names, and that run's totals from the view model. */
function analysisView(exp: Experiment, info: ExperimentInfo, name: string): ExperimentAnalysisView {
  const spec = exp.spec.analyses?.find((a) => a.name === name);
  const status = exp.status?.analysisRuns?.find((a) => a.name === name);
  const run = status !== undefined ? info.analysisRuns.find((r) => r.name === status.analysisRun) : undefined;
  const view: ExperimentAnalysisView = {
    name,
    templateName: spec?.templateName ?? '',
    clusterScope: spec?.clusterScope === true,
    requiredForCompletion: spec?.requiredForCompletion === true,
    phase: run?.status || status?.phase || '',
    successful: run?.successful ?? 0,
    failed: run?.failed ?? 0,
    inconclusive: run?.inconclusive ?? 0,
    error: run?.error ?? 0,
  };
  if (status !== undefined) view.analysisRun = status.analysisRun;
  const message = run?.message ?? status?.message;
  if (message) view.message = message;
  return view;
}

/**
 * Everything the experiment page shows: the CLI's view model (`kubectl ramp get experiment`),
 * and each template with its ReplicaSet and each analysis with its run, in the spec's order.
 */
export function experimentDetail(objects: ExperimentObjects, now: number): ExperimentDetail {
  const { experiment } = objects;
  const info = newExperimentInfo(experiment, objects.replicaSets, objects.analysisRuns, objects.pods ?? []);
  const summary = experimentSummary(experiment);
  return {
    ...summary,
    info,
    templates: summary.templateNames.map((name) => templateView(experiment, info, name)),
    analyses: summary.analysisNames.map((name) => analysisView(experiment, info, name)),
    serverTime: new Date(now).toISOString(),
  };
}
