import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BlueGreenFacts } from '../../../controller/machine/bluegreen.ts';
import { blueGreenStateFromStatus, decideBlueGreen, type BlueGreenStatusView } from '../../../controller/machine/bluegreen-decide.ts';
import { stateName } from '../../../controller/machine/decide.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const facts = (over: Partial<BlueGreenFacts> = {}): BlueGreenFacts => ({
  now, newHash: 'v2', currentPodHash: 'v2', activeHash: 'v1', newReplicaSetReady: false, newReplicaSetSaturated: false,
  autoPromotionEnabled: true, abortRequested: false, userPaused: false,
  prePromotionAnalysis: 'none', postPromotionAnalysis: 'none', prePromotionRerun: false, postPromotionRerun: false, promoteFullRequested: false, rollbackWithinWindow: false, rollbackWithinScaleDownDelay: false, ...over,
});
const status = (over: Partial<BlueGreenStatusView> = {}): BlueGreenStatusView => ({
  currentPodHash: 'v2', stableRS: 'v1', activeSelector: 'v1', pauseReasons: [], ...over,
});

describe('blue-green state rebuilt from status', () => {
  const cases: Array<[string, Partial<BlueGreenStatusView>, string]> = [
    ['an empty status is a healthy start', { currentPodHash: undefined, stableRS: undefined, activeSelector: undefined }, 'healthy'],
    ['abort wins over everything', { abort: true, pauseReasons: ['BlueGreenPause'] }, 'aborted'],
    ['active on the current hash and stable is healthy', { activeSelector: 'v2', stableRS: 'v2' }, 'healthy'],
    ['active switched but not yet stable is post-promotion analysis', { activeSelector: 'v2', stableRS: 'v1' }, 'progressing.postPromotionAnalysis'],
    ['a BlueGreenPause is paused', { pauseReasons: ['BlueGreenPause'], controllerPause: true }, 'progressing.paused'],
    ['controllerPause without a pause condition was promoted', { controllerPause: true }, 'progressing.promoting'],
    ['an InconclusiveAnalysisRun pause is paused', { pauseReasons: ['InconclusiveAnalysisRun'], controllerPause: true, prePromotionAnalysisRunStatus: { status: 'Inconclusive' } }, 'progressing.paused'],
    ['controllerPause after a cleared inconclusive pause was not promoted: it analyses again',
      { controllerPause: true, prePromotionAnalysisRunStatus: { status: 'Inconclusive' } }, 'progressing.prePromotionAnalysis'],
    ['the preview scale-up checkpoint is promoting', { scaleUpPreviewCheckPoint: true }, 'progressing.promoting'],
    ['a pre-promotion run in status is that analysis', { prePromotionAnalysisRunStatus: { status: 'Running' } }, 'progressing.prePromotionAnalysis'],
    ['otherwise the new revision is scaling up', {}, 'progressing.scalingUp'],
  ];
  for (const [name, over, expected] of cases) {
    test(name, () => assert.equal(stateName(blueGreenStateFromStatus(status(over))), expected));
  }
});

