import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, CanaryStep, Experiment, PauseCondition, Rollout, RolloutStatus, TrafficWeights } from '../../api/index.ts';
import { decideCanary, type CanaryStateValue } from '../../machine/canary-decide.ts';
import type { CanaryActionName, CanaryFacts } from '../../machine/canary.ts';
import type { AnalysisTemplates } from '../shared/analysis-templates.ts';
import { observeCanaryAnalysis, planCanaryAnalysis, type CanaryAnalysisInput } from './rollout-analysis.ts';
import { planCanaryReplicaSets } from './replicasets.ts';
import { INCONCLUSIVE_EXPERIMENT_PAUSE, observeCanaryExperiment, planCanaryExperiment, type CanaryExperimentInput } from './experiment-step.ts';
import { pingPongServiceTargets, serviceSelectorEffects } from './services.ts';
import { nextStablePingPong } from '../../traffic/target.ts';
import { stepFacts, stepsHash } from './steps.ts';
import { planTraffic, stepWeightApplied, type TrafficPlan } from './traffic.ts';
import { decisionEvents, pauseEvents } from './events.ts';
import { atDesiredReplicaCountsForCanary } from '../shared/replica-targets.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import { findStableReplicaSet, otherReplicaSets } from '../shared/replicaset-identity.ts';
import { formatTime } from '../../api/kit.ts';
import { replicaSetsToCleanUp } from '../shared/revision-history.ts';
import { replicasOrDefault } from '../../api/defaults.ts';
import { toMillis } from '../shared/time.ts';
import { rollbackWithinWindow } from '../shared/rollback-window.ts';
import type { Effect, RolloutEvent } from '../types.ts';

export interface CanaryInput {
  /** The validated Rollout as observed: its status is the one the last pass wrote. */
  rollout: Rollout;
  newHash: string;
  /** The new ReplicaSet as it will be after this pass's create/sync effects. */
  newRS: V1ReplicaSet;
  /** Whether the new ReplicaSet is created by this pass (nothing observed about it yet). */
  newRSCreated: boolean;
  /** The ReplicaSets the Rollout controls, as observed. */
  replicaSets: V1ReplicaSet[];
  /** The Services the strategy names, by name. */
  services: ReadonlyMap<string, V1Service>;
  /** AnalysisRuns controlled by the Rollout and the templates its analyses name. */
  analysisRuns?: readonly AnalysisRun[];
  analysisTemplates?: AnalysisTemplates;
  /** Experiments controlled by the Rollout. */
  experiments?: readonly Experiment[];
  now: Date;
}

export interface CanaryPlan {
  effects: Effect[];
  status: RolloutStatus;
  events: RolloutEvent[];
  requeueAfterMs?: number;
  state: CanaryStateValue;
  /** Named actions the machine took, for the analysis wiring and logs. */
  actions: CanaryActionName[];
  markedStable: boolean;
  /** Why the rollout aborted (a failed step analysis): appended to the abort message. */
  abortMessage?: string;
}

const CANARY_PAUSE = 'CanaryPauseStep';
const INCONCLUSIVE_PAUSE = 'InconclusiveAnalysisRun';
/** Argo's defaults.GetRolloutVerifyRetryInterval. */
const VERIFY_RETRY_MS = 10_000;
const pauseOf = (status: RolloutStatus, reason: string): PauseCondition | undefined => status.pauseConditions?.find((p) => p.reason === reason);

/**
 * Decides one canary pass. The machine says where the rollout stands; the ReplicaSet sizes, the
 * Service selectors and the traffic follow from the status it decides, so a pass repeated after a
 * crash, a conflict or a restart asks for the same objects again.
 */
