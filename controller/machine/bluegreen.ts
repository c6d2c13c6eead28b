import { and, assign, not, setup } from 'xstate';

/**
 * What one reconcile pass observed, reduced to the facts the blue-green decision needs.
 * plan() computes them from the cluster; the machine never reads the cluster or a clock itself.
 */
export interface BlueGreenFacts {
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
  /** Hash of the pod template in the spec now. */
  newHash: string;
  /** `status.currentPodHash`: the revision the status was last written for. */
  currentPodHash?: string;
  /** Hash the active Service selects now (undefined before the first promotion). */
  activeHash?: string;
  /** The new ReplicaSet has as many available pods as it is asked to have before promotion. */
  newReplicaSetReady: boolean;
  /** The new ReplicaSet runs the full replica count, all available. */
  newReplicaSetSaturated: boolean;
  autoPromotionEnabled: boolean;
  autoPromotionSeconds?: number;
  /** startTime of the BlueGreenPause condition, when there is one. */
  pauseStartedAt?: number;
  /** `status.abort`. */
  abortRequested: boolean;
  /** `spec.paused`: a user froze the rollout. */
  userPaused: boolean;
  /** Gates the analysis wiring fills in; 'none' when the strategy has no such analysis. */
  prePromotionAnalysis: AnalysisGate;
  postPromotionAnalysis: AnalysisGate;
  /**
   * Argo's needsNewAnalysisRun for a run that exists: it was inconclusive, the controller paused
   * for it, and a promote cleared that pause (status.controllerPause still set). The analysis
   * then runs again under the next name instead of the rollout moving on.
   */
  prePromotionRerun: boolean;
  postPromotionRerun: boolean;
  /**
   * `status.promoteFull` for a revision that is not yet stable (`promote --full`): as Argo's
   * isBlueGreenFastTracked, pauses, analysis and an abort are skipped and the revision is promoted
   * as soon as it is fully available.
   */
  promoteFullRequested: boolean;
  /**
   * Argo's isRollbackWithinWindow: the new template is an older ReplicaSet within
   * `spec.rollbackWindow`; like a full promotion it skips the pause and analysis.
   */
  rollbackWithinWindow: boolean;
  /**
   * Argo's isFastRollback within the scale-down delay: the new template is the stable or an older
   * ReplicaSet whose scale-down deadline has not passed (its pods still up); promoted at once.
   */
  rollbackWithinScaleDownDelay: boolean;
}

export type AnalysisGate = 'none' | 'pending' | 'running' | 'successful' | 'failed' | 'inconclusive';

export interface BlueGreenContext {
  facts: BlueGreenFacts;
}

export type BlueGreenEvent = { type: 'OBSERVE'; facts: BlueGreenFacts };

/** Names of the actions the machine emits; the planner turns each into status changes. */
export type BlueGreenActionName =
  | 'startNewRevision'
  | 'addBlueGreenPause'
  | 'removeBlueGreenPause'
  | 'promoteActive'
  | 'markStable'
  | 'recordAbort'
  | 'clearAbort'
  | 'startPrePromotionAnalysis'
  | 'startPostPromotionAnalysis'
  | 'pauseInconclusive';