describe('blue-green transitions', () => {
  const cases: Array<{ name: string; status: Partial<BlueGreenStatusView>; facts: Partial<BlueGreenFacts>; state: string; actions: string[] }> = [
    { name: 'first deploy scales up without pausing, even with manual promotion',
      status: { currentPodHash: undefined, stableRS: undefined, activeSelector: undefined },
      facts: { currentPodHash: undefined, activeHash: undefined, autoPromotionEnabled: false },
      state: 'progressing.scalingUp', actions: ['startNewRevision'] },
    { name: 'first deploy promotes straight to active once saturated',
      status: { currentPodHash: 'v2', stableRS: undefined, activeSelector: undefined },
      facts: { activeHash: undefined, autoPromotionEnabled: false, newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'a new template restarts the progression and clears the hash',
      status: { currentPodHash: 'v1', stableRS: 'v1', activeSelector: 'v1' },
      facts: { currentPodHash: 'v1' },
      state: 'progressing.scalingUp', actions: ['startNewRevision'] },
    { name: 'a new template during a pause starts over',
      status: { currentPodHash: 'v2', pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { newHash: 'v3', currentPodHash: 'v2', pauseStartedAt: now - 1000 },
      state: 'progressing.scalingUp', actions: ['startNewRevision'] },
    { name: 'an active Service already on the new hash is not paused again (switched before a conflict)',
      status: { currentPodHash: 'v2', stableRS: undefined, activeSelector: undefined },
      facts: { activeHash: 'v2', autoPromotionEnabled: false, newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'not ready stays scaling up', status: {}, facts: {}, state: 'progressing.scalingUp', actions: [] },
    { name: 'promote --full while scaling up skips the pause and promotes once saturated',
      status: {}, facts: { promoteFullRequested: true, autoPromotionEnabled: false, newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'promote --full while scaling up waits in promoting for the full replica count',
      status: {}, facts: { promoteFullRequested: true, autoPromotionEnabled: false, newReplicaSetReady: true },
      state: 'progressing.promoting', actions: [] },
    { name: 'promote --full at the BlueGreenPause removes it and promotes',
      status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { promoteFullRequested: true, autoPromotionEnabled: false, newReplicaSetReady: true, newReplicaSetSaturated: true, pauseStartedAt: now - 1000 },
      state: 'healthy', actions: ['removeBlueGreenPause', 'promoteActive', 'markStable'] },
    { name: 'promote --full skips a running pre-promotion analysis',
      status: { prePromotionAnalysisRunStatus: { status: 'Running' } },
      facts: { promoteFullRequested: true, prePromotionAnalysis: 'running', newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'promote --full skips post-promotion analysis',
      status: { activeSelector: 'v2', stableRS: 'v1' },
      facts: { promoteFullRequested: true, activeHash: 'v2', postPromotionAnalysis: 'running', newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['markStable'] },
    { name: 'promote --full after an abort clears it and promotes',
      status: { abort: true },
      facts: { promoteFullRequested: true, abortRequested: true, newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['clearAbort', 'promoteActive', 'markStable'] },
    { name: 'a rollback within the window skips the pause and pre-promotion analysis',
      status: {}, facts: { rollbackWithinWindow: true, autoPromotionEnabled: false, prePromotionAnalysis: 'pending', newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'promote --full waits while a user pauses the rollout',
      status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { promoteFullRequested: true, userPaused: true, autoPromotionEnabled: false, newReplicaSetReady: true, pauseStartedAt: now - 1000 },
      state: 'progressing.paused', actions: [] },
    { name: 'a new template clears an earlier promote --full: the next update pauses as configured',
      status: { currentPodHash: 'v2', stableRS: 'v1' },
      facts: { newHash: 'v3', currentPodHash: 'v2', promoteFullRequested: true, autoPromotionEnabled: false, newReplicaSetReady: true },
      state: 'progressing.paused', actions: ['startNewRevision', 'addBlueGreenPause'] },
    { name: 'ready with manual promotion pauses', status: {}, facts: { newReplicaSetReady: true, autoPromotionEnabled: false },
      state: 'progressing.paused', actions: ['addBlueGreenPause'] },
    { name: 'ready with auto promotion switches when saturated', status: {}, facts: { newReplicaSetReady: true, newReplicaSetSaturated: true },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'ready but not saturated (preview replica count) waits in promoting', status: {}, facts: { newReplicaSetReady: true },
      state: 'progressing.promoting', actions: [] },
    { name: 'a user pause freezes progression', status: {}, facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, userPaused: true },
      state: 'progressing.scalingUp', actions: [] },
    { name: 'paused stays paused until promoted', status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionEnabled: false, pauseStartedAt: now - 60_000 },
      state: 'progressing.paused', actions: [] },
    { name: 'promote (pause condition cleared) switches active', status: { controllerPause: true },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionEnabled: false },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'autoPromotionSeconds with auto-promotion on pauses the ready preview first', status: {},
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionSeconds: 30 },
      state: 'progressing.paused', actions: ['addBlueGreenPause'] },
    { name: 'autoPromotionSeconds: 0 does not pause', status: {},
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionSeconds: 0 },
      state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'a rollback within the scale-down delay skips the pause and promotes at once',
      status: { currentPodHash: 'v2', stableRS: 'v2', activeSelector: 'v2' },
      facts: { newHash: 'v1', currentPodHash: 'v2', activeHash: 'v2', autoPromotionEnabled: false, newReplicaSetReady: true, newReplicaSetSaturated: true, rollbackWithinScaleDownDelay: true },
      state: 'healthy', actions: ['startNewRevision', 'promoteActive', 'markStable'] },
    { name: 'autoPromotionSeconds elapsed promotes', status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionSeconds: 30, pauseStartedAt: now - 30_000 },
      state: 'healthy', actions: ['removeBlueGreenPause', 'promoteActive', 'markStable'] },
    { name: 'autoPromotionSeconds not yet elapsed keeps the pause', status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { newReplicaSetReady: true, autoPromotionSeconds: 30, pauseStartedAt: now - 29_000 },
      state: 'progressing.paused', actions: [] },
    { name: 'autoPromotionSeconds is ignored while autoPromotionEnabled is false', status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionEnabled: false, autoPromotionSeconds: 30, pauseStartedAt: now - 60_000 },
      state: 'progressing.paused', actions: [] },
    { name: 'abort during the pause goes to aborted', status: { pauseReasons: ['BlueGreenPause'], controllerPause: true },
      facts: { abortRequested: true, pauseStartedAt: now }, state: 'aborted', actions: ['recordAbort'] },
    { name: 'aborted stays aborted', status: { abort: true }, facts: { abortRequested: true }, state: 'aborted', actions: [] },
    { name: 'retry (abort cleared) resumes and pauses again', status: { abort: true },
      facts: { newReplicaSetReady: true, autoPromotionEnabled: false }, state: 'progressing.paused', actions: ['addBlueGreenPause'] },
    { name: 'abort on a healthy rollout is cleared', status: { activeSelector: 'v2', stableRS: 'v2' },
      facts: { activeHash: 'v2', abortRequested: true }, state: 'healthy', actions: ['clearAbort'] },
    { name: 'pre-promotion analysis starts once the preview is ready', status: {},
      facts: { newReplicaSetReady: true, prePromotionAnalysis: 'pending' }, state: 'progressing.prePromotionAnalysis', actions: ['startPrePromotionAnalysis'] },
    { name: 'pre-promotion analysis running blocks promotion', status: { prePromotionAnalysisRunStatus: { status: 'Running' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, prePromotionAnalysis: 'running' }, state: 'progressing.prePromotionAnalysis', actions: [] },
    { name: 'pre-promotion analysis success promotes', status: { prePromotionAnalysisRunStatus: { status: 'Successful' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, prePromotionAnalysis: 'successful' }, state: 'healthy', actions: ['promoteActive', 'markStable'] },
    { name: 'pre-promotion analysis failure aborts', status: { prePromotionAnalysisRunStatus: { status: 'Failed' } },
      facts: { newReplicaSetReady: true, prePromotionAnalysis: 'failed' }, state: 'aborted', actions: ['recordAbort'] },
    { name: 'post-promotion analysis follows the switch', status: {},
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, postPromotionAnalysis: 'pending' },
      state: 'progressing.postPromotionAnalysis', actions: ['promoteActive', 'startPostPromotionAnalysis'] },
    { name: 'inconclusive pre-promotion analysis pauses', status: { prePromotionAnalysisRunStatus: { status: 'Running' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, prePromotionAnalysis: 'inconclusive' }, state: 'progressing.paused', actions: ['pauseInconclusive'] },
    { name: 'the inconclusive pause holds, also past autoPromotionSeconds',
      status: { pauseReasons: ['InconclusiveAnalysisRun'], controllerPause: true, prePromotionAnalysisRunStatus: { status: 'Inconclusive' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionEnabled: false, autoPromotionSeconds: 30, pauseStartedAt: now - 60_000, prePromotionAnalysis: 'inconclusive' },
      state: 'progressing.paused', actions: [] },
    { name: 'promote clearing the inconclusive pause starts a new pre-promotion run instead of promoting',
      status: { controllerPause: true, prePromotionAnalysisRunStatus: { status: 'Inconclusive' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, prePromotionAnalysis: 'inconclusive', prePromotionRerun: true },
      state: 'progressing.prePromotionAnalysis', actions: ['startPrePromotionAnalysis'] },
    { name: 'a rerun decided while still in the paused state goes back to the analysis, not to promoting',
      status: { pauseReasons: ['InconclusiveAnalysisRun'], controllerPause: true, prePromotionAnalysisRunStatus: { status: 'Inconclusive' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, prePromotionAnalysis: 'inconclusive', prePromotionRerun: true },
      state: 'progressing.prePromotionAnalysis', actions: ['startPrePromotionAnalysis'] },
    { name: 'a successful rerun with manual promotion pauses for the promote',
      status: { prePromotionAnalysisRunStatus: { status: 'Successful' } },
      facts: { newReplicaSetReady: true, newReplicaSetSaturated: true, autoPromotionEnabled: false, prePromotionAnalysis: 'successful' },
      state: 'progressing.paused', actions: ['addBlueGreenPause'] },
    { name: 'inconclusive post-promotion analysis pauses once, traffic staying on the new revision',
      status: { activeSelector: 'v2', stableRS: 'v1' },
      facts: { activeHash: 'v2', newReplicaSetReady: true, newReplicaSetSaturated: true, postPromotionAnalysis: 'inconclusive' },
      state: 'progressing.postPromotionAnalysis', actions: ['pauseInconclusive'] },
    { name: 'the post-promotion inconclusive pause is not added again on the next pass',
      status: { activeSelector: 'v2', stableRS: 'v1', pauseReasons: ['InconclusiveAnalysisRun'], controllerPause: true },
      facts: { activeHash: 'v2', newReplicaSetReady: true, newReplicaSetSaturated: true, postPromotionAnalysis: 'inconclusive', pauseStartedAt: now - 1000 },
      state: 'progressing.postPromotionAnalysis', actions: [] },
    { name: 'promote clearing the post-promotion inconclusive pause starts a new post-promotion run',
      status: { activeSelector: 'v2', stableRS: 'v1', controllerPause: true },
      facts: { activeHash: 'v2', newReplicaSetReady: true, newReplicaSetSaturated: true, postPromotionAnalysis: 'inconclusive', postPromotionRerun: true },
      state: 'progressing.postPromotionAnalysis', actions: ['startPostPromotionAnalysis'] },
    { name: 'post-promotion analysis success marks stable', status: { activeSelector: 'v2', stableRS: 'v1' },
      facts: { activeHash: 'v2', newReplicaSetReady: true, newReplicaSetSaturated: true, postPromotionAnalysis: 'successful' }, state: 'healthy', actions: ['markStable'] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = decideBlueGreen(status(c.status), facts(c.facts));
      assert.equal(stateName(d.state), c.state);
      assert.deepEqual(d.actions, c.actions);
    });
  }

  test('the machine moves the hash and pause time forward in its facts', () => {
    const d = decideBlueGreen(status({ currentPodHash: 'v1' }), facts({ currentPodHash: 'v1', newReplicaSetReady: true, autoPromotionEnabled: false }));
    assert.equal(d.facts.currentPodHash, 'v2');
    assert.equal(d.facts.pauseStartedAt, now);
    assert.deepEqual(d.actions, ['startNewRevision', 'addBlueGreenPause']);
  });
});
