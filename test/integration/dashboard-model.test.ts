import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Rollout } from '../../controller/api/index.ts';
import { RefusedError } from '../../client/actions/patches.ts';
import { newRolloutInfo } from '../../client/info/rollout-info.ts';
import { apiError, unreachable } from '../support/fake-kube.ts';
import { authorizeWrite, bearerToken, hostAllowed, hostName, tokensEqual } from '../../dashboard/server/auth.ts';
import { filteredSource } from '../../dashboard/server/cache.ts';
import { HttpError, httpErrorOf } from '../../dashboard/server/errors.ts';
import { rolloutDetail } from '../../dashboard/server/model/detail.ts';
import { eventViews, type EventLike } from '../../dashboard/server/model/events.ts';
import { weightPoint, WeightHistory } from '../../dashboard/server/model/history.ts';
import { measurementNumber, metricSeries, parseThreshold } from '../../dashboard/server/model/metrics.ts';
import { revisionTimeline } from '../../dashboard/server/model/revisions.ts';
import { currentPause, stepTrack } from '../../dashboard/server/model/steps.ts';
import { rolloutSummary } from '../../dashboard/server/model/summary.ts';
import type { WatchEvent } from '../../controller/kube/client.ts';
import type { KubeObject } from '../../controller/kube/resources.ts';
import { loadFixture, NOW } from '../support/rollout-fixtures.ts';

/** The dashboard's pure pieces: the view built on the CLI's model, thresholds, history, auth, errors. */

describe('thresholds read from metric conditions', () => {
  const cases: [string | undefined, ReturnType<typeof parseThreshold>][] = [
    ['result[0] >= 0.95', { operator: '>=', value: 0.95, condition: 'result[0] >= 0.95' }],
    ['result < 100', { operator: '<', value: 100, condition: 'result < 100' }],
    ['asFloat(result) > 0.5', { operator: '>', value: 0.5, condition: 'asFloat(result) > 0.5' }],
    ['0.9 <= result[0]', { operator: '>=', value: 0.9, condition: '0.9 <= result[0]' }],
    ['result[0] == 1e3', { operator: '==', value: 1000, condition: 'result[0] == 1e3' }],
    ['len(result) == 0 || result[0] < 5', undefined],
    ['result.status == "ok"', undefined],
    [undefined, undefined],
  ];
  for (const [condition, expected] of cases) {
    test(`${JSON.stringify(condition)} → ${expected ? `${expected.operator} ${expected.value}` : 'no line'}`, () => {
      assert.deepEqual(parseThreshold(condition), expected);
    });
  }
});

describe('measurement values as numbers', () => {
  const cases: [string | undefined, number | null][] = [
    ['0.97', 0.97],
    ['[0.97]', 0.97],
    ['[0.97 0.5]', 0.97],
    ['[1.5e2]', 150],
    ['-3', -3],
    ['map[status:ok]', null],
    ['', null],
    ['[]', null],
    [undefined, null],
  ];
  for (const [raw, expected] of cases) {
    test(`${JSON.stringify(raw)} → ${expected}`, () => assert.equal(measurementNumber(raw), expected));
  }

  test('a metric series carries measurements, phases and both thresholds', () => {
    const objects = loadFixture('analysis-failed.yaml');
    const info = newRolloutInfo(objects);
    const series = metricSeries(info.analysisRuns);
    assert.ok(series.length > 0);
    for (const s of series) {
      const metric = info.analysisRuns.find((r) => r.name === s.analysisRun)?.metrics.find((m) => m.name === s.metric);
      assert.ok(metric, `${s.analysisRun}/${s.metric} comes from the view model`);
      assert.equal(s.points.length, metric.measurements.length);
      assert.deepEqual(s.points.map((p) => p.phase), metric.measurements.map((m) => m.phase));
    }
  });
});