export const blueGreenMachine = setup({
  types: {
    context: {} as BlueGreenContext,
    events: {} as BlueGreenEvent,
    input: {} as { facts: BlueGreenFacts },
  },
  guards: {
    newRevision: ({ context }) => context.facts.currentPodHash !== context.facts.newHash,
    abortRequested: ({ context }) => context.facts.abortRequested,
    userPaused: ({ context }) => context.facts.userPaused,
    firstDeploy: ({ context }) => context.facts.activeHash === undefined,
    newReplicaSetReady: ({ context }) => context.facts.newReplicaSetReady,
    newReplicaSetSaturated: ({ context }) => context.facts.newReplicaSetSaturated,
    activeIsNew: ({ context }) => context.facts.activeHash === context.facts.newHash,
    /**
     * Argo's needsBlueGreenControllerPause: the controller holds the new revision behind the preview
     * when promotion is manual, and also when auto-promotion waits autoPromotionSeconds first.
     */
    controllerPauses: ({ context }) => !context.facts.autoPromotionEnabled || (context.facts.autoPromotionSeconds ?? 0) > 0,
    pauseCleared: ({ context }) => context.facts.pauseStartedAt === undefined,
    /** Argo's CompletedBlueGreenPause: autoPromotionSeconds counts only while auto-promotion is on. */
    autoPromotionDue: ({ context }) => {
      const { autoPromotionEnabled, autoPromotionSeconds, pauseStartedAt, now } = context.facts;
      return autoPromotionEnabled && autoPromotionSeconds !== undefined && pauseStartedAt !== undefined && now >= pauseStartedAt + autoPromotionSeconds * 1000;
    },
    hasPrePromotionAnalysis: ({ context }) => context.facts.prePromotionAnalysis !== 'none',
    hasPostPromotionAnalysis: ({ context }) => context.facts.postPromotionAnalysis !== 'none',
    prePromotionSucceeded: ({ context }) => context.facts.prePromotionAnalysis === 'successful',
    prePromotionFailed: ({ context }) => context.facts.prePromotionAnalysis === 'failed',
    prePromotionInconclusive: ({ context }) => context.facts.prePromotionAnalysis === 'inconclusive',
    postPromotionSucceeded: ({ context }) => context.facts.postPromotionAnalysis === 'successful',
    postPromotionFailed: ({ context }) => context.facts.postPromotionAnalysis === 'failed',
    postPromotionInconclusive: ({ context }) => context.facts.postPromotionAnalysis === 'inconclusive',
    prePromotionRerun: ({ context }) => context.facts.prePromotionRerun,
    postPromotionRerun: ({ context }) => context.facts.postPromotionRerun,
    /** Argo's isBlueGreenFastTracked (promote --full, or a fast rollback: within the window or the scale-down delay). */
    fastTracked: ({ context }) => context.facts.promoteFullRequested || context.facts.rollbackWithinWindow || context.facts.rollbackWithinScaleDownDelay,
  },
  actions: {
    recordFacts: assign({ facts: ({ event }) => event.facts }),
    // The named actions are descriptors for the planner, which writes the matching status fields.
    startNewRevision: () => {},
    addBlueGreenPause: () => {},
    removeBlueGreenPause: () => {},
    promoteActive: () => {},
    markStable: () => {},
    recordAbort: () => {},
    clearAbort: () => {},
    startPrePromotionAnalysis: () => {},
    startPostPromotionAnalysis: () => {},
    pauseInconclusive: () => {},
    // The note* assigns move the machine's own facts along, so the eventless transitions settle
    // within the same pass (a new hash is no longer new; an abort decided here holds).
    noteNewRevision: assign({
      facts: ({ context }) => ({
        ...context.facts,
        currentPodHash: context.facts.newHash,
        pauseStartedAt: undefined,
        abortRequested: false,
        prePromotionAnalysis: context.facts.prePromotionAnalysis === 'none' ? 'none' : 'pending',
        postPromotionAnalysis: context.facts.postPromotionAnalysis === 'none' ? 'none' : 'pending',
        prePromotionRerun: false,
        postPromotionRerun: false,
        // A new template is a new update: Argo resets status.promoteFull with the rest of it.
        promoteFullRequested: false,
      }),
    }),
    notePauseStarted: assign({ facts: ({ context }) => ({ ...context.facts, pauseStartedAt: context.facts.now }) }),
    notePauseEnded: assign({ facts: ({ context }) => ({ ...context.facts, pauseStartedAt: undefined }) }),
    noteActivePromoted: assign({ facts: ({ context }) => ({ ...context.facts, activeHash: context.facts.newHash }) }),
    noteAbortCleared: assign({ facts: ({ context }) => ({ ...context.facts, abortRequested: false }) }),
    noteAborted: assign({ facts: ({ context }) => ({ ...context.facts, abortRequested: true }) }),
    notePrePromotionRerun: assign({ facts: ({ context }) => ({ ...context.facts, prePromotionAnalysis: 'pending', prePromotionRerun: false }) }),
    notePostPromotionRerun: assign({ facts: ({ context }) => ({ ...context.facts, postPromotionAnalysis: 'pending', postPromotionRerun: false }) }),
  },
}).createMachine({
  id: 'blueGreen',
  context: ({ input }) => ({ facts: input.facts }),
  initial: 'healthy',
  on: { OBSERVE: { actions: 'recordFacts' } },
  states: {
    /** The active Service selects the current revision and nothing is pending. */
    healthy: {
      always: [
        { guard: 'newRevision', target: 'progressing', actions: ['startNewRevision', 'noteNewRevision'] },
        // Argo ignores an abort once the revision is fully promoted: there is nothing to go back to.
        { guard: 'abortRequested', actions: ['clearAbort', 'noteAbortCleared'] },
      ],
    },
    progressing: {
      initial: 'scalingUp',
      always: [
        { guard: 'newRevision', target: '.scalingUp', reenter: true, actions: ['startNewRevision', 'noteNewRevision'] },
        { guard: 'abortRequested', target: 'aborted', actions: ['recordAbort', 'noteAborted'] },
      ],
      states: {
        /** The new ReplicaSet scales up behind the preview Service. */
        scalingUp: {
          always: [
            { guard: and(['fastTracked', not('userPaused')]), target: 'promoting' },
            // Nothing to hold back when the active Service already selects the new revision (a first
            // deploy, or a pass that switched it but could not record so before a conflict).
            { guard: and([not('userPaused'), 'newReplicaSetReady', 'hasPrePromotionAnalysis', not('firstDeploy'), not('activeIsNew')]), target: 'prePromotionAnalysis', actions: 'startPrePromotionAnalysis' },
            { guard: and([not('userPaused'), 'newReplicaSetReady', 'controllerPauses', not('firstDeploy'), not('activeIsNew')]), target: 'paused', actions: ['addBlueGreenPause', 'notePauseStarted'] },
            { guard: and([not('userPaused'), 'newReplicaSetReady']), target: 'promoting' },
          ],
        },
        /**
         * The pre-promotion run gates the switch: failure aborts, an inconclusive result pauses
         * (InconclusiveAnalysisRun), and a promote that clears that pause analyses again, as Argo does.
         */
        prePromotionAnalysis: {
          always: [
            { guard: and(['fastTracked', not('userPaused')]), target: 'promoting' },
            { guard: 'prePromotionFailed', target: '#blueGreen.aborted', actions: ['recordAbort', 'noteAborted'] },
            { guard: 'prePromotionRerun', actions: ['startPrePromotionAnalysis', 'notePrePromotionRerun'] },
            { guard: and(['prePromotionInconclusive', 'pauseCleared']), target: 'paused', actions: ['pauseInconclusive', 'notePauseStarted'] },
            { guard: and([not('userPaused'), 'prePromotionSucceeded', 'controllerPauses']), target: 'paused', actions: ['addBlueGreenPause', 'notePauseStarted'] },
            { guard: and([not('userPaused'), 'prePromotionSucceeded']), target: 'promoting' },
          ],
        },
        /**
         * Waiting for a promote (the pause condition cleared) or for autoPromotionSeconds. A cleared
         * InconclusiveAnalysisRun pause does not promote: the pre-promotion analysis runs again.
         * autoPromotionSeconds ends only the BlueGreenPause, never the inconclusive one.
         */
        paused: {
          always: [
            { guard: and(['fastTracked', not('userPaused')]), target: 'promoting', actions: ['removeBlueGreenPause', 'notePauseEnded'] },
            { guard: 'prePromotionRerun', target: 'prePromotionAnalysis', actions: ['startPrePromotionAnalysis', 'notePrePromotionRerun'] },
            { guard: and([not('userPaused'), 'pauseCleared', not('prePromotionInconclusive')]), target: 'promoting' },
            { guard: and([not('userPaused'), 'autoPromotionDue', not('prePromotionInconclusive')]), target: 'promoting', actions: ['removeBlueGreenPause', 'notePauseEnded'] },
          ],
        },
        /** Promoted: the new ReplicaSet scales to full size, then the active Service switches. */
        promoting: {
          always: [
            { guard: and(['newReplicaSetSaturated', 'fastTracked']), target: '#blueGreen.healthy', actions: ['promoteActive', 'noteActivePromoted', 'markStable'] },
            { guard: and(['newReplicaSetSaturated', 'hasPostPromotionAnalysis']), target: 'postPromotionAnalysis', actions: ['promoteActive', 'noteActivePromoted', 'startPostPromotionAnalysis'] },
            { guard: 'newReplicaSetSaturated', target: '#blueGreen.healthy', actions: ['promoteActive', 'noteActivePromoted', 'markStable'] },
          ],
        },
        /**
         * The active Service already selects the new revision; it becomes stable once analysis
         * passes. An inconclusive run pauses here, once (traffic stays on the new revision); a
         * promote that clears the pause analyses again, as Argo does.
         */
        postPromotionAnalysis: {
          always: [
            { guard: 'fastTracked', target: '#blueGreen.healthy', actions: 'markStable' },
            { guard: 'postPromotionFailed', target: '#blueGreen.aborted', actions: ['recordAbort', 'noteAborted'] },
            { guard: 'postPromotionRerun', actions: ['startPostPromotionAnalysis', 'notePostPromotionRerun'] },
            { guard: and(['postPromotionInconclusive', 'pauseCleared']), actions: ['pauseInconclusive', 'notePauseStarted'] },
            { guard: 'postPromotionSucceeded', target: '#blueGreen.healthy', actions: 'markStable' },
          ],
        },
      },
    },
    /** The update was aborted: the stable revision serves, the new one scales down. Retry clears status.abort. */
    aborted: {
      always: [
        { guard: 'newRevision', target: 'progressing', actions: ['startNewRevision', 'noteNewRevision'] },
        // promote --full (or a rollback within the window) after an abort: Argo removes the abort and promotes.
        { guard: 'fastTracked', target: '#blueGreen.progressing.promoting', actions: ['clearAbort', 'noteAbortCleared'] },
        { guard: not('abortRequested'), target: 'progressing' },
      ],
    },
  },
});