export function planCanary(input: CanaryInput): CanaryPlan {
  const { rollout, newHash, newRS, newRSCreated, now } = input;
  const strategy = rollout.spec.strategy.canary!;
  const status = rollout.status ?? {};
  const steps = strategy.steps ?? [];
  const allRSs = newRSCreated ? [...input.replicaSets, newRS] : input.replicaSets;
  const stableRS = findStableReplicaSet(rollout, allRSs, newRS);
  const others = otherReplicaSets(allRSs, newRS, stableRS);
  const traffic = strategy.trafficRouting !== undefined;
  const observedWeights = status.canary?.weights;
  const currentStepHash = stepsHash(strategy.steps);
  const stepIndex = status.currentStepIndex ?? 0;
  const step: CanaryStep | undefined = steps[stepIndex];

  // Facts about the step as observed.
  const atDesired = !newRSCreated && atDesiredReplicaCountsForCanary(rollout, newRS, stableRS, others, observedWeights);
  let stepReached = false;
  if (step?.setCanaryScale) stepReached = atDesired;
  if (step?.setWeight !== undefined) stepReached = atDesired && (!traffic || stepWeightApplied(rollout, newHash));
  const canaryPause = pauseOf(status, CANARY_PAUSE);
  const withinWindow = rollbackWithinWindow(rollout, newRS, stableRS, allRSs);
  const analysisInput: CanaryAnalysisInput = {
    rollout,
    newHash,
    newRS,
    analysisRuns: input.analysisRuns ?? [],
    replicaSets: allRSs,
    templates: input.analysisTemplates ?? {},
    rollbackWithinWindow: withinWindow,
  };
  const analysis = observeCanaryAnalysis(analysisInput);
  const experimentInput: CanaryExperimentInput = {
    rollout,
    newHash,
    newRS,
    ...(stableRS ? { stableRS } : {}),
    experiments: input.experiments ?? [],
    replicaSets: allRSs,
  };
  const experiment = observeCanaryExperiment(experimentInput);
  // The machine adds one inconclusive pause; its reason says which gate it came from.
  const inconclusiveReason = step?.experiment && experiment.gate === 'inconclusive' ? INCONCLUSIVE_EXPERIMENT_PAUSE : INCONCLUSIVE_PAUSE;
  const facts: CanaryFacts = {
    now: now.getTime(),
    newHash,
    currentPodHash: status.currentPodHash || undefined,
    stepsHash: currentStepHash,
    currentStepHash: status.currentStepHash || undefined,
    steps: stepFacts(steps),
    stepIndex,
    stableHash: status.stableRS || undefined,
    stableReplicaSetExists: stableRS !== undefined,
    rollbackWithinWindow: withinWindow,
    newReplicaSetActive: (newRS.spec?.replicas ?? 0) > 0,
    newReplicaSetAvailable: !newRSCreated && (newRS.status?.availableReplicas ?? 0) === replicasOrDefault(rollout),
    stepReached,
    stepGate: step?.experiment ? experiment.gate : analysis.step.gate,
    backgroundGate: analysis.background.gate,
    pauseStartedAt: canaryPause ? toMillis(canaryPause.startTime) ?? now.getTime() : undefined,
    inconclusivePaused: pauseOf(status, INCONCLUSIVE_PAUSE) !== undefined || pauseOf(status, INCONCLUSIVE_EXPERIMENT_PAUSE) !== undefined,
    controllerPause: status.controllerPause === true,
    userPaused: rollout.spec.paused === true,
    abortRequested: status.abort === true,
    promoteFullRequested: status.promoteFull === true && newHash !== status.stableRS,
    moved: false,
    pausesCleared: false,
  };
  const decision = decideCanary(
    { currentPodHash: status.currentPodHash, stableRS: status.stableRS, abort: status.abort, promoteFull: status.promoteFull, currentStepIndex: status.currentStepIndex, stepKinds: facts.steps.map((s) => s.kind) },
    facts,
  );
  const did = (name: CanaryActionName): boolean => decision.actions.includes(name);
  const decided = decision.facts;
  const aborted = decision.state === 'aborted';

  // The status this pass decides, before traffic and counts.
  const stableHash = decided.stableHash;
  // Argo's aborted index: back to the first step, or past the last when the stable is current.
  const abortedIndex = stableHash === newHash ? steps.length : 0;
  const currentStepIndex = steps.length === 0 ? undefined : aborted ? abortedIndex : decided.stepIndex;
  const core: RolloutStatus = {
    ...status,
    currentPodHash: newHash,
    currentStepHash,
    currentStepIndex,
    stableRS: stableHash,
    abort: aborted || undefined,
    abortedAt: aborted ? status.abortedAt ?? formatTime(now) : undefined,
    promoteFull: decided.promoteFullRequested || undefined,
    ...(strategy.pingPong && stableHash && stableHash !== status.stableRS
      ? { canary: { ...status.canary, stablePingPong: nextStablePingPong(status.canary?.stablePingPong) } }
      : {}),
  };
  const decidedRollout: Rollout = { ...rollout, status: core };
  const decidedStableRS = findStableReplicaSet(decidedRollout, allRSs, newRS);
  const decidedOthers = otherReplicaSets(allRSs, newRS, decidedStableRS);

  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  const waits: number[] = [];

  // Where requests go, in Argo's order: Service selectors, then the routers, then ReplicaSet sizes.
  let trafficPlan: TrafficPlan | undefined;
  if (traffic) {
    const completedStep = did('completeStep') && (step?.setHeaderRoute || step?.setMirrorRoute) ? step : undefined;
    trafficPlan = planTraffic({
      rollout: decidedRollout,
      observedWeights,
      newRS,
      newRSCreated,
      stableRS: decidedStableRS,
      otherRSs: decidedOthers,
      ...(completedStep ? { completedStep } : {}),
      experimentDestinations: experiment.weightDestinations,
    });
    if (observedWeights?.verified === false) waits.push(VERIFY_RETRY_MS);
  }
  const weights: TrafficWeights | undefined = trafficPlan?.weights;

  const basicAbort = aborted && !traffic;
  const services = serviceSelectorEffects(rollout.metadata.name ?? '', input.services, [
    ...pingPongServiceTargets(strategy, status, newRS),
    { service: strategy.stableService, replicaSet: decidedStableRS, checkAvailability: true },
    ...(trafficPlan?.dynamicallyRollingBack
      ? []
      : trafficPlan?.canaryServiceToStable
        ? [{ service: strategy.canaryService, replicaSet: decidedStableRS, checkAvailability: false }]
        : [{ service: strategy.canaryService, replicaSet: basicAbort ? decidedStableRS : newRS, checkAvailability: true }]),
  ]);
  effects.push(...services.effects);
  events.push(...services.events);
  if (trafficPlan) {
    effects.push(...trafficPlan.effects);
    events.push(...trafficPlan.events);
  }

  // Argo's haltProgress: a user pause or an inconclusive analysis freezes every ReplicaSet's size.
  const halted = rollout.spec.paused === true || facts.inconclusivePaused;
  if (!halted) {
    const layout = planCanaryReplicaSets({
      rollout: decidedRollout,
      observedWeights,
      weights,
      newRS,
      stableRS: decidedStableRS,
      otherRSs: decidedOthers,
      referencedHashes: referencedHashes(status, input.services, strategy.canaryService, strategy.stableService),
      now,
    });
    effects.push(...layout.effects);
    events.push(...layout.events);
    waits.push(...layout.waits);
  }

  for (const rs of replicaSetsToCleanUp(rollout, input.replicaSets, [newHash, stableHash ?? '', status.stableRS ?? ''])) {
    effects.push({ kind: 'deleteReplicaSet', name: rs.metadata?.name ?? '', reason: 'revisionHistoryLimit' });
  }

  // Pauses, as Argo's pauseContext computes them.
  const pauseConditions = aborted ? [] : pausesAfter(status, decided, now, inconclusiveReason);
  const added = did('addCanaryPause') || did('addInconclusivePause');
  // kubectl argo rollouts promote clears the pause conditions (status) before spec.paused: while the
  // user pause holds, nothing has taken the promotion, so controllerPause keeps it for the pass
  // that resumes. Dropping it (as Argo does when its pass falls between the two patches) would
  // pause the same step again.
  const userPaused = typeof decision.state !== 'string' && decision.state.progressing === 'userPaused';
  const promotionPending = userPaused && status.controllerPause === true && pauseConditions.length === 0;
  const controllerPause = (pauseConditions.length > 0 && (status.controllerPause === true || added)) || promotionPending;

  // AnalysisRuns: the step and background runs the decided position needs.
  const analysisPlan = planCanaryAnalysis(analysisInput, analysis, {
    actions: decision.actions,
    aborted,
    stepIndex: decided.stepIndex,
    // By the step index, not the machine's state: a user pause (spec.paused) leaves the run going.
    atAnalysisStep: steps[decided.stepIndex]?.analysis !== undefined,
    ...(stableHash ? { stableHash } : {}),
    paused: pauseConditions.length > 0,
    inconclusivePaused: pauseConditions.some((p) => p.reason === INCONCLUSIVE_PAUSE),
  });
  effects.push(...analysisPlan.effects);
  events.push(...analysisPlan.events);

  const experimentPlan = planCanaryExperiment(experimentInput, experiment, {
    aborted,
    promotingFull: decided.promoteFullRequested || stableHash === newHash,
    newRevision: did('startNewRevision'),
    stepIndex: decided.stepIndex,
    inconclusivePaused: pauseConditions.some((p) => p.reason === INCONCLUSIVE_EXPERIMENT_PAUSE),
  });
  effects.push(...experimentPlan.effects);
  events.push(...experimentPlan.events);

  const next: RolloutStatus = {
    ...core,
    pauseConditions: pauseConditions.length > 0 ? pauseConditions : undefined,
    controllerPause: controllerPause || undefined,
    canary: {
      ...core.canary,
      weights,
      currentStepAnalysisRunStatus: analysisPlan.currentStepAnalysisRunStatus,
      currentBackgroundAnalysisRunStatus: analysisPlan.currentBackgroundAnalysisRunStatus,
      currentExperiment: experimentPlan.currentExperiment,
    },
  };

  events.push(...decisionEvents(rollout, facts, decision.actions, stableHash, steps, step));
  events.push(...pauseEvents(status, next, aborted));

  // A timed pause ends by itself: come back when it does.
  const pauseSeconds = decided.steps[decided.stepIndex]?.pauseSeconds;
  const pausing = typeof decision.state !== 'string' && decision.state.progressing === 'pause';
  if (pausing && pauseSeconds !== undefined && decided.pauseStartedAt !== undefined) {
    waits.push(Math.max(0, decided.pauseStartedAt + pauseSeconds * 1000 - now.getTime()));
  }

  return {
    effects,
    status: next,
    events,
    requeueAfterMs: waits.length > 0 ? Math.max(1000, Math.min(...waits)) : undefined,
    state: decision.state,
    actions: decision.actions,
    markedStable: did('markStable'),
    ...(aborted && (analysisPlan.abortMessage ?? experimentPlan.abortMessage) ? { abortMessage: analysisPlan.abortMessage ?? experimentPlan.abortMessage } : {}),
  };
}

