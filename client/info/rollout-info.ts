import { tryParseDuration, type AnalysisRun, type Experiment, type Rollout } from '../../controller/api/index.ts';
import { analysisRunInfos } from './analysisrun-info.ts';
import { experimentInfos } from './experiment-info.ts';
import { stepDescription } from '../../controller/reconcile/canary/steps.ts';
import { currentCanaryStep, currentSetWeight } from '../../controller/reconcile/shared/current-step.ts';
import { rolloutIcon, TagActive, TagCanary, TagPing, TagPong, TagPreview, TagStable } from './icons.ts';
import { rolloutPhase } from './phase.ts';
import { replicaSetInfos } from './replicaset-info.ts';
import type { ContainerLike, ImageInfo, PodLike, PodTemplateLike, ReplicaSetInfo, ReplicaSetLike, RolloutInfo, StrategyName } from './types.ts';

export interface RolloutObjects {
  rollout: Rollout;
  replicaSets?: readonly ReplicaSetLike[];
  pods?: readonly PodLike[];
  analysisRuns?: readonly AnalysisRun[];
  /** Experiments (the Rollout's are picked by owner), with their ReplicaSets, pods and runs among the others. */
  experiments?: readonly Experiment[];
  /** Pod template of the workload a `workloadRef` rollout points at. */
  workloadTemplate?: PodTemplateLike;
}

/** Argo's info.NewRolloutInfo: one pure function from API objects to the view model. */
export function newRolloutInfo(objects: RolloutObjects): RolloutInfo {
  const ro = objects.rollout;
  const status = ro.status ?? {};
  const replicaSets = replicaSetInfos(ro, objects.replicaSets ?? [], objects.pods ?? []);
  const analysisRuns = analysisRunInfos(ro, objects.analysisRuns ?? []);
  const { phase, message } = rolloutPhase(ro);

  let strategy: StrategyName = 'unknown';
  let step = '';
  let steps: string[] = [];
  let setWeight = '';
  let actualWeight = '';
  const canary = ro.spec.strategy.canary;
  if (canary !== undefined) {
    strategy = 'Canary';
    const allSteps = canary.steps ?? [];
    if (status.currentStepIndex !== undefined && allSteps.length > 0) {
      step = `${status.currentStepIndex}/${allSteps.length}`;
      steps = allSteps.map(stepDescription);
    }
    setWeight = String(currentSetWeight(ro));
    actualWeight = canaryActualWeight(ro, replicaSets, setWeight);
  } else if (ro.spec.strategy.blueGreen !== undefined) {
    strategy = 'BlueGreen';
  }

  const containers: ContainerLike[] = (objects.workloadTemplate ?? (ro.spec.template as PodTemplateLike | undefined))?.spec?.containers?.map((c) => ({
    name: c.name,
    image: c.image ?? '',
  })) ?? [];

  const info: RolloutInfo = {
    name: ro.metadata.name ?? '',
    namespace: ro.metadata.namespace ?? '',
    uid: ro.metadata.uid ?? '',
    status: phase,
    message,
    icon: rolloutIcon(phase),
    strategy,
    step,
    steps,
    setWeight,
    actualWeight,
    containers,
    images: images(replicaSets),
    restartedAt: status.restartedAt ?? 'Never',
    observedGeneration: status.observedGeneration ?? '',
    desired: ro.spec.replicas ?? 1,
    current: status.replicas ?? 0,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    manuallyPaused: ro.spec.paused === true,
    pauseConditions: (status.pauseConditions ?? []).map((p) => ({ reason: p.reason, startTime: p.startTime })),
    aborted: status.abort === true,
    promoteFull: status.promoteFull === true,
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
    })),
    stableHash: status.stableRS ?? '',
    currentHash: status.currentPodHash ?? '',
    activeSelector: status.blueGreen?.activeSelector ?? '',
    previewSelector: status.blueGreen?.previewSelector ?? '',
    services: services(ro),
    autoPromotionEnabled: ro.spec.strategy.blueGreen?.autoPromotionEnabled ?? true,
    progressDeadlineSeconds: ro.spec.progressDeadlineSeconds ?? 600,
    trafficRouter: trafficRouterName(ro),
    replicaSets,
    analysisRuns,
    experiments: experimentInfos(ro, objects.experiments ?? [], objects.replicaSets ?? [], objects.analysisRuns ?? [], objects.pods ?? []),
  };
  if (ro.metadata.creationTimestamp !== undefined) info.creationTimestamp = ro.metadata.creationTimestamp;
  if (ro.metadata.resourceVersion !== undefined) info.resourceVersion = ro.metadata.resourceVersion;
  if (ro.metadata.generation !== undefined) info.generation = ro.metadata.generation;
  if (status.currentStepIndex !== undefined) info.currentStepIndex = status.currentStepIndex;
  if (status.abortedAt !== undefined) info.abortedAt = status.abortedAt;
  const pause = currentCanaryStep(ro).step?.pause;
  if (pause?.duration !== undefined) {
    const seconds = tryParseDuration(pause.duration);
    if (seconds !== undefined) info.pauseDurationSeconds = seconds;
  }
  const autoSeconds = ro.spec.strategy.blueGreen?.autoPromotionSeconds;
  if (autoSeconds !== undefined) info.autoPromotionSeconds = autoSeconds;
  return info;
}

