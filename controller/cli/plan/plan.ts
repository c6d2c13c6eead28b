import { parseDuration, replicasOrDefault, type Rollout } from '../../api/index.ts';
import { stepDescription } from '../../reconcile/canary/steps.ts';
import { canaryReplicasOrWeight, currentSetWeight } from '../../reconcile/shared/current-step.ts';
import { maxSurge } from '../../reconcile/shared/fenceposts.ts';
import { approximateWeightedCanaryStableReplicaCounts, trafficRoutedCanaryReplicaCounts } from '../../reconcile/shared/replica-targets.ts';
import { trafficRouterName } from '../../../client/info/rollout-info.ts';

/** One row of `plan`: what the cluster looks like once a step has been carried out. */
export interface PlanRow {
  /** 1-based step number, or a word for the phases around the steps. */
  step: string;
  action: string;
  newPods: number;
  oldPods: number;
  /** Share of traffic, in percent, on the new and the old version. */
  newTraffic: number;
  oldTraffic: number;
  /** Which version each Service selects after this row: "new", "old" or "-" (none). */
  selectors: Record<string, 'new' | 'old' | '-'>;
  note?: string;
}

export interface RolloutPlan {
  name: string;
  strategy: 'Canary' | 'BlueGreen';
  replicas: number;
  header: string[];
  services: string[];
  rows: PlanRow[];
}

function templates(analysis: { templates?: { templateName?: string; clusterScope?: boolean }[] } | undefined): string {
  const names = (analysis?.templates ?? []).map((t) => `${t.clusterScope ? 'cluster:' : ''}${t.templateName ?? '?'}`);
  return names.length > 0 ? names.join(', ') : 'no templates';
}

function seconds(value: string | number | undefined): string {
  if (value === undefined) return '';
  try {
    const s = parseDuration(value);
    return `${s}s`;
  } catch {
    return String(value);
  }
}

/**
 * The update a Rollout goes through, offline: for a canary each step with the replica counts
 * (Argo's DesiredReplicaCountsForCanary), traffic weights and service selectors it leads to;
 * for blue-green the preview, analysis, promotion and scale-down phases. It describes an update
 * from a running stable version; the very first deployment skips all steps.
 */
export function planRollout(ro: Rollout): RolloutPlan {
  if (ro.spec.strategy.blueGreen !== undefined) return planBlueGreen(ro);
  if (ro.spec.strategy.canary !== undefined) return planCanary(ro);
  throw new Error(`rollout "${ro.metadata.name ?? ''}" has neither spec.strategy.canary nor spec.strategy.blueGreen`);
}

