import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  activeServiceUnavailable,
  duplicateHashes,
  memoryGrowth,
  nextWeight,
  promotedPastFailedAnalysis,
  reflects,
  sustained,
  unreflected,
  unsettledReason,
  type Finding,
  type RolloutView,
  type SentCommand,
  type WeightTrack,
} from '../../support/chaos/invariants.ts';

function view(over: Partial<RolloutView> & { status?: RolloutView['status'] } = {}): RolloutView {
  return {
    key: 'chaos/r-1',
    generation: 2,
    replicaSets: [],
    failedAnalysisHashes: [],
    ...over,
    status: { observedGeneration: '2', currentPodHash: 'new', stableRS: 'old', phase: 'Paused', ...over.status },
  };
}

describe('chaos invariants', () => {
  it('one ReplicaSet per pod-template hash', () => {
    const cases: Array<[string, RolloutView['replicaSets'], string[]]> = [
      ['one each', [{ name: 'r-1-old', hash: 'old', availableReplicas: 1 }, { name: 'r-1-new', hash: 'new', availableReplicas: 0 }], []],
      ['two with one hash', [{ name: 'r-1-new', hash: 'new', availableReplicas: 1 }, { name: 'r-1-new-x', hash: 'new', availableReplicas: 0 }], ['ReplicaSets r-1-new, r-1-new-x share pod-template hash new']],
    ];
    for (const [name, replicaSets, messages] of cases) {
      assert.deepEqual(duplicateHashes(view({ replicaSets })).map((f) => f.message), messages, name);
    }
  });

  it('the active Service selects a ReplicaSet with available pods', () => {
    const rs = [{ name: 'r-1-old', hash: 'old', availableReplicas: 1 }, { name: 'r-1-new', hash: 'new', availableReplicas: 0 }];
    const cases: Array<[string, string | undefined, string[]]> = [
      ['selects the available stable', 'old', []],
      ['no blue-green Service', undefined, []],
      ['selects a ReplicaSet with no pod up', 'new', ['the active Service selects hash new: ReplicaSet r-1-new has no available pod']],
      ['selects a hash nothing has', 'gone', ['the active Service selects hash gone: no ReplicaSet has that hash']],
    ];
    for (const [name, activeSelectorHash, messages] of cases) {
      assert.deepEqual(activeServiceUnavailable(view({ replicaSets: rs, activeSelectorHash })).map((f) => f.message), messages, name);
    }
  });

  it('canary weights move with the steps and never flap within one attempt', () => {
    /** Feeds the observations 5 s apart (each optionally `after` ms past the last); returns the weights at which a flap was found. */
    const walk = (observations: Array<Partial<RolloutView> & { after?: number }>): number[] => {
      let track: WeightTrack | undefined;
      let now = 0;
      const flaps: number[] = [];
      for (const o of observations) {
        now += o.after ?? 5_000;
        const next = nextWeight(track, view(o), now);
        track = next.track;
        if (next.finding) flaps.push(o.canaryWeight ?? -1);
      }
      return flaps;
    };
    const aborted = { abort: true, abortedAt: '2026-01-01T00:00:00Z', phase: 'Degraded' };
    const cases: Array<[string, Array<Partial<RolloutView> & { after?: number }>, number[]]> = [
      ['up through the steps, down once promoted', [{ canaryWeight: 0 }, { canaryWeight: 20 }, { canaryWeight: 50 }, { canaryWeight: 100 }, { canaryWeight: 0 }], []],
      ['down then up in one attempt', [{ canaryWeight: 20 }, { canaryWeight: 50 }, { canaryWeight: 20 }, { canaryWeight: 50 }], [50]],
      ['abort brings it down, retry starts a new attempt', [{ canaryWeight: 50 }, { canaryWeight: 0, status: aborted }, { canaryWeight: 0 }, { canaryWeight: 20 }], []],
      ['back up while still aborted', [{ canaryWeight: 50, status: aborted }, { canaryWeight: 0, status: aborted }, { canaryWeight: 20, status: aborted }], [20]],
      ['a new template starts a new attempt', [{ canaryWeight: 50 }, { canaryWeight: 0 }, { canaryWeight: 20, generation: 3, status: { observedGeneration: '3' } }], []],
      ['no route, nothing to check', [{}, { canaryWeight: 10 }, {}], []],
      ['the route still shows the last attempt right after a new one starts', [{ canaryWeight: 60 }, { canaryWeight: 60, status: { currentPodHash: 'newer' } }, { canaryWeight: 0, status: { currentPodHash: 'newer' }, after: 500 }, { canaryWeight: 20, status: { currentPodHash: 'newer' } }], []],
      ['down then up well into an attempt', [{ canaryWeight: 60, status: { currentPodHash: 'newer' } }, { canaryWeight: 0, status: { currentPodHash: 'newer' } }, { canaryWeight: 20, status: { currentPodHash: 'newer' } }], [20]],
    ];
    for (const [name, observations, flaps] of cases) assert.deepEqual(walk(observations), flaps, name);
  });

  it('nothing becomes stable past a failed analysis unless a user promoted it', () => {
    const failed = view({ failedAnalysisHashes: ['new'], status: { stableRS: 'new' } });
    assert.equal(promotedPastFailedAnalysis(failed, new Set()).length, 1);
    assert.deepEqual(promotedPastFailedAnalysis(failed, new Set(['chaos/r-1@new'])), []);
    assert.deepEqual(promotedPastFailedAnalysis(view({ failedAnalysisHashes: ['new'] }), new Set()), [], 'still on the old stable');
  });

  it('a command shows in the status once the controller carried it out', () => {
    const cmd = (kind: SentCommand['kind'], generation = 2): SentCommand => ({ rollout: 'chaos/r-1', kind, sentAt: 1, generation });
    const cases: Array<[string, SentCommand, RolloutView['status'], boolean]> = [
      ['image not observed yet', cmd('image', 3), {}, false],
      ['image observed', cmd('image', 3), { observedGeneration: '3' }, true],
      ['promote cleared the pause, controller not yet', cmd('promote'), { controllerPause: true, pauseConditions: null }, false],
      ['promote acted on', cmd('promote'), { controllerPause: false, pauseConditions: null, phase: 'Progressing' }, true],
      ['abort asked', cmd('abort'), { abort: true }, false],
      ['abort recorded', cmd('abort'), { abort: true, abortedAt: '2026-01-01T00:00:00Z' }, true],
      ['retry asked', cmd('retry'), { abortedAt: '2026-01-01T00:00:00Z' }, false],
      ['retry acted on', cmd('retry'), {}, true],
      ['full promotion pending', cmd('promote-full'), { promoteFull: true }, false],
      ['full promotion done', cmd('promote-full'), { promoteFull: true, stableRS: 'new' }, true],
    ];
    for (const [name, command, status, expected] of cases) assert.equal(reflects(command, view({ status })), expected, name);
  });

  it('a command never reflected is a finding unless a later one on the same Rollout was reflected', () => {
    const abort: SentCommand = { rollout: 'chaos/r-1', kind: 'abort', sentAt: 10, generation: 2 };
    const image: SentCommand = { rollout: 'chaos/r-1', kind: 'image', sentAt: 20, generation: 3 };
    const other: SentCommand = { rollout: 'chaos/r-2', kind: 'promote', sentAt: 5, generation: 2 };
    const found = unreflected([abort, image, other], new Map([[image, 25]]));
    assert.deepEqual(found.map((f) => `${f.subject} ${f.message.split(' ')[0]}`), ['chaos/r-2 promote']);
  });

  it('settled: the last spec observed, no command waiting, resting where the last command left it', () => {
    const cases: Array<[string, Partial<RolloutView>, string | undefined]> = [
      ['Healthy', { status: { phase: 'Healthy', stableRS: 'new' } }, undefined],
      ['Paused on a step', { status: { phase: 'Paused', controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep' }] } }, undefined],
      ['aborted', { status: { phase: 'Degraded', abort: true, abortedAt: '2026-01-01T00:00:00Z' } }, undefined],
      ['new spec not seen', { generation: 3 }, 'generation 3 not observed (status has 2)'],
      ['promote pending', { status: { controllerPause: true, pauseConditions: [] } }, 'a promote is not acted on'],
      ['still progressing', { status: { phase: 'Progressing' } }, 'phase Progressing'],
      ['degraded without an abort', { status: { phase: 'Degraded' } }, 'phase Degraded'],
    ];
    for (const [name, over, reason] of cases) assert.equal(unsettledReason(view(over)), reason, name);
  });

  it('a finding counts only once it has held for the grace period, and is forgotten once gone', () => {
    const f: Finding = { invariant: 'active-service-available', subject: 'chaos/r-1', message: 'x' };
    let state = sustained(new Map(), [f], 1_000, 5_000);
    assert.deepEqual(state.due, []);
    state = sustained(state.since, [f], 6_000, 5_000);
    assert.deepEqual(state.due, [f]);
    state = sustained(state.since, [], 7_000, 5_000);
    state = sustained(state.since, [f], 8_000, 5_000);
    assert.deepEqual(state.due, [], 'it went away, so it starts over');
  });

  it('memory is flat unless the last third of a process\'s life is well above its middle', () => {
    const series = (mibs: number[]) => mibs.map((m, i) => ({ at: i * 1000, rssBytes: m * 2 ** 20 }));
    assert.equal(memoryGrowth('ramp', series([80, 120, 150, 150, 152, 149, 151, 150, 153])).finding, undefined);
    assert.match(memoryGrowth('ramp', series([80, 120, 150, 150, 160, 170, 250, 280, 320])).finding?.message ?? '', /^RSS grew 77% from 160 MiB to 283 MiB$/);
  });
});