/**
 * The weight the canary really receives: 100 past the last step; with traffic routing the weight
 * the router reported (or the set weight before it reports); otherwise the canary's share of
 * available pods.
 */
function canaryActualWeight(ro: Rollout, replicaSets: ReplicaSetInfo[], setWeight: string): string {
  const { step } = currentCanaryStep(ro);
  if (step === undefined) return '100';
  const available = ro.status?.availableReplicas ?? 0;
  if (available <= 0) return '0';
  if (ro.spec.strategy.canary?.trafficRouting === undefined) {
    let weight = '0';
    for (const rs of replicaSets) {
      if (rs.canary) weight = String(Math.trunc((rs.available * 100) / available));
    }
    return weight;
  }
  const weights = ro.status?.canary?.weights;
  return weights !== undefined ? String(weights.canary.weight) : setWeight;
}

function services(ro: Rollout): RolloutInfo['services'] {
  const out: RolloutInfo['services'] = {};
  const canary = ro.spec.strategy.canary;
  const blueGreen = ro.spec.strategy.blueGreen;
  if (canary?.stableService) out.stable = canary.stableService;
  if (canary?.canaryService) out.canary = canary.canaryService;
  if (blueGreen?.activeService) out.active = blueGreen.activeService;
  if (blueGreen?.previewService) out.preview = blueGreen.previewService;
  return out;
}

/**
 * Argo's info.Images: the images running in scaled-up ReplicaSets with their tags. Tags keep
 * Argo's order (canary, stable, active, preview, ping, pong) unless two ReplicaSets run the same
 * image, where Argo merges them sorted.
 */
export function images(replicaSets: readonly ReplicaSetInfo[]): ImageInfo[] {
  const out: ImageInfo[] = [];
  for (const rs of replicaSets) {
    if (rs.replicas <= 0) continue;
    for (const image of rs.images) {
      const tags: string[] = [];
      if (rs.canary) tags.push(TagCanary);
      if (rs.stable) tags.push(TagStable);
      if (rs.active) tags.push(TagActive);
      if (rs.preview) tags.push(TagPreview);
      if (rs.ping) tags.push(TagPing);
      if (rs.pong) tags.push(TagPong);
      const existing = out.find((i) => i.image === image);
      if (existing === undefined) out.push({ image, tags });
      else existing.tags = [...new Set([...existing.tags, ...tags])].sort();
    }
  }
  return out.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
}

/** Revisions present among ReplicaSets and AnalysisRuns, newest first. */
export function revisions(info: RolloutInfo): number[] {
  const set = new Set<number>();
  for (const rs of info.replicaSets) set.add(rs.revision);
  for (const run of info.analysisRuns) set.add(run.revision);
  for (const ex of info.experiments) set.add(ex.revision);
  return [...set].sort((a, b) => b - a);
}

/** The traffic routers a canary uses, by their field names in trafficRouting; empty without one. */
export function trafficRouterName(ro: Rollout): string {
  const routing = ro.spec.strategy.canary?.trafficRouting;
  if (routing === undefined) return '';
  const names = Object.entries(routing)
    .filter(([key, value]) => value !== undefined && key !== 'managedRoutes' && key !== 'maxTrafficWeight')
    .map(([key]) => key);
  return names.join(',');
}