function planCanary(ro: Rollout): RolloutPlan {
  const canary = ro.spec.strategy.canary!;
  const n = replicasOrDefault(ro);
  const routed = canary.trafficRouting !== undefined;
  const router = trafficRouterName(ro);
  const services = [canary.stableService, canary.canaryService].filter((s): s is string => s !== undefined && s !== '');
  const selectors = (stableOn: 'new' | 'old'): PlanRow['selectors'] => {
    const out: PlanRow['selectors'] = {};
    if (canary.stableService) out[canary.stableService] = stableOn;
    if (canary.canaryService) out[canary.canaryService] = 'new';
    return out;
  };
  /**
   * The row once the step at `index` has been carried out, with the controller's own arithmetic
   * (maxSurge, setCanaryScale, minPodsPerReplicaSet, dynamicStableScale): where the new and the
   * stable ReplicaSet settle during an update from a running stable version.
   */
  const row = (step: string, action: string, index: number | undefined, note?: string): PlanRow => {
    const at: Rollout = { ...ro, status: { stableRS: 'stable', currentPodHash: 'new', currentStepIndex: index ?? 0 } };
    const weight = index === undefined ? 0 : currentSetWeight(at);
    const counts =
      index === undefined
        ? { canary: 0, stable: n }
        : routed
          ? trafficRoutedCanaryReplicaCounts(at, undefined)
          : approximateWeightedCanaryStableReplicaCounts(n, canaryReplicasOrWeight(at).weight, maxSurge(at));
    // Without a traffic router, traffic follows the pods behind the shared Service.
    const total = counts.canary + counts.stable;
    const newTraffic = routed ? weight : total === 0 ? 0 : Math.round((counts.canary * 100) / total);
    const r: PlanRow = { step, action, newPods: counts.canary, oldPods: counts.stable, newTraffic, oldTraffic: 100 - newTraffic, selectors: selectors('old') };
    if (note !== undefined) r.note = note;
    return r;
  };
  const rows: PlanRow[] = [row('start', 'new ReplicaSet created', undefined)];
  const background = canary.analysis;
  (canary.steps ?? []).forEach((step, i) => {
    const number = String(i + 1);
    const notes: string[] = [];
    if (background !== undefined && (background.startingStep ?? 0) === i) notes.push(`background analysis starts (${templates(background)})`);
    if (step.setCanaryScale !== undefined && !routed) notes.push('ignored without trafficRouting');
    let action = stepDescription(step);
    if (step.pause !== undefined) action = step.pause.duration !== undefined ? `pause ${seconds(step.pause.duration)}` : 'pause until promoted';
    if (step.analysis !== undefined) action = `analysis (${templates(step.analysis)}); must succeed to go on`;
    if (step.experiment !== undefined) {
      action = `experiment: ${step.experiment.templates.map((t) => `${t.name} (${t.specRef})`).join(', ')}${step.experiment.duration ? ` for ${step.experiment.duration}` : ''}`;
    }
    if (step.setHeaderRoute !== undefined) action = `header route ${step.setHeaderRoute.name ?? ''}${(step.setHeaderRoute.match ?? []).length === 0 ? ' removed' : ' to the canary'}`;
    if (step.setMirrorRoute !== undefined) action = `mirror route ${step.setMirrorRoute.name}${(step.setMirrorRoute.match ?? []).length === 0 ? ' removed' : ` (${step.setMirrorRoute.percentage ?? 100}% mirrored)`}`;
    rows.push(row(number, action, i, notes.length > 0 ? notes.join('; ') : undefined));
  });
  const delay = routed ? `old ReplicaSet scaled down after ${canary.scaleDownDelaySeconds ?? 30}s` : 'old ReplicaSet scaled down';
  const done: PlanRow = { step: 'done', action: 'promoted: new ReplicaSet becomes stable', newPods: n, oldPods: 0, newTraffic: 100, oldTraffic: 0, selectors: selectors('new'), note: delay };
  rows.push(done);
  const header = [
    `Plan for rollout "${ro.metadata.name ?? ''}": canary, ${n} replica${n === 1 ? '' : 's'}, ${routed ? `traffic routing: ${router}` : 'no traffic routing (weights follow pod counts)'}`,
  ];
  if (canary.dynamicStableScale) header.push('dynamicStableScale: the stable ReplicaSet shrinks as the canary grows');
  return { name: ro.metadata.name ?? '', strategy: 'Canary', replicas: n, header, services, rows };
}

function planBlueGreen(ro: Rollout): RolloutPlan {
  const bg = ro.spec.strategy.blueGreen!;
  const n = ro.spec.replicas ?? 1;
  const preview = bg.previewReplicaCount ?? n;
  const services = [bg.activeService, bg.previewService].filter((s): s is string => s !== undefined && s !== '');
  const selectors = (active: 'new' | 'old'): PlanRow['selectors'] => {
    const out: PlanRow['selectors'] = { [bg.activeService]: active };
    if (bg.previewService) out[bg.previewService] = 'new';
    return out;
  };
  const rows: PlanRow[] = [];
  let step = 0;
  const add = (action: string, newPods: number, oldPods: number, active: 'new' | 'old', note?: string): void => {
    const r: PlanRow = { step: String(++step), action, newPods, oldPods, newTraffic: active === 'new' ? 100 : 0, oldTraffic: active === 'new' ? 0 : 100, selectors: selectors(active) };
    if (note !== undefined) r.note = note;
    rows.push(r);
  };
  add('preview ReplicaSet scaled up', preview, n, 'old', bg.previewService ? `preview service ${bg.previewService} selects it` : 'no preview service');
  if (bg.prePromotionAnalysis !== undefined) add(`pre-promotion analysis (${templates(bg.prePromotionAnalysis)}); must succeed to go on`, preview, n, 'old');
  const autoPromote = bg.autoPromotionEnabled ?? true;
  if (!autoPromote) add('pause until promoted', preview, n, 'old', 'autoPromotionEnabled: false');
  else if (bg.autoPromotionSeconds !== undefined) add(`wait ${bg.autoPromotionSeconds}s, then promote`, preview, n, 'old', 'autoPromotionSeconds');
  add('promoted: active service switches to the new ReplicaSet', n, n, 'new', preview < n ? `new ReplicaSet scaled from ${preview} to ${n} first` : undefined);
  if (bg.postPromotionAnalysis !== undefined) add(`post-promotion analysis (${templates(bg.postPromotionAnalysis)}); failure aborts back to the old version`, n, n, 'new');
  add(`old ReplicaSet scaled down after ${bg.scaleDownDelaySeconds ?? 30}s`, n, 0, 'new');
  const header = [`Plan for rollout "${ro.metadata.name ?? ''}": blue-green, ${n} replica${n === 1 ? '' : 's'}, active service ${bg.activeService}`];
  return { name: ro.metadata.name ?? '', strategy: 'BlueGreen', replicas: n, header, services, rows };
}
