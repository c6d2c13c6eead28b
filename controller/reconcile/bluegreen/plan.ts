import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import { abortScaleDownDelaySecondsOrDefault, autoPromotionEnabledOrDefault, replicasOrDefault } from '../../api/defaults.ts';
import type { AnalysisRun, PauseCondition, Rollout, RolloutStatus } from '../../api/index.ts';
import { formatTime } from '../../api/kit.ts';
import { decideBlueGreen, type BlueGreenStateValue } from '../../machine/bluegreen-decide.ts';
import { stateName as machineStateName } from '../../machine/decide.ts';
import type { BlueGreenActionName, BlueGreenFacts } from '../../machine/bluegreen.ts';
import type { AnalysisTemplates } from '../shared/analysis-templates.ts';
import { replicaSetByHash } from '../shared/replicaset-identity.ts';
import { replicaSetsToCleanUp } from '../shared/revision-history.ts';
import { toMillis } from '../shared/time.ts';
import { INITIAL_DEPLOY } from '../shared/events.ts';
import { rollbackWithinScaleDownDelay, rollbackWithinWindow } from '../shared/rollback-window.ts';
import type { Effect, RolloutEvent } from '../types.ts';
import { decisionEvents, scalingEvents } from './events.ts';
import { machineAnalysisStatus, observeBlueGreenAnalysis, planBlueGreenAnalysis } from './rollout-analysis.ts';
import { removeDeadline, scaledDownAfterDelay, scaleOlderReplicaSets, scaleTo } from './scaling.ts';
import { selectorHash, serviceSelectorEffects } from './services.ts';

export interface BlueGreenInput {
  rollout: Rollout;
  newHash: string;
  /** The new ReplicaSet as it will be after this pass's create/sync effects. */
  newRS: V1ReplicaSet;
  /** Whether the new ReplicaSet is created by this pass (nothing observed about it yet). */
  newRSCreated: boolean;
  replicaSets: V1ReplicaSet[];
  activeService: V1Service;
  previewService?: V1Service;
  /** AnalysisRuns controlled by the Rollout and the templates its analyses name. */
  analysisRuns?: readonly AnalysisRun[];
  analysisTemplates?: AnalysisTemplates;
  now: Date;
}

export interface BlueGreenPlan {
  effects: Effect[];
  status: RolloutStatus;
  events: RolloutEvent[];
  requeueAfterMs?: number;
  state: BlueGreenStateValue;
  /** Whether this pass marked the new revision stable. */
  markedStable: boolean;
  /** Why the rollout aborted, when an AnalysisRun failed: appended to the abort message. */
  abortMessage?: string;
}

const BLUE_GREEN_PAUSE = 'BlueGreenPause';
const INCONCLUSIVE_PAUSE = 'InconclusiveAnalysisRun';

const available = (rs: V1ReplicaSet | undefined): number => rs?.status?.availableReplicas ?? 0;

/**
 * Decides one blue-green pass: the machine says where the rollout stands, and the layout of
 * ReplicaSets and Service selectors follows from that state alone, so a pass that is repeated
 * (after a crash, a conflict or a restart) asks for the same objects again.
 */
