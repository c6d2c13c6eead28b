import type { AnalysisRun, Experiment, Rollout } from '../../controller/api/index.ts';
import { analysisRunInfosOwnedBy } from './analysisrun-info.ts';
import { analysisIcon } from './icons.ts';
import { ownerUid, parseRevision } from './labels.ts';
import { replicaSetInfosOwnedBy } from './replicaset-info.ts';
import type { ExperimentInfo, ImageInfo, PodLike, ReplicaSetInfo, ReplicaSetLike } from './types.ts';

/** The tag of an image an Experiment template runs, as Argo's plugin prints it. */
export const templateTag = (template: string): string => `Σ:${template}`;

/** Argo's ExperimentImages: the images of scaled-up template ReplicaSets, tagged with their templates. */
export function experimentImages(replicaSets: readonly ReplicaSetInfo[]): ImageInfo[] {
  const out: ImageInfo[] = [];
  for (const rs of replicaSets) {
    if (rs.replicas <= 0) continue;
    for (const image of rs.images) {
      const tags = rs.template !== undefined ? [templateTag(rs.template)] : [];
      const existing = out.find((i) => i.image === image);
      if (existing === undefined) out.push({ image, tags });
      else existing.tags = [...new Set([...existing.tags, ...tags])].sort();
    }
  }
  return out.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
}

/** Argo's NewExperimentInfo: one pure function from an Experiment and the objects around it. */
export function newExperimentInfo(ex: Experiment, replicaSets: readonly ReplicaSetLike[], analysisRuns: readonly AnalysisRun[], pods: readonly PodLike[]): ExperimentInfo {
  const uid = ex.metadata.uid ?? '';
  const phase = ex.status?.phase ?? '';
  const rsInfos = replicaSetInfosOwnedBy(uid, replicaSets, pods);
  const info: ExperimentInfo = {
    name: ex.metadata.name ?? '',
    namespace: ex.metadata.namespace ?? '',
    uid,
    revision: parseRevision(ex.metadata.annotations),
    status: phase,
    icon: analysisIcon(phase),
    message: ex.status?.message ?? '',
    images: experimentImages(rsInfos),
    replicaSets: rsInfos,
    analysisRuns: analysisRunInfosOwnedBy(uid, analysisRuns),
  };
  if (ex.metadata.creationTimestamp !== undefined) info.creationTimestamp = ex.metadata.creationTimestamp;
  if (ex.spec.duration !== undefined) info.duration = ex.spec.duration;
  if (ex.status?.availableAt !== undefined) info.availableAt = ex.status.availableAt;
  return info;
}

/** Argo's getExperimentInfo: the Rollout's Experiments, newest revision first, then oldest first. */
export function experimentInfos(ro: Rollout, experiments: readonly Experiment[], replicaSets: readonly ReplicaSetLike[], analysisRuns: readonly AnalysisRun[], pods: readonly PodLike[]): ExperimentInfo[] {
  const owner = new Set([ro.metadata.uid ?? '']);
  const created = (info: ExperimentInfo): number => (info.creationTimestamp ? Date.parse(info.creationTimestamp) : 0);
  return experiments
    .filter((ex) => ownerUid(ex.metadata.ownerReferences as { uid: string }[] | undefined, owner) !== undefined)
    .map((ex) => newExperimentInfo(ex, replicaSets, analysisRuns, pods))
    .sort((a, b) => b.revision - a.revision || created(a) - created(b));
}
