import { and, assign, not, setup } from 'xstate';
import type { AnalysisGate } from './bluegreen.ts';

export type { AnalysisGate } from './bluegreen.ts';

/** The field a canary step sets (`spec.strategy.canary.steps[i]`). */
export type CanaryStepKind =
  | 'setWeight'
  | 'pause'
  | 'experiment'
  | 'analysis'
  | 'setCanaryScale'
  | 'setHeaderRoute'
  | 'setMirrorRoute'
  | 'plugin';

export interface CanaryStepFacts {
  kind: CanaryStepKind;
  /** A pause step's duration in seconds (Argo's DurationSeconds); absent for an indefinite pause. */
  pauseSeconds?: number;
}

/**
 * What one reconcile pass observed, reduced to the facts the canary decision needs. plan()
 * computes them from the Rollout and its ReplicaSets; the machine reads no cluster and no clock.
 * The step facts (`stepReached`, `stepGate`) describe the step at `stepIndex` as observed.
 */
export interface CanaryFacts {
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
  /** Hash of the pod template in the spec now. */
  newHash: string;
  /** `status.currentPodHash`: the revision the status was last written for. */
  currentPodHash?: string;
  /** Argo's ComputeStepHash of the steps in the spec now. */
  stepsHash: string;
  /** `status.currentStepHash`. */
  currentStepHash?: string;
  steps: CanaryStepFacts[];
  /** `status.currentStepIndex` (0 when unset). */
  stepIndex: number;
  /** `status.stableRS`. */
  stableHash?: string;
  /** A ReplicaSet with the stable hash exists (Argo's `c.stableRS != nil`). */
  stableReplicaSetExists: boolean;
  /** The new template is an older ReplicaSet within `spec.rollbackWindow`. */
  rollbackWithinWindow: boolean;
  /** The new ReplicaSet has pods asked for (Argo's IsActive). */
  newReplicaSetActive: boolean;
  /** Every one of spec.replicas pods of the new ReplicaSet is available. */
  newReplicaSetAvailable: boolean;
  /** A setWeight / setCanaryScale step's replica counts (and, with traffic routing, its applied and verified weight) are in place. */
  stepReached: boolean;
  /** The outcome of the current analysis, experiment or plugin step. */
  stepGate: AnalysisGate;
  /** The outcome of the background analysis (`strategy.canary.analysis`) so far. */
  backgroundGate: AnalysisGate;
  /** startTime of the CanaryPauseStep pause condition, when there is one. */
  pauseStartedAt?: number;
  /** An InconclusiveAnalysisRun pause condition is present. */
  inconclusivePaused: boolean;
  /** `status.controllerPause`. */
  controllerPause: boolean;
  /** `spec.paused`. */
  userPaused: boolean;
  /** `status.abort`. */
  abortRequested: boolean;
  /** `status.promoteFull` for a revision that is not yet stable. */
  promoteFullRequested: boolean;
  /**
   * Set by the machine once this pass completed a step, started a new revision or started a
   * pause: the step facts were observed before that and say nothing about the new position, so
   * no further step may complete in this pass (Argo moves one step per reconcile).
   */
  moved: boolean;
  /** Set by the machine when every pause condition is to be cleared (new revision, promotion). */
  pausesCleared: boolean;
}

export interface CanaryContext {
  facts: CanaryFacts;
}

export type CanaryEvent = { type: 'OBSERVE'; facts: CanaryFacts };

/** Names of the actions the machine emits; the planner turns each into status changes and events. */
export type CanaryActionName =
  | 'startNewRevision'
  | 'skipAllSteps'
  | 'promoteFull'
  | 'markStable'
  | 'recordAbort'
  | 'completeStep'
  | 'addCanaryPause'
  | 'addInconclusivePause';

const stepAt = (facts: CanaryFacts): CanaryStepFacts | undefined => facts.steps[facts.stepIndex];
const stepsDone = (facts: CanaryFacts): boolean => facts.stepIndex >= facts.steps.length;
const noPauses = { pauseStartedAt: undefined, inconclusivePaused: false, controllerPause: false, pausesCleared: true };

