import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CanaryFacts, CanaryStepFacts } from '../../../controller/machine/canary.ts';
import { canaryStateFromStatus, decideCanary, type CanaryStatusView } from '../../../controller/machine/canary-decide.ts';
import { stateName } from '../../../controller/machine/decide.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
// setWeight 33, pause {}, setWeight 66, pause 5s, setWeight 100
const steps: CanaryStepFacts[] = [
  { kind: 'setWeight' },
  { kind: 'pause' },
  { kind: 'setWeight' },
  { kind: 'pause', pauseSeconds: 5 },
  { kind: 'setWeight' },
];

const facts = (over: Partial<CanaryFacts> = {}): CanaryFacts => ({
  now,
  newHash: 'v2',
  currentPodHash: 'v2',
  stepsHash: 'sh',
  currentStepHash: 'sh',
  steps,
  stepIndex: 0,
  stableHash: 'v1',
  stableReplicaSetExists: true,
  rollbackWithinWindow: false,
  newReplicaSetActive: true,
  newReplicaSetAvailable: false,
  stepReached: false,
  stepGate: 'pending',
  backgroundGate: 'pending',
  inconclusivePaused: false,
  controllerPause: false,
  userPaused: false,
  abortRequested: false,
  promoteFullRequested: false,
  moved: false,
  pausesCleared: false,
  ...over,
});

const status = (over: Partial<CanaryStatusView> = {}): CanaryStatusView => ({
  currentPodHash: 'v2',
  stableRS: 'v1',
  currentStepIndex: 0,
  stepKinds: steps.map((s) => s.kind),
  ...over,
});

describe('canary state rebuilt from status', () => {
  const cases: Array<[string, Partial<CanaryStatusView>, string]> = [
    ['an empty status is a healthy start', { currentPodHash: undefined, stableRS: undefined, currentStepIndex: undefined }, 'healthy'],
    ['abort wins over everything', { abort: true, promoteFull: true }, 'aborted'],
    ['the stable ReplicaSet running the current hash is healthy', { stableRS: 'v2', currentStepIndex: 5 }, 'healthy'],
    ['promoteFull acted on (past the last step) is promoting in full', { promoteFull: true, currentStepIndex: 5 }, 'progressing.promotingFull'],
    ['promoteFull not yet acted on is still the step', { promoteFull: true, currentStepIndex: 1 }, 'progressing.pause'],
    ['a setWeight step index', { currentStepIndex: 2 }, 'progressing.setWeight'],
    ['a pause step index', { currentStepIndex: 3 }, 'progressing.pause'],
    ['an unset index is the first step', { currentStepIndex: undefined }, 'progressing.setWeight'],
    ['past the last step is promoting', { currentStepIndex: 5 }, 'progressing.promoting'],
    ['no steps is promoting', { stepKinds: [], currentStepIndex: undefined }, 'progressing.promoting'],
  ];
  for (const [name, over, expected] of cases) {
    test(name, () => assert.equal(stateName(canaryStateFromStatus(status(over))), expected));
  }
});

interface Case {
  name: string;
  status?: Partial<CanaryStatusView>;
  facts?: Partial<CanaryFacts>;
  state: string;
  actions: string[];
  /** Facts the decision must leave behind. */
  after?: Partial<CanaryFacts>;
}

function check(c: Case): void {
  const decision = decideCanary(status(c.status), facts(c.facts));
  assert.equal(stateName(decision.state), c.state);
  assert.deepEqual(decision.actions, c.actions);
  for (const [key, value] of Object.entries(c.after ?? {})) {
    assert.deepEqual(decision.facts[key as keyof CanaryFacts], value, `facts.${key}`);
  }
}