export function planBlueGreen(input: BlueGreenInput): BlueGreenPlan {
  const { rollout, newHash, newRS, replicaSets, activeService, previewService, now } = input;
  const strategy = rollout.spec.strategy.blueGreen!;
  const status = rollout.status ?? {};
  const replicas = replicasOrDefault(rollout);
  const activeHash = selectorHash(activeService);
  const firstDeploy = activeHash === undefined || replicaSetByHash(replicaSets, activeHash) === undefined;
  const previewReplicas = firstDeploy ? replicas : strategy.previewReplicaCount ?? replicas;
  const pause = (status.pauseConditions ?? []).find((p) => p.reason === BLUE_GREEN_PAUSE || p.reason === INCONCLUSIVE_PAUSE);

  const stableRS = replicaSetByHash(replicaSets, status.stableRS ?? '');
  const withinWindow = rollbackWithinWindow(rollout, newRS, stableRS, replicaSets);
  const withinDelay = !input.newRSCreated && rollbackWithinScaleDownDelay(newRS, stableRS, now);
  const promoteFullRequested = status.promoteFull === true && newHash !== status.stableRS;
  const analysisInput = {
    rollout,
    newHash,
    analysisRuns: input.analysisRuns ?? [],
    replicaSets,
    templates: input.analysisTemplates ?? {},
    fastTracked: promoteFullRequested || withinWindow || withinDelay,
  };
  const analysis = observeBlueGreenAnalysis(analysisInput);

  const newAvailable = input.newRSCreated ? 0 : available(newRS);
  const facts: BlueGreenFacts = {
    now: now.getTime(),
    newHash,
    currentPodHash: status.currentPodHash,
    activeHash: firstDeploy ? undefined : activeHash,
    newReplicaSetReady: newAvailable >= previewReplicas && (newRS.spec?.replicas ?? 0) >= previewReplicas,
    newReplicaSetSaturated: newAvailable >= replicas && (newRS.spec?.replicas ?? 0) === replicas,
    autoPromotionEnabled: autoPromotionEnabledOrDefault(rollout),
    autoPromotionSeconds: strategy.autoPromotionSeconds,
    pauseStartedAt: pause ? toMillis(pause.startTime) : undefined,
    abortRequested: status.abort === true,
    userPaused: rollout.spec.paused === true,
    prePromotionAnalysis: analysis.pre.gate,
    postPromotionAnalysis: analysis.post.gate,
    prePromotionRerun: analysis.pre.rerun,
    postPromotionRerun: analysis.post.rerun,
    promoteFullRequested,
    rollbackWithinWindow: withinWindow,
    rollbackWithinScaleDownDelay: withinDelay,
  };
  const decision = decideBlueGreen(
    {
      currentPodHash: status.currentPodHash,
      stableRS: status.stableRS,
      abort: status.abort,
      controllerPause: status.controllerPause,
      pauseReasons: (status.pauseConditions ?? []).map((p) => p.reason),
      activeSelector: firstDeploy ? undefined : status.blueGreen?.activeSelector,
      scaleUpPreviewCheckPoint: status.blueGreen?.scaleUpPreviewCheckPoint,
      prePromotionAnalysisRunStatus: machineAnalysisStatus(analysis.pre),
      postPromotionAnalysisRunStatus: machineAnalysisStatus(analysis.post),
    },
    facts,
  );
  const state = decision.state;
  const did = (name: BlueGreenActionName): boolean => decision.actions.includes(name);
  const stateName = machineStateName(state);
  const aborted = state === 'aborted';
  const stableHash = did('markStable') ? newHash : status.stableRS ?? (firstDeploy ? undefined : activeHash);

  // Where traffic goes in this state.
  const promoted = state === 'healthy' || stateName === 'progressing.postPromotionAnalysis';
  const desiredActive = promoted ? newHash : aborted ? stableHash ?? activeHash : activeHash;
  const desiredPreview = aborted ? desiredActive : newHash;

  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  const waits: number[] = [];
  const name = rollout.metadata.name ?? '';

  // The new ReplicaSet's size.
  let newDesired: number;
  if (aborted) {
    newDesired = newHash === desiredActive ? replicas : scaledDownAfterDelay(newRS, abortScaleDownDelaySecondsOrDefault(rollout), now, effects, waits, 'update aborted');
  } else if (promoted || stateName === 'progressing.promoting') {
    newDesired = replicas;
  } else {
    newDesired = previewReplicas;
  }
  scaleTo(newRS, newDesired, replicas, effects, 'new revision', aborted ? {} : removeDeadline(newRS));

  // Services: the preview first, the active one only in states that allow it.
  const services = serviceSelectorEffects({ rolloutName: name, activeService, previewService, activeHash, desiredActive, desiredPreview });
  effects.push(...services.effects);
  events.push(...services.events);

  // Older ReplicaSets: the one serving stays; the one that just stopped serving waits out
  // scaleDownDelaySeconds; the rest scale to zero, up to scaleDownDelayRevisionLimit kept warm.
  scaleOlderReplicaSets({ rollout, replicaSets, newHash, activeHash, desiredActive, desiredPreview, aborted, now }, effects, waits);

  events.push(...scalingEvents(effects, replicaSets, newRS));

  for (const rs of replicaSetsToCleanUp(rollout, replicaSets, [newHash, stableHash ?? '', desiredActive ?? ''])) {
    effects.push({ kind: 'deleteReplicaSet', name: rs.metadata?.name ?? '', reason: 'revisionHistoryLimit' });
  }

  const analysisPlan = planBlueGreenAnalysis(analysisInput, analysis, { actions: decision.actions, aborted, ...(stableHash ? { stableHash } : {}) });
  effects.push(...analysisPlan.effects);
  events.push(...analysisPlan.events);

  // Status, from the decision.
  const pauseConditions = pauseConditionsAfter(status.pauseConditions, decision.facts.pauseStartedAt, did('pauseInconclusive'), now);
  events.push(...decisionEvents(rollout, newHash, did, completionReason(decision.facts, firstDeploy)));
  const controllerPause = pauseConditions.length > 0 || (status.controllerPause === true && stateName === 'progressing.promoting');

  if (stateName === 'progressing.paused' && facts.autoPromotionEnabled && facts.autoPromotionSeconds !== undefined && decision.facts.pauseStartedAt !== undefined) {
    waits.push(Math.max(0, decision.facts.pauseStartedAt + facts.autoPromotionSeconds * 1000 - now.getTime()));
  }

  const next: RolloutStatus = {
    ...status,
    currentPodHash: newHash,
    stableRS: stableHash,
    pauseConditions: pauseConditions.length > 0 ? pauseConditions : undefined,
    controllerPause: controllerPause || undefined,
    abort: aborted || undefined,
    // Argo keeps promoteFull only while the revision it was asked for is not yet stable.
    promoteFull: decision.facts.promoteFullRequested && stableHash !== newHash ? true : undefined,
    abortedAt: aborted ? (did('recordAbort') ? formatTime(now) : status.abortedAt ?? formatTime(now)) : undefined,
    blueGreen: {
      ...status.blueGreen,
      activeSelector: desiredActive,
      previewSelector: previewService ? desiredPreview : undefined,
      scaleUpPreviewCheckPoint: stateName === 'progressing.promoting' && strategy.previewReplicaCount !== undefined ? true : undefined,
      prePromotionAnalysisRunStatus: analysisPlan.prePromotionAnalysisRunStatus,
      postPromotionAnalysisRunStatus: analysisPlan.postPromotionAnalysisRunStatus,
    },
  };
  return {
    effects,
    status: next,
    events,
    requeueAfterMs: waits.length > 0 ? Math.max(1000, Math.min(...waits)) : undefined,
    state,
    markedStable: did('markStable'),
    ...(aborted && analysisPlan.abortMessage ? { abortMessage: analysisPlan.abortMessage } : {}),
  };
}

function pauseConditionsAfter(current: PauseCondition[] | undefined, startedAt: number | undefined, inconclusive: boolean, now: Date): PauseCondition[] {
  const others = (current ?? []).filter((p) => p.reason !== BLUE_GREEN_PAUSE && p.reason !== INCONCLUSIVE_PAUSE);
  if (startedAt === undefined) return others;
  const existing = (current ?? []).find((p) => p.reason === BLUE_GREEN_PAUSE || p.reason === INCONCLUSIVE_PAUSE);
  const reason = inconclusive ? INCONCLUSIVE_PAUSE : existing?.reason ?? BLUE_GREEN_PAUSE;
  return [...others, { reason, startTime: existing?.startTime ?? formatTime(new Date(startedAt || now.getTime())) }];
}


/** Why a revision became stable, in Argo's words (the RolloutCompleted event's message). */
function completionReason(facts: BlueGreenFacts, firstDeploy: boolean): string | undefined {
  if (firstDeploy) return INITIAL_DEPLOY;
  if (facts.promoteFullRequested) return 'Full promotion requested';
  if (facts.rollbackWithinWindow) return 'Rollback within window';
  if (facts.rollbackWithinScaleDownDelay) return 'Fast rollback';
  return undefined;
}