/**
 * Transitions every progressing state checks before its own, in Argo's order of precedence
 * (syncRolloutStatusCanary): a changed template or steps list, promote-full, full promotion, abort,
 * and a user pause.
 */
const newRevision = [
  {
    guard: and(['newRevision', 'rollingBackToStable']),
    target: '#canary.progressing.promoting',
    actions: ['startNewRevision', 'noteNewRevision', 'skipAllSteps', 'noteStepsSkipped'],
  },
  { guard: 'newRevision', target: '#canary.progressing.choosingStep', actions: ['startNewRevision', 'noteNewRevision'] },
] as const;
const promoteFull = { guard: 'promoteFullRequested', target: '#canary.progressing.promotingFull', actions: ['promoteFull', 'notePromoteFull'] } as const;
/**
 * Argo's syncRolloutStatusCanary, the pass after a rollback within rollbackWindow started (also to a
 * ReplicaSet already scaled down): pauses and an abort are cleared and the steps skipped, so the
 * revision scales up whole and is promoted once available.
 */
const rollbackInWindow = { guard: 'rollbackWithinWindowPending', target: '#canary.progressing.choosingStep', actions: ['noteRollbackWithinWindow'] } as const;
const fullyPromote = { guard: 'readyToPromote', target: '#canary.healthy', actions: ['markStable', 'noteStable'] } as const;
const abort = { guard: 'abortRequested', target: '#canary.aborted', actions: ['recordAbort', 'noteAborted'] } as const;
/** A failed background run aborts like a user would; Argo's shouldFullPromote refuses an aborted rollout. */
const backgroundFailed = { guard: 'backgroundFailed', target: '#canary.aborted', actions: ['recordAbort', 'noteAborted'] } as const;
const backgroundInconclusive = { guard: 'backgroundInconclusive', actions: ['addInconclusivePause', 'noteInconclusivePause'] } as const;
const userPause = { guard: 'userPaused', target: '#canary.progressing.userPaused' } as const;
const interrupts = [...newRevision, promoteFull, rollbackInWindow, backgroundFailed, fullyPromote, abort, backgroundInconclusive, userPause] as const;
const completeStep = { target: 'choosingStep', actions: ['completeStep', 'noteStepCompleted'] } as const;