describe('canary transitions: new revisions', () => {
  const cases: Case[] = [
    { name: 'the first deploy is marked stable at once, before its pods are up (Argo: "Initial deploy")',
      status: { currentPodHash: undefined, stableRS: undefined, currentStepIndex: undefined },
      facts: { currentPodHash: undefined, currentStepHash: undefined, stableHash: undefined, stableReplicaSetExists: false },
      state: 'healthy', actions: ['startNewRevision', 'markStable'], after: { stepIndex: 5, stableHash: 'v2' } },
    { name: 'a new template on a healthy rollout restarts at step 0',
      status: { currentPodHash: 'v1', stableRS: 'v1', currentStepIndex: 5 }, facts: { currentPodHash: 'v1', stepIndex: 5 },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { stepIndex: 0, currentPodHash: 'v2' } },
    { name: 'a new template mid-canary restarts at step 0 against the same stable and clears the pause',
      status: { currentStepIndex: 1 }, facts: { newHash: 'v3', stepIndex: 1, pauseStartedAt: now - 1000, controllerPause: true },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { stepIndex: 0, stableHash: 'v1', pauseStartedAt: undefined, pausesCleared: true } },
    { name: 'a new template while aborted starts over and clears the abort',
      status: { abort: true }, facts: { newHash: 'v3', abortRequested: true },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { abortRequested: false } },
    { name: 'changed steps restart at step 0',
      status: { currentStepIndex: 3 }, facts: { stepIndex: 3, stepsHash: 'sh2' },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { stepIndex: 0, currentStepHash: 'sh2' } },
    { name: 'the step reached in the pass of a new revision does not count: its facts are about the old one',
      status: { currentStepIndex: 2 }, facts: { newHash: 'v3', stepIndex: 2, stepReached: true },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { stepIndex: 0 } },
    { name: 'rolling back to the stable template skips every step and is promoted once available',
      status: { currentStepIndex: 2 }, facts: { newHash: 'v1', stepIndex: 2, newReplicaSetAvailable: true },
      state: 'healthy', actions: ['startNewRevision', 'skipAllSteps', 'markStable'], after: { stepIndex: 5, stableHash: 'v1' } },
    { name: 'rolling back to the stable template waits in promoting while its pods are missing',
      status: { currentStepIndex: 2 }, facts: { newHash: 'v1', stepIndex: 2 },
      state: 'progressing.promoting', actions: ['startNewRevision', 'skipAllSteps'], after: { stepIndex: 5 } },
    { name: 'a rollback within rollbackWindow to an active ReplicaSet skips the steps',
      status: { currentStepIndex: 1 }, facts: { newHash: 'v0', stepIndex: 1, rollbackWithinWindow: true },
      state: 'progressing.promoting', actions: ['startNewRevision', 'skipAllSteps'] },
    { name: 'a rollback within rollbackWindow to a scaled-down ReplicaSet starts at the first step in its first pass, as Argo',
      status: { currentPodHash: 'v2', currentStepIndex: 2 }, facts: { newHash: 'v0', currentPodHash: 'v2', stepIndex: 2, rollbackWithinWindow: true, newReplicaSetActive: false },
      state: 'progressing.setWeight', actions: ['startNewRevision'], after: { stepIndex: 0 } },
    { name: 'the next pass of a rollback within rollbackWindow clears the pause and skips the steps',
      status: { currentPodHash: 'v0', currentStepIndex: 1 }, facts: { newHash: 'v0', currentPodHash: 'v0', stepIndex: 1, rollbackWithinWindow: true, pauseStartedAt: now, controllerPause: true },
      state: 'progressing.promoting', actions: [], after: { stepIndex: 5, pauseStartedAt: undefined, controllerPause: false, pausesCleared: true } },
    { name: 'a rollback within rollbackWindow is promoted once its pods are available, an abort cleared',
      status: { currentPodHash: 'v0', currentStepIndex: 0, abort: true }, facts: { newHash: 'v0', currentPodHash: 'v0', stepIndex: 0, rollbackWithinWindow: true, abortRequested: true, newReplicaSetAvailable: true },
      state: 'healthy', actions: ['markStable'], after: { stableHash: 'v0', abortRequested: false } },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe('canary transitions: steps', () => {
  const cases: Case[] = [
    { name: 'a setWeight step not yet reached waits', facts: {}, state: 'progressing.setWeight', actions: [] },
    { name: 'a reached setWeight step completes, and the next pause step pauses at once',
      facts: { stepReached: true }, state: 'progressing.pause', actions: ['completeStep', 'addCanaryPause'],
      after: { stepIndex: 1, pauseStartedAt: now, controllerPause: true } },
    { name: 'an indefinite pause waits for a promote',
      status: { currentStepIndex: 1 }, facts: { stepIndex: 1, pauseStartedAt: now - 3_600_000, controllerPause: true },
      state: 'progressing.pause', actions: [] },
    { name: 'promote (pause condition cleared, controllerPause kept) completes the pause; one step per pass',
      status: { currentStepIndex: 1 }, facts: { stepIndex: 1, controllerPause: true, stepReached: true },
      state: 'progressing.setWeight', actions: ['completeStep'], after: { stepIndex: 2, controllerPause: false } },
    { name: 'a timed pause not yet over waits',
      status: { currentStepIndex: 3 }, facts: { stepIndex: 3, pauseStartedAt: now - 4_999, controllerPause: true },
      state: 'progressing.pause', actions: [] },
    { name: 'a timed pause ends by itself once its duration has passed',
      status: { currentStepIndex: 3 }, facts: { stepIndex: 3, pauseStartedAt: now - 5_000, controllerPause: true },
      state: 'progressing.setWeight', actions: ['completeStep'], after: { stepIndex: 4, pauseStartedAt: undefined } },
    { name: 'a pause of zero seconds still pauses for one pass',
      status: { currentStepIndex: 0, stepKinds: ['pause'] }, facts: { steps: [{ kind: 'pause', pauseSeconds: 0 }] },
      state: 'progressing.pause', actions: ['addCanaryPause'] },
    { name: 'the last step reached with the new ReplicaSet fully available promotes it',
      status: { currentStepIndex: 4 }, facts: { stepIndex: 4, stepReached: true, newReplicaSetAvailable: true },
      state: 'healthy', actions: ['completeStep', 'markStable'], after: { stableHash: 'v2', stepIndex: 5 } },
    { name: 'past the last step, promotion waits for every new pod',
      status: { currentStepIndex: 5 }, facts: { stepIndex: 5 }, state: 'progressing.promoting', actions: [] },
    { name: 'a setCanaryScale step completes once the replica counts are in place',
      status: { currentStepIndex: 0, stepKinds: ['setCanaryScale', 'setWeight'] },
      facts: { steps: [{ kind: 'setCanaryScale' }, { kind: 'setWeight' }], stepReached: true },
      state: 'progressing.setWeight', actions: ['completeStep'] },
    { name: 'a header route step completes in the pass that sets the route',
      status: { currentStepIndex: 0, stepKinds: ['setHeaderRoute', 'setMirrorRoute'] },
      facts: { steps: [{ kind: 'setHeaderRoute' }, { kind: 'setMirrorRoute' }] },
      state: 'progressing.setMirrorRoute', actions: ['completeStep'], after: { stepIndex: 1 } },
    { name: 'an analysis step waits for its run',
      status: { currentStepIndex: 0, stepKinds: ['analysis', 'setWeight'] }, facts: { steps: [{ kind: 'analysis' }, { kind: 'setWeight' }] },
      state: 'progressing.analysis', actions: [] },
    { name: 'a successful analysis step moves on',
      status: { currentStepIndex: 0, stepKinds: ['analysis', 'setWeight'] },
      facts: { steps: [{ kind: 'analysis' }, { kind: 'setWeight' }], stepGate: 'successful' },
      state: 'progressing.setWeight', actions: ['completeStep'] },
    { name: 'a failed analysis step aborts',
      status: { currentStepIndex: 0, stepKinds: ['analysis', 'setWeight'] },
      facts: { steps: [{ kind: 'analysis' }, { kind: 'setWeight' }], stepGate: 'failed' },
      state: 'aborted', actions: ['recordAbort'], after: { abortRequested: true } },
    { name: 'an inconclusive analysis step pauses once',
      status: { currentStepIndex: 0, stepKinds: ['analysis'] }, facts: { steps: [{ kind: 'analysis' }], stepGate: 'inconclusive' },
      state: 'progressing.analysis', actions: ['addInconclusivePause'], after: { inconclusivePaused: true, controllerPause: true } },
    { name: 'an inconclusive analysis already paused stays without adding another pause',
      status: { currentStepIndex: 0, stepKinds: ['analysis'] },
      facts: { steps: [{ kind: 'analysis' }], stepGate: 'inconclusive', inconclusivePaused: true, controllerPause: true },
      state: 'progressing.analysis', actions: [] },
    { name: 'a failed background analysis aborts at any step',
      status: { currentStepIndex: 2 }, facts: { stepIndex: 2, stepReached: true, backgroundGate: 'failed' },
      state: 'aborted', actions: ['recordAbort'], after: { abortRequested: true } },
    { name: 'a failed background analysis aborts even once every step ran and the new pods are available',
      status: { currentStepIndex: 5 }, facts: { stepIndex: 5, newReplicaSetAvailable: true, backgroundGate: 'failed' },
      state: 'aborted', actions: ['recordAbort'] },
    { name: 'a failed background analysis aborts a user-paused rollout',
      facts: { userPaused: true, backgroundGate: 'failed' }, state: 'aborted', actions: ['recordAbort'] },
    { name: 'an inconclusive background analysis pauses once, and the step still completes',
      facts: { stepReached: true, backgroundGate: 'inconclusive' },
      state: 'progressing.pause', actions: ['addInconclusivePause', 'completeStep'], after: { inconclusivePaused: true, controllerPause: true } },
    { name: 'a successful background analysis does not move the steps',
      facts: { backgroundGate: 'successful' }, state: 'progressing.setWeight', actions: [] },
    { name: 'a new revision forgets the failed background analysis of the old one',
      status: { currentPodHash: 'v1' }, facts: { currentPodHash: 'v1', newHash: 'v2', backgroundGate: 'failed' },
      state: 'progressing.setWeight', actions: ['startNewRevision'] },
    { name: 'a pause step after an inconclusive pause that a user cleared completes at once (Argo keeps controllerPause)',
      status: { currentStepIndex: 1 }, facts: { stepIndex: 1, controllerPause: true },
      state: 'progressing.setWeight', actions: ['completeStep'] },
  ];
  for (const c of cases) test(c.name, () => check(c));
});

describe('canary transitions: user actions', () => {
  const cases: Case[] = [
    { name: 'spec.paused freezes a reached step', facts: { stepReached: true, userPaused: true },
      state: 'progressing.userPaused', actions: [] },
    { name: 'spec.paused keeps a pause step from adding its pause condition',
      status: { currentStepIndex: 1 }, facts: { stepIndex: 1, userPaused: true }, state: 'progressing.userPaused', actions: [] },
    { name: 'resume (spec.paused false) goes on with the step', facts: { stepReached: true },
      state: 'progressing.pause', actions: ['completeStep', 'addCanaryPause'] },
    { name: 'abort goes to aborted', status: { abort: true }, facts: { abortRequested: true, stepIndex: 2 }, state: 'aborted', actions: [] },
    { name: 'abort wins over a reached step', status: { abort: true }, facts: { abortRequested: true, stepReached: true }, state: 'aborted', actions: [] },
    { name: 'retry (abort cleared) resumes at the step in status', status: { abort: true, currentStepIndex: 0 },
      facts: { stepIndex: 0 }, state: 'progressing.setWeight', actions: [] },
    { name: 'promote --full skips the remaining steps and pauses',
      status: { currentStepIndex: 1 }, facts: { stepIndex: 1, promoteFullRequested: true, pauseStartedAt: now, controllerPause: true },
      state: 'progressing.promotingFull', actions: ['promoteFull'], after: { stepIndex: 5, pauseStartedAt: undefined, pausesCleared: true } },
    { name: 'promote --full overrides an abort',
      status: { abort: true }, facts: { abortRequested: true, promoteFullRequested: true },
      state: 'progressing.promotingFull', actions: ['promoteFull'], after: { abortRequested: false } },
    { name: 'promote --full promotes once every new pod is available',
      status: { promoteFull: true, currentStepIndex: 5 }, facts: { stepIndex: 5, promoteFullRequested: true, newReplicaSetAvailable: true },
      state: 'healthy', actions: ['markStable'], after: { promoteFullRequested: false } },
    { name: 'promote --full is not halted into a loop by spec.paused',
      status: { promoteFull: true, currentStepIndex: 5 }, facts: { stepIndex: 5, promoteFullRequested: true, userPaused: true },
      state: 'progressing.promotingFull', actions: [] },
    { name: 'an aborted rollout whose stable ReplicaSet is gone deploys as a first deploy',
      status: { abort: true }, facts: { abortRequested: true, stableReplicaSetExists: false },
      state: 'healthy', actions: ['markStable'] },
    { name: 'a healthy rollout stays healthy', status: { stableRS: 'v2', currentStepIndex: 5 },
      facts: { stableHash: 'v2', stepIndex: 5, newReplicaSetAvailable: true }, state: 'healthy', actions: [] },
  ];
  for (const c of cases) test(c.name, () => check(c));
});