describe('weight history', () => {
  const point = (setWeight: number, actualWeight: number, stepIndex: number, time = '2025-01-10T12:00:00.000Z') => ({ time, setWeight, actualWeight, stepIndex });

  test('keeps a point only when a weight or the step changed', () => {
    const history = new WeightHistory(10);
    assert.equal(history.record('ns/a', point(20, 0, 0)), true);
    assert.equal(history.record('ns/a', point(20, 0, 0, '2025-01-10T12:00:05.000Z')), false);
    assert.equal(history.record('ns/a', point(20, 20, 0)), true);
    assert.equal(history.record('ns/a', point(20, 20, 1)), true);
    assert.deepEqual(history.get('ns/a').map((p) => [p.setWeight, p.actualWeight, p.stepIndex]), [
      [20, 0, 0],
      [20, 20, 0],
      [20, 20, 1],
    ]);
  });

  test('is bounded per rollout, dropping the oldest points', () => {
    const history = new WeightHistory(3);
    for (let w = 1; w <= 5; w++) history.record('ns/a', point(w, w, w));
    assert.deepEqual(history.get('ns/a').map((p) => p.setWeight), [3, 4, 5]);
  });

  test('forgets a deleted rollout and rejects a useless limit', () => {
    const history = new WeightHistory(2);
    history.record('ns/a', point(1, 1, 1));
    history.forget('ns/a');
    assert.deepEqual(history.get('ns/a'), []);
    assert.equal(history.size, 0);
    assert.throws(() => new WeightHistory(1), /at least 2/);
  });

  test('reads the canary weights from the view model; blue-green has none', () => {
    const canary = newRolloutInfo(loadFixture('canary-mid-step.yaml'));
    assert.deepEqual(weightPoint(canary, NOW), { time: new Date(NOW).toISOString(), setWeight: 50, actualWeight: 50, stepIndex: 3 });
    const blueGreen = newRolloutInfo(loadFixture('bluegreen-paused.yaml'));
    assert.equal(weightPoint(blueGreen, NOW), undefined);
  });
});

describe('steps and pauses', () => {
  test('the step track marks done, current and pending steps with pause durations', () => {
    const { rollout } = loadFixture('canary-mid-step.yaml');
    assert.deepEqual(
      stepTrack(rollout).map((s) => [s.index, s.kind, s.label, s.state, s.durationSeconds]),
      [
        [0, 'setWeight', 'setWeight: 20', 'done', undefined],
        [1, 'pause', 'pause', 'done', undefined],
        [2, 'setWeight', 'setWeight: 50', 'done', undefined],
        [3, 'pause', 'pause: 30s', 'current', 30],
        [4, 'analysis', 'analysis', 'pending', undefined],
      ],
    );
  });

  test('past the last step every step is done', () => {
    const { rollout } = loadFixture('canary-mid-step.yaml');
    const finished = { ...rollout, status: { ...rollout.status, currentStepIndex: 5 } } as Rollout;
    assert.ok(stepTrack(finished).every((s) => s.state === 'done'));
  });

  test('a timed canary pause ends at its start plus its duration', () => {
    const info = newRolloutInfo(loadFixture('canary-mid-step.yaml'));
    assert.deepEqual(currentPause(info), { reason: 'CanaryPauseStep', startTime: '2025-01-10T11:59:50Z', durationSeconds: 30, endsAt: '2025-01-10T12:00:20.000Z' });
  });

  test('a blue-green pause ends by itself only with autoPromotionSeconds', () => {
    const objects = loadFixture('bluegreen-paused.yaml');
    const info = newRolloutInfo(objects);
    const pause = currentPause(info);
    assert.equal(pause?.reason, 'BlueGreenPause');
    assert.equal(pause?.endsAt, undefined, 'autoPromotionEnabled: false waits for promote');
    const withAuto = structuredClone(objects.rollout) as Rollout;
    withAuto.spec.strategy.blueGreen = { ...withAuto.spec.strategy.blueGreen!, autoPromotionEnabled: true, autoPromotionSeconds: 120 };
    const auto = currentPause(newRolloutInfo({ ...objects, rollout: withAuto }));
    assert.equal(auto?.durationSeconds, 120);
    assert.equal(Date.parse(auto?.endsAt ?? ''), Date.parse(auto?.startTime ?? '') + 120_000);
  });

  test('no pause condition, no pause', () => {
    const info = newRolloutInfo(loadFixture('canary-aborted.yaml'));
    assert.deepEqual(info.pauseConditions, []);
    assert.equal(currentPause(info), undefined);
  });
});