export const canaryMachine = setup({
  types: {
    context: {} as CanaryContext,
    events: {} as CanaryEvent,
    input: {} as { facts: CanaryFacts },
  },
  guards: {
    newRevision: ({ context: { facts } }) =>
      (facts.currentPodHash !== undefined && facts.currentPodHash !== facts.newHash) || facts.currentStepHash !== facts.stepsHash,
    /** Argo skips the steps when going back to the stable revision, or to a recent one within rollbackWindow. */
    rollingBackToStable: ({ context: { facts } }) =>
      facts.steps.length > 0 && (facts.newHash === facts.stableHash || (facts.rollbackWithinWindow && facts.newReplicaSetActive)),
    promoteFullRequested: ({ context: { facts } }) => facts.promoteFullRequested,
    /** Not in the pass that starts the revision (Argo returns after resetting the status). */
    rollbackWithinWindowPending: ({ context: { facts } }) =>
      facts.rollbackWithinWindow && !facts.moved &&
      (facts.stepIndex < facts.steps.length || facts.abortRequested || facts.controllerPause || facts.pauseStartedAt !== undefined || facts.inconclusivePaused),
    /** Argo's shouldFullPromote for a canary. */
    readyToPromote: ({ context: { facts } }) => {
      if (!facts.stableReplicaSetExists) return true;
      if (facts.abortRequested || !facts.newReplicaSetAvailable) return false;
      return facts.promoteFullRequested || facts.rollbackWithinWindow || stepsDone(facts);
    },
    noStableReplicaSet: ({ context: { facts } }) => !facts.stableReplicaSetExists,
    abortRequested: ({ context: { facts } }) => facts.abortRequested,
    userPaused: ({ context: { facts } }) => facts.userPaused,
    stepsDone: ({ context: { facts } }) => stepsDone(facts),
    stepIs: ({ context: { facts } }, params: { kind: CanaryStepKind }) => stepAt(facts)?.kind === params.kind,
    stepReached: ({ context: { facts } }) => !facts.moved && facts.stepReached,
    /** Argo's reconcileCanaryPause adds the pause only if the controller has not paused before. */
    pauseMissing: ({ context: { facts } }) => facts.pauseStartedAt === undefined && !facts.controllerPause,
    /** Argo's CompletedCanaryPauseStep: promoted by a user, or the duration has passed. */
    pauseCompleted: ({ context: { facts } }) => {
      if (facts.moved) return false;
      if (facts.controllerPause && facts.pauseStartedAt === undefined) return true;
      const seconds = stepAt(facts)?.pauseSeconds;
      return seconds !== undefined && facts.pauseStartedAt !== undefined && facts.now >= facts.pauseStartedAt + seconds * 1000;
    },
    gateSucceeded: ({ context: { facts } }) => !facts.moved && facts.stepGate === 'successful',
    gateFailed: ({ context: { facts } }) => facts.stepGate === 'failed',
    gateInconclusive: ({ context: { facts } }) => facts.stepGate === 'inconclusive' && !facts.inconclusivePaused,
    backgroundFailed: ({ context: { facts } }) => facts.backgroundGate === 'failed' && !facts.abortRequested,
    backgroundInconclusive: ({ context: { facts } }) => facts.backgroundGate === 'inconclusive' && !facts.inconclusivePaused,
    notMoved: ({ context: { facts } }) => !facts.moved,
  },
  actions: {
    recordFacts: assign({ facts: ({ event }) => event.facts }),
    // The named actions are descriptors for the planner, which writes the matching status fields.
    startNewRevision: () => {},
    skipAllSteps: () => {},
    promoteFull: () => {},
    markStable: () => {},
    recordAbort: () => {},
    completeStep: () => {},
    addCanaryPause: () => {},
    addInconclusivePause: () => {},
    // The note* assigns move the machine's own facts along, so the eventless transitions settle
    // within the same pass and every transition falsifies the guard that took it.
    noteNewRevision: assign({
      facts: ({ context: { facts } }) => ({
        ...facts,
        ...noPauses,
        currentPodHash: facts.newHash,
        currentStepHash: facts.stepsHash,
        stepIndex: 0,
        abortRequested: false,
        promoteFullRequested: false,
        stepReached: false,
        stepGate: 'pending' as const,
        backgroundGate: 'pending' as const,
        moved: true,
      }),
    }),
    noteRollbackWithinWindow: assign({
      facts: ({ context: { facts } }) => ({ ...facts, ...noPauses, stepIndex: Math.max(facts.stepIndex, facts.steps.length), abortRequested: false }),
    }),
    noteStepsSkipped: assign({ facts: ({ context: { facts } }) => ({ ...facts, stepIndex: facts.steps.length }) }),
    notePromoteFull: assign({
      facts: ({ context: { facts } }) => ({ ...facts, ...noPauses, stepIndex: facts.steps.length, abortRequested: false }),
    }),
    noteStable: assign({
      facts: ({ context: { facts } }) => ({
        ...facts,
        ...noPauses,
        stableHash: facts.newHash,
        stableReplicaSetExists: true,
        stepIndex: facts.steps.length,
        abortRequested: false,
        promoteFullRequested: false,
      }),
    }),
    noteAborted: assign({ facts: ({ context: { facts } }) => ({ ...facts, abortRequested: true }) }),
    noteStepCompleted: assign({
      facts: ({ context: { facts } }) => ({
        ...facts,
        stepIndex: facts.stepIndex + 1,
        pauseStartedAt: undefined,
        // Argo keeps controllerPause only while some pause condition remains.
        controllerPause: facts.inconclusivePaused && facts.controllerPause,
        stepReached: false,
        stepGate: 'pending' as const,
        moved: true,
      }),
    }),
    notePauseStarted: assign({ facts: ({ context: { facts } }) => ({ ...facts, pauseStartedAt: facts.now, controllerPause: true, moved: true }) }),
    noteInconclusivePause: assign({ facts: ({ context: { facts } }) => ({ ...facts, inconclusivePaused: true, controllerPause: true }) }),
  },
}).createMachine({
  id: 'canary',
  context: ({ input }) => ({ facts: input.facts }),
  initial: 'healthy',
  on: { OBSERVE: { actions: 'recordFacts' } },
  states: {
    /** The stable ReplicaSet runs the current template; nothing is pending. */
    healthy: {
      always: [...newRevision],
    },
    progressing: {
      initial: 'choosingStep',
      states: {
        /** Passed through within a pass: routes to the state of the step at stepIndex. */
        choosingStep: {
          always: [
            ...interrupts,
            { guard: 'stepsDone', target: 'promoting' },
            { guard: { type: 'stepIs', params: { kind: 'setWeight' } }, target: 'setWeight' },
            { guard: { type: 'stepIs', params: { kind: 'pause' } }, target: 'pause' },
            { guard: { type: 'stepIs', params: { kind: 'setCanaryScale' } }, target: 'setCanaryScale' },
            { guard: { type: 'stepIs', params: { kind: 'analysis' } }, target: 'analysis' },
            { guard: { type: 'stepIs', params: { kind: 'experiment' } }, target: 'experiment' },
            { guard: { type: 'stepIs', params: { kind: 'plugin' } }, target: 'plugin' },
            { guard: { type: 'stepIs', params: { kind: 'setHeaderRoute' } }, target: 'setHeaderRoute' },
            { guard: { type: 'stepIs', params: { kind: 'setMirrorRoute' } }, target: 'setMirrorRoute' },
          ],
        },
        /** The canary is scaled (and traffic weighted) to the step's weight; done once in place. */
        setWeight: { always: [...interrupts, { guard: 'stepReached', ...completeStep }] },
        /** The canary is scaled to the step's replicas or weight without changing traffic. */
        setCanaryScale: { always: [...interrupts, { guard: 'stepReached', ...completeStep }] },
        /** Waits for a promote, or for the duration to pass. */
        pause: {
          always: [
            ...interrupts,
            { guard: 'pauseMissing', actions: ['addCanaryPause', 'notePauseStarted'] },
            { guard: 'pauseCompleted', ...completeStep },
          ],
        },
        /** Gates the analysis wiring decides: success moves on, failure aborts, inconclusive pauses. */
        analysis: { always: [...interrupts, ...gate()] },
        experiment: { always: [...interrupts, ...gate()] },
        plugin: { always: [...interrupts, ...gate()] },
        /** Header and mirror routes are set by the effects of the pass that completes the step. */
        setHeaderRoute: { always: [...interrupts, { guard: 'notMoved', ...completeStep }] },
        setMirrorRoute: { always: [...interrupts, { guard: 'notMoved', ...completeStep }] },
        /** Every step ran; the new ReplicaSet becomes stable once all its pods are available. */
        promoting: { always: [...interrupts] },
        /**
         * `status.promoteFull`: steps, pauses, analysis and an abort are skipped; promotion waits
         * for availability. A user pause halts scaling (the planner's concern) but not promotion.
         */
        promotingFull: { always: [...newRevision, fullyPromote] },
        /** `spec.paused`: nothing moves until the user resumes. */
        userPaused: {
          always: [...newRevision, promoteFull, rollbackInWindow, backgroundFailed, fullyPromote, abort, backgroundInconclusive, { guard: not('userPaused'), target: 'choosingStep' }],
        },
      },
    },
    /** The update was aborted: traffic and pods go back to the stable revision. Retry clears status.abort. */
    aborted: {
      always: [
        ...newRevision,
        promoteFull,
        rollbackInWindow,
        { guard: 'noStableReplicaSet', target: 'healthy', actions: ['markStable', 'noteStable'] },
        { guard: not('abortRequested'), target: '#canary.progressing.choosingStep' },
      ],
    },
  },
});

function gate() {
  return [
    { guard: 'gateFailed', target: '#canary.aborted', actions: ['recordAbort', 'noteAborted'] },
    { guard: 'gateInconclusive', actions: ['addInconclusivePause', 'noteInconclusivePause'] },
    { guard: 'gateSucceeded', ...completeStep },
  ] as const;
}