/** The pause conditions after this pass: the machine's CanaryPauseStep and inconclusive pauses, others kept. */
function pausesAfter(status: RolloutStatus, decided: CanaryFacts, now: Date, inconclusiveReason: string): PauseCondition[] {
  const kept = (status.pauseConditions ?? []).filter((p) => {
    if (p.reason === CANARY_PAUSE) return decided.pauseStartedAt !== undefined;
    if (p.reason === INCONCLUSIVE_PAUSE || p.reason === INCONCLUSIVE_EXPERIMENT_PAUSE) return decided.inconclusivePaused;
    return !decided.pausesCleared;
  });
  const has = (reason: string) => kept.some((p) => p.reason === reason);
  if (decided.pauseStartedAt !== undefined && !has(CANARY_PAUSE)) kept.push({ reason: CANARY_PAUSE, startTime: formatTime(new Date(decided.pauseStartedAt)) });
  if (decided.inconclusivePaused && !has(INCONCLUSIVE_PAUSE) && !has(INCONCLUSIVE_EXPERIMENT_PAUSE)) kept.push({ reason: inconclusiveReason as PauseCondition['reason'], startTime: formatTime(now) });
  return kept;
}

/** Argo's isReplicaSetReferenced: hashes the status or the canary/stable Services still point at. */
function referencedHashes(status: RolloutStatus, services: ReadonlyMap<string, V1Service>, ...names: Array<string | undefined>): Set<string> {
  const refs = [status.stableRS, status.currentPodHash, status.canary?.weights?.canary.podTemplateHash, status.canary?.weights?.stable.podTemplateHash];
  for (const name of names) refs.push(name ? services.get(name)?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] : undefined);
  return new Set(refs.filter((h): h is string => typeof h === 'string' && h !== ''));
}