describe('revisions, events and the whole detail', () => {
  test('revisions come newest first with their role, images and analysis', () => {
    const info = newRolloutInfo(loadFixture('canary-mid-step.yaml'));
    const timeline = revisionTimeline(info);
    assert.deepEqual(
      timeline.map((r) => [r.revision, r.tags, r.images]),
      [
        [2, ['canary'], ['argoproj/rollouts-demo:yellow']],
        [1, ['stable'], ['argoproj/rollouts-demo:blue']],
      ],
    );
    for (const entry of timeline) {
      assert.deepEqual(
        entry.analysisRuns.map((r) => r.name),
        info.analysisRuns.filter((r) => r.revision === entry.revision).map((r) => r.name),
      );
    }
  });

  test('events of the rollout and its AnalysisRuns, newest first, old and new style, bounded', () => {
    const uids = new Set(['ro-uid', 'run-uid']);
    const events: EventLike[] = [
      { involvedObject: { kind: 'Rollout', name: 'a', uid: 'ro-uid' }, reason: 'RolloutUpdated', message: 'old', lastTimestamp: '2025-01-10T11:00:00Z', count: 3 },
      { involvedObject: { kind: 'AnalysisRun', name: 'r', uid: 'run-uid' }, reason: 'MetricFailed', type: 'Warning', eventTime: '2025-01-10T11:30:00.000000Z', series: { count: 2, lastObservedTime: '2025-01-10T11:45:00Z' } },
      { involvedObject: { kind: 'Rollout', name: 'other', uid: 'other-uid' }, reason: 'Elsewhere', lastTimestamp: '2025-01-10T11:59:00Z' },
      { involvedObject: { kind: 'Rollout', name: 'a', uid: 'ro-uid' }, reason: 'RolloutPaused', message: 'new', lastTimestamp: '2025-01-10T11:50:00Z' },
    ];
    const views = eventViews(events, uids, 10);
    assert.deepEqual(
      views.map((v) => [v.reason, v.count, v.time, v.type]),
      [
        ['RolloutPaused', 1, '2025-01-10T11:50:00Z', 'Normal'],
        ['MetricFailed', 2, '2025-01-10T11:45:00Z', 'Warning'],
        ['RolloutUpdated', 3, '2025-01-10T11:00:00Z', 'Normal'],
      ],
    );
    assert.equal(eventViews(events, uids, 1).length, 1);
  });

  test('the detail embeds the CLI view model unchanged', () => {
    const objects = loadFixture('canary-mid-step.yaml');
    const detail = rolloutDetail(objects, [], NOW);
    assert.deepEqual(detail.info, newRolloutInfo(objects));
    assert.equal(detail.serverTime, new Date(NOW).toISOString());
    assert.equal(detail.steps.length, 5);
    assert.equal(detail.pause?.reason, 'CanaryPauseStep');
    const summary = rolloutSummary(detail.info);
    assert.deepEqual([summary.step, summary.setWeight, summary.status], [detail.info.step, detail.info.setWeight, detail.info.status]);
  });
});

describe('write authorization', () => {
  const policy = { readOnly: false as const, token: 's3cret-token-0123456789' };

  test('reads the bearer token from the Authorization header', () => {
    assert.equal(bearerToken('Bearer abc'), 'abc');
    assert.equal(bearerToken('bearer   abc '), 'abc');
    assert.equal(bearerToken('Basic abc'), undefined);
    assert.equal(bearerToken('Bearer'), undefined);
    assert.equal(bearerToken('Bearer a b'), undefined);
    assert.equal(bearerToken(undefined), undefined);
  });

  test('compares tokens whatever their lengths', () => {
    assert.equal(tokensEqual('abc', 'abc'), true);
    assert.equal(tokensEqual('abc', 'abcd'), false);
    assert.equal(tokensEqual('', 'abc'), false);
  });

  const refusal = (fn: () => void): HttpError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof HttpError) return err;
      throw err;
    }
    throw new Error('expected a refusal');
  };

  test('read-only refuses every write with 403, even with a token', () => {
    const err = refusal(() => authorizeWrite({ readOnly: true }, 'Bearer anything'));
    assert.equal(err.status, 403);
    assert.match(err.message, /read-only/);
  });

  test('a missing or wrong token is a 401 with a Bearer challenge', () => {
    for (const header of [undefined, 'Bearer wrong-token-value', 'Basic czNjcmV0']) {
      const err = refusal(() => authorizeWrite(policy, header));
      assert.equal(err.status, 401);
      assert.match(err.headers['WWW-Authenticate'] ?? '', /^Bearer /);
      assert.ok(err.hint);
    }
  });

  test('the right token passes', () => {
    assert.doesNotThrow(() => authorizeWrite(policy, `Bearer ${policy.token}`));
  });

  test('a loopback-bound server answers loopback Host names only', () => {
    assert.equal(hostName('127.0.0.1:3100'), '127.0.0.1');
    assert.equal(hostName('[::1]:3100'), '[::1]');
    assert.equal(hostName('LocalHost:80'), 'localhost');
    for (const host of ['127.0.0.1:3100', 'localhost:3100', '[::1]:3100', 'localhost']) assert.equal(hostAllowed(host, '127.0.0.1'), true, host);
    for (const host of ['evil.example:3100', 'rebind.example', undefined]) assert.equal(hostAllowed(host, '127.0.0.1'), false, String(host));
    assert.equal(hostAllowed('dashboard.internal:3100', '0.0.0.0'), true, 'a server bound to every address accepts any name');
  });
});

describe('errors of the write functions as HTTP answers', () => {
  const subject = { action: 'promote', namespace: 'shop', name: 'checkout' };
  const cases: [string, unknown, number, RegExp][] = [
    ['a refusal of the CLI', new RefusedError('rollout "checkout" is already fully promoted and not paused; nothing to promote'), 409, /already fully promoted/],
    ['a missing rollout', apiError(404, 'NotFound', 'rollouts.argoproj.io "checkout" not found', { name: 'checkout', kind: 'rollouts' }), 404, /"checkout" in namespace "shop" not found/],
    ['missing CRDs', apiError(404, 'NotFound', 'the server could not find the requested resource'), 404, /does not serve argoproj.io rollouts/],
    ['RBAC', apiError(403, 'Forbidden', 'rollouts.argoproj.io "checkout" is forbidden'), 403, /may not promote/],
    ['a conflict', apiError(409, 'Conflict', 'the object has been modified'), 409, /changed while promote/],
    ['an invalid object', apiError(422, 'Invalid', 'spec.replicas: Invalid value'), 422, /rejected the change/],
    ['expired credentials', apiError(401, 'Unauthorized', ''), 502, /credentials/],
    ['an unreachable cluster', unreachable('ECONNREFUSED'), 503, /cannot reach/],
    ['a bug', new TypeError('x is undefined'), 500, /internal error while running promote/],
  ];
  for (const [what, err, status, message] of cases) {
    test(`${what} → ${status}`, () => {
      const answer = httpErrorOf(err, subject);
      assert.equal(answer.status, status);
      assert.match(answer.message, message);
      assert.ok(answer.hint, 'every answer says what to do');
      assert.doesNotMatch(JSON.stringify(answer.body()), /at .*\.ts:\d+/, 'no stack trace');
    });
  }
});

describe('event filtering before the cache', () => {
  test('dropped objects still advance the resourceVersion as bookmarks', async () => {
    const delivered: WatchEvent<KubeObject>[] = [];
    const source = filteredSource<KubeObject>(
      {
        list: async () => ({
          items: [
            { kind: 'Event', metadata: { name: 'a', resourceVersion: '1' }, involvedObject: { kind: 'Rollout' } } as KubeObject,
            { kind: 'Event', metadata: { name: 'b', resourceVersion: '2' }, involvedObject: { kind: 'Pod' } } as KubeObject,
          ],
          resourceVersion: '2',
        }),
        watch: async (_opts, onEvent) => {
          onEvent({ type: 'ADDED', object: { kind: 'Event', metadata: { name: 'c', resourceVersion: '3' }, involvedObject: { kind: 'Node' } } as KubeObject });
          onEvent({ type: 'ADDED', object: { kind: 'Event', metadata: { name: 'd', resourceVersion: '4' }, involvedObject: { kind: 'AnalysisRun' } } as KubeObject });
          onEvent({ type: 'BOOKMARK', resourceVersion: '5' });
        },
      },
      (e) => ['Rollout', 'AnalysisRun'].includes((e as EventLike).involvedObject?.kind ?? ''),
    );
    const listed = await source.list(new AbortController().signal);
    assert.deepEqual(listed.items.map((e) => e.metadata?.name), ['a']);
    assert.equal(listed.resourceVersion, '2');
    await source.watch({ resourceVersion: '2', timeoutSeconds: 1, signal: new AbortController().signal }, (e) => delivered.push(e));
    assert.deepEqual(
      delivered.map((e) => (e.type === 'BOOKMARK' ? `bookmark ${e.resourceVersion}` : `${e.type} ${e.object.metadata?.name}`)),
      ['bookmark 3', 'ADDED d', 'bookmark 5'],
    );
  });
});
