import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { Rollout, RolloutSpec, RolloutStatus } from '../../../../controller/api/index.ts';
import { podTemplateHash } from '../../../../controller/reconcile/shared/hash.ts';
import { byRevision, maxRevision, newReplicaSetAnnotations, nextRevision, revisionOf, syncedNewReplicaSet } from '../../../../controller/reconcile/shared/revisions.ts';
import { findNewReplicaSet, findStableReplicaSet, olderReplicaSets, otherReplicaSets, replicaSetByHash } from '../../../../controller/reconcile/shared/replicaset-identity.ts';
import { formatScaleDownDeadline, hasScaleDownDeadline, scaleDownDeadlineOf, timeRemainingBeforeScaleDownDeadline } from '../../../../controller/reconcile/shared/scale-down-deadline.ts';
import { formatTime } from '../../../../controller/api/kit.ts';
import { isPodAvailable, needsRestart, podsToRestart } from '../../../../controller/reconcile/shared/restart-pods.ts';
import { isReplicaSetAvailable, isSaturated, replicasAnnotationsNeedUpdate } from '../../../../controller/reconcile/shared/replicaset-availability.ts';
import { maxSurge, maxUnavailable, resolveFenceposts } from '../../../../controller/reconcile/shared/fenceposts.ts';
import { removeInjectedAntiAffinityRule } from '../../../../controller/reconcile/shared/anti-affinity.ts';
import { renderReplicaSet, selectorWithHash } from '../../../../controller/reconcile/shared/replicaset-render.ts';
import { replicaSetsToCleanUp } from '../../../../controller/reconcile/shared/revision-history.ts';
import { syncEphemeralPodMetadata, syncReplicaSetEphemeralMetadata } from '../../../../controller/reconcile/shared/ephemeral-pod-metadata.ts';

const template = (image = 'nginx:1.25'): V1PodTemplateSpec => ({
  metadata: { labels: { app: 'demo' } },
  spec: { containers: [{ name: 'web', image }] },
});

function rollout(spec: Partial<RolloutSpec> = {}, status: RolloutStatus = {}, annotations?: Record<string, string>): Rollout {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'demo', namespace: 'team', uid: 'uid-demo', generation: 1, ...(annotations ? { annotations } : {}) },
    spec: { replicas: 3, selector: { matchLabels: { app: 'demo' } }, template: template(), strategy: { canary: {} }, ...spec },
    status,
  };
}

interface RsOptions {
  created?: string;
  revision?: string;
  replicas?: number;
  statusReplicas?: number;
  available?: number;
  annotations?: Record<string, string>;
  template?: V1PodTemplateSpec;
  generation?: number;
  observedGeneration?: number;
  deleting?: boolean;
}

function rs(name: string, hash: string, o: RsOptions = {}): V1ReplicaSet {
  const annotations = { ...o.annotations, ...(o.revision !== undefined ? { 'rollout.argoproj.io/revision': o.revision } : {}) };
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { app: 'demo', 'rollouts-pod-template-hash': hash },
      annotations,
      creationTimestamp: new Date(o.created ?? '2024-01-01T00:00:00Z'),
      generation: o.generation ?? 1,
      ...(o.deleting ? { deletionTimestamp: new Date('2024-02-01T00:00:00Z') } : {}),
    },
    spec: {
      replicas: o.replicas ?? 0,
      selector: { matchLabels: { app: 'demo', 'rollouts-pod-template-hash': hash } },
      template: o.template ?? { ...template(), metadata: { labels: { app: 'demo', 'rollouts-pod-template-hash': hash } } },
    },
    status: { replicas: o.statusReplicas ?? o.replicas ?? 0, availableReplicas: o.available ?? 0, observedGeneration: o.observedGeneration ?? 1 },
  };
}

const HASH = podTemplateHash(template());

describe('findNewReplicaSet', () => {
  it('finds the ReplicaSet labelled with the template hash', () => {
    const ro = rollout();
    const other = rs('demo-old', 'old', { template: { ...template('nginx:1.24') } });
    const mine = rs(`demo-${HASH}`, HASH);
    assert.equal(findNewReplicaSet(ro, [other, mine]), mine);
  });

  it('uses the collision count in the hash', () => {
    const ro = rollout({}, { collisionCount: 2 });
    const bumped = podTemplateHash(template(), 2);
    const found = findNewReplicaSet(ro, [rs('x', bumped, { template: template('other') })]);
    assert.equal(found?.metadata?.name, 'x');
  });

  it('adopts a ReplicaSet Argo Rollouts created, despite its foreign hash, API defaults, injected metadata and anti-affinity', () => {
    const ro = rollout({ strategy: { canary: { antiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} }, canaryMetadata: { labels: { role: 'canary' } } } } }, { stableRS: '7d9f8c6b5' });
    const argo = rs('demo-6c8f9d7b4', '6c8f9d7b4', {
      annotations: { 'rollout.argoproj.io/ephemeral-metadata': '{"labels":{"role":"canary"}}' },
      template: {
        metadata: { labels: { app: 'demo', role: 'canary', 'rollouts-pod-template-hash': '6c8f9d7b4' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: ['7d9f8c6b5'] }] },
                  namespaces: ['team'],
                  topologyKey: 'kubernetes.io/hostname',
                },
              ],
            },
          },
        },
      },
    });
    const stable = rs('demo-7d9f8c6b5', '7d9f8c6b5', { template: template('nginx:1.24') });
    assert.equal(findNewReplicaSet(ro, [stable, argo]), argo);
  });

  it('returns the oldest of several equal ReplicaSets', () => {
    const ro = rollout();
    const newer = rs('b', 'bbb', { created: '2024-01-02T00:00:00Z', template: template() });
    const older = rs('a', 'aaa', { created: '2024-01-01T00:00:00Z', template: template() });
    assert.equal(findNewReplicaSet(ro, [newer, older]), older);
  });

  it('finds nothing when the template changed', () => {
    assert.equal(findNewReplicaSet(rollout(), [rs('a', 'aaa', { template: template('nginx:1.24') })]), undefined);
  });
});

describe('stable, other and older ReplicaSets', () => {
  const a = rs('demo-a', 'a');
  const b = rs('demo-b', 'b');
  const c = rs('demo-c', 'c');

  it('finds the stable ReplicaSet by status.stableRS, preferring the new one', () => {
    assert.equal(findStableReplicaSet(rollout({}, { stableRS: 'b' }), [a, b, c]), b);
    assert.equal(findStableReplicaSet(rollout({}, { stableRS: 'c' }), [a, b], c), c);
    assert.equal(findStableReplicaSet(rollout({}, {}), [a, b, c]), undefined);
    assert.equal(findStableReplicaSet(rollout({}, { stableRS: 'zzz' }), [a, b, c]), undefined);
  });

  it('others are neither new nor stable', () => {
    assert.deepEqual(otherReplicaSets([a, b, c], a, c), [b]);
    assert.deepEqual(otherReplicaSets([a, b, c], undefined, undefined), [a, b, c]);
  });

  it('older ReplicaSets are all but the new one', () => {
    assert.deepEqual(olderReplicaSets([a, b, c], b), [a, c]);
  });

  it('looks ReplicaSets up by hash, never by an empty one', () => {
    assert.equal(replicaSetByHash([a, b], 'b'), b);
    assert.equal(replicaSetByHash([a, b], ''), undefined);
    assert.equal(replicaSetByHash([a, b], undefined), undefined);
  });
});

describe('revisions', () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, 0],
    ['7', 7],
    ['+3', 3],
    ['x', undefined],
    ['', undefined],
  ];
  for (const [annotation, expected] of cases) {
    it(`revision annotation ${JSON.stringify(annotation)} reads as ${expected}`, () => {
      assert.equal(revisionOf(rs('a', 'a', annotation === undefined ? {} : { revision: annotation })), expected);
    });
  }

  it('numbers a new ReplicaSet one past the highest readable revision', () => {
    const rss = [rs('a', 'a', { revision: '3' }), rs('b', 'b', { revision: 'junk' }), rs('c', 'c', { revision: '5' })];
    assert.equal(maxRevision(rss), 5);
    assert.equal(nextRevision(rss), 6);
    assert.equal(nextRevision(rss, rss[2]), 4);
    assert.equal(nextRevision([]), 1);
  });

  it('sorts by revision, then creation, unreadable revisions last', () => {
    const rss = [
      rs('junk', 'j', { revision: 'x' }),
      rs('r2-late', 'b', { revision: '2', created: '2024-01-03T00:00:00Z' }),
      rs('r1', 'a', { revision: '1' }),
      rs('r2-early', 'c', { revision: '2', created: '2024-01-02T00:00:00Z' }),
    ];
    assert.deepEqual(
      [...rss].sort(byRevision).map((r) => r.metadata?.name),
      ['r1', 'r2-early', 'r2-late', 'junk'],
    );
  });
});

describe('newReplicaSetAnnotations', () => {
  const ro = rollout({}, {}, { team: 'payments', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'rollout.argoproj.io/revision': '9' });

  it('gives a ReplicaSet about to be created its revision, desired replicas and the Rollout annotations', () => {
    const { annotations, changed } = newReplicaSetAnnotations(ro, rs('a', 'a'), 4, false);
    assert.equal(changed, true);
    assert.deepEqual(annotations, { team: 'payments', 'rollout.argoproj.io/revision': '4', 'rollout.argoproj.io/desired-replicas': '3' });
  });

  it('raises the revision of a ReplicaSet rolled back to, remembering the old one', () => {
    const { annotations } = newReplicaSetAnnotations(ro, rs('a', 'a', { revision: '2' }), 5, true);
    assert.equal(annotations['rollout.argoproj.io/revision'], '5');
    assert.equal(annotations['rollout.argoproj.io/revision-history'], '2');
    const again = newReplicaSetAnnotations(ro, rs('a', 'a', { revision: '5', annotations: { 'rollout.argoproj.io/revision-history': '2' } }), 7, true);
    assert.equal(again.annotations['rollout.argoproj.io/revision-history'], '2,5');
  });

  it('never lowers a revision and reports no change when all is in place', () => {
    const current = rs('a', 'a', { revision: '8', annotations: { team: 'payments' } });
    const { annotations, changed } = newReplicaSetAnnotations(ro, current, 5, true);
    assert.equal(changed, false);
    assert.equal(annotations['rollout.argoproj.io/revision'], '8');
  });

  it('leaves a ReplicaSet with an unreadable revision alone', () => {
    assert.equal(newReplicaSetAnnotations(rollout(), rs('a', 'a', { revision: 'x' }), 5, true).changed, false);
  });
});

describe('syncedNewReplicaSet', () => {
  it('is undefined when revision, annotations and minReadySeconds are current', () => {
    const newRS = rs(`demo-${HASH}`, HASH, { revision: '3' });
    assert.equal(syncedNewReplicaSet(rollout(), newRS, [rs('old', 'old', { revision: '2' })]), undefined);
  });

  it('brings the revision and minReadySeconds up to date', () => {
    const newRS = rs(`demo-${HASH}`, HASH, { revision: '1' });
    const synced = syncedNewReplicaSet(rollout({ minReadySeconds: 10 }), newRS, [rs('old', 'old', { revision: '4' })]);
    assert.equal(synced?.metadata?.annotations?.['rollout.argoproj.io/revision'], '5');
    assert.equal(synced?.metadata?.annotations?.['rollout.argoproj.io/revision-history'], '1');
    assert.equal(synced?.spec?.minReadySeconds, 10);
  });

  it('points a stale injected anti-affinity rule at the current stable, judged by the ReplicaSet’s own hash', () => {
    const strategy = { canary: { antiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} } } };
    const rule = (stable: string) => ({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          {
            labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: [stable] }] },
            namespaces: ['team'],
            topologyKey: 'kubernetes.io/hostname',
          },
        ],
      },
    });
    // Adopted from Argo Rollouts: its hash label is not one computed here.
    const adopted = rs('demo-n', 'n', { revision: '3', template: { ...template(), spec: { ...template().spec!, affinity: rule('old') } } });
    const synced = syncedNewReplicaSet(rollout({ strategy }, { stableRS: 's' }), adopted, [rs('demo-s', 's', { revision: '2' })]);
    assert.deepEqual(synced?.spec?.template?.spec?.affinity, rule('s'));
    const promoted = syncedNewReplicaSet(rollout({ strategy }, { stableRS: 'n' }), adopted, [rs('demo-s', 's', { revision: '2' })]);
    assert.equal(promoted, undefined, 'never made anti-affine to itself once it is the stable one');
  });
});

describe('renderReplicaSet', () => {
  it('renders the ReplicaSet Argo creates', () => {
    const ro = rollout({ minReadySeconds: 5, selector: { matchLabels: { app: 'demo' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] } }, {}, { team: 'payments' });
    const out = renderReplicaSet(ro, 'abc123', 4, 2);
    assert.deepEqual(out, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'demo-abc123',
        namespace: 'team',
        labels: { app: 'demo', 'rollouts-pod-template-hash': 'abc123' },
        annotations: { team: 'payments', 'rollout.argoproj.io/revision': '4', 'rollout.argoproj.io/desired-replicas': '3' },
        ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'demo', uid: 'uid-demo', controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: 2,
        minReadySeconds: 5,
        selector: { matchLabels: { app: 'demo', 'rollouts-pod-template-hash': 'abc123' }, matchExpressions: [{ key: 'tier', operator: 'Exists', values: undefined }] },
        template: {
          metadata: { labels: { app: 'demo', 'rollouts-pod-template-hash': 'abc123' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] },
        },
      },
    });
    assert.deepEqual(ro.spec.template?.metadata?.labels, { app: 'demo' }, 'the Rollout is not modified');
  });

  it('injects ephemeral metadata and records it as Argo does', () => {
    const out = renderReplicaSet(rollout(), 'abc', 1, 0, { labels: { role: 'canary', b: '2' }, annotations: { note: 'x' } });
    assert.equal(out.spec?.template?.metadata?.labels?.role, 'canary');
    assert.equal(out.spec?.template?.metadata?.annotations?.note, 'x');
    assert.equal(out.metadata?.annotations?.['rollout.argoproj.io/ephemeral-metadata'], '{"labels":{"b":"2","role":"canary"},"annotations":{"note":"x"}}');
  });

  it('keeps new pods off the stable pods’ nodes while an update with antiAffinity is in progress', () => {
    const ro = rollout({ strategy: { canary: { antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 50 } } } } }, { stableRS: 'stable1' });
    const out = renderReplicaSet(ro, 'new1', 1, 0);
    assert.deepEqual(out.spec?.template?.spec?.affinity, {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 50,
            podAffinityTerm: {
              labelSelector: { matchExpressions: [{ key: 'rollouts-pod-template-hash', operator: 'In', values: ['stable1'] }] },
              namespaces: ['team'],
              topologyKey: 'kubernetes.io/hostname',
            },
          },
        ],
      },
    });
    assert.equal(renderReplicaSet(ro, 'stable1', 1, 0).spec?.template?.spec?.affinity, undefined, 'not for the stable hash itself');
    assert.equal(removeInjectedAntiAffinityRule(out.spec?.template?.spec?.affinity, ro), undefined);
  });

  it('adds the hash to a selector without dropping expressions', () => {
    assert.deepEqual(selectorWithHash(undefined, 'h'), { matchLabels: { 'rollouts-pod-template-hash': 'h' } });
  });
});

describe('ephemeral metadata', () => {
  it('removes what was injected before and is no longer wanted, and nothing else', () => {
    const { metadata, modified } = syncEphemeralPodMetadata(
      { labels: { app: 'demo', role: 'canary', sidecar: 'yes' }, annotations: { old: '1' } },
      { labels: { role: 'canary' }, annotations: { old: '1' } },
      { labels: { role: 'stable' } },
    );
    assert.equal(modified, true);
    assert.deepEqual(metadata, { labels: { app: 'demo', role: 'stable', sidecar: 'yes' }, annotations: {} });
  });

  it('strips injected metadata and its annotation from a ReplicaSet', () => {
    const tagged = rs('a', 'a', { annotations: { 'rollout.argoproj.io/ephemeral-metadata': '{"labels":{"role":"canary"}}' } });
    tagged.spec!.template!.metadata!.labels!.role = 'canary';
    const { replicaSet, modified } = syncReplicaSetEphemeralMetadata(tagged, undefined);
    assert.equal(modified, true);
    assert.equal(replicaSet.spec?.template?.metadata?.labels?.role, undefined);
    assert.equal(replicaSet.metadata?.annotations?.['rollout.argoproj.io/ephemeral-metadata'], undefined);
  });

  it('ignores an unreadable annotation', () => {
    const tagged = rs('a', 'a', { annotations: { 'rollout.argoproj.io/ephemeral-metadata': 'not json' } });
    assert.equal(syncReplicaSetEphemeralMetadata(tagged, undefined).modified, false);
  });
});

describe('scale-down deadline', () => {
  const now = new Date('2024-05-01T10:00:00.750Z');

  it('is written with Argo’s key, as RFC 3339 in whole seconds', () => {
    assert.equal(formatScaleDownDeadline(now, 30), '2024-05-01T10:00:30Z');
    assert.equal(formatTime(now), '2024-05-01T10:00:00Z');
  });

  it('reads back, tells how long remains, and reports an unreadable value', () => {
    const waiting = rs('a', 'a', { annotations: { 'scale-down-deadline': '2024-05-01T10:00:30Z' } });
    assert.equal(hasScaleDownDeadline(waiting), true);
    assert.deepEqual(scaleDownDeadlineOf(waiting), { kind: 'at', at: new Date('2024-05-01T10:00:30Z') });
    assert.deepEqual(timeRemainingBeforeScaleDownDeadline(waiting, now), { kind: 'waiting', remainingMs: 29_250 });
    assert.deepEqual(timeRemainingBeforeScaleDownDeadline(waiting, new Date('2024-05-01T10:01:00Z')), { kind: 'none' });
    const none = rs('b', 'b');
    assert.equal(hasScaleDownDeadline(none), false);
    assert.deepEqual(timeRemainingBeforeScaleDownDeadline(none, now), { kind: 'none' });
    const junk = rs('c', 'c', { annotations: { 'scale-down-deadline': 'tomorrow' } });
    assert.deepEqual(scaleDownDeadlineOf(junk), { kind: 'invalid', message: "unable to read scaleDownAt label on rs 'c'" });
  });
});

describe('replicaSetsToCleanUp', () => {
  const old = (i: number, o: RsOptions = {}) => rs(`old-${i}`, `h${i}`, { created: `2024-01-0${i}T00:00:00Z`, ...o });

  it('keeps revisionHistoryLimit (default 10) old ReplicaSets', () => {
    const rss = Array.from({ length: 9 }, (_, i) => old(i + 1));
    assert.deepEqual(replicaSetsToCleanUp(rollout(), rss, []), []);
    assert.deepEqual(replicaSetsToCleanUp(rollout({ revisionHistoryLimit: 7 }), rss, []).map((r) => r.metadata?.name), ['old-1', 'old-2']);
  });

  it('deletes the oldest first, never the stable or new ones, nor one with pods or not yet observed', () => {
    const rss = [old(1, { replicas: 1 }), old(2, { statusReplicas: 1 }), old(3, { generation: 2, observedGeneration: 1 }), old(4), old(5), old(6), old(7)];
    const out = replicaSetsToCleanUp(rollout({ revisionHistoryLimit: 1 }), rss, ['h6', 'h7', '']);
    assert.deepEqual(out.map((r) => r.metadata?.name), ['old-4']);
  });

  it('does not count ReplicaSets already being deleted', () => {
    const rss = [old(1, { deleting: true }), old(2), old(3)];
    assert.deepEqual(replicaSetsToCleanUp(rollout({ revisionHistoryLimit: 1 }), rss, []).map((r) => r.metadata?.name), ['old-2']);
  });
});

describe('fenceposts', () => {
  // Kubernetes' examples for resolveFenceposts.
  const cases: [number, string | number, string | number, number, number][] = [
    [2, '0%', '1%', 0, 1],
    [1, '0%', '1%', 0, 1],
    [2, '1%', '25%', 1, 0],
    [1, '1%', '25%', 1, 0],
    [2, '1%', '0%', 1, 0],
    [10, '25%', '25%', 3, 2],
    [10, 3, 0, 3, 0],
    [10, 0, 0, 0, 1],
  ];
  for (const [desired, surge, unavailable, expSurge, expUnavailable] of cases) {
    it(`${desired} desired, maxSurge ${surge}, maxUnavailable ${unavailable} → ${expSurge}/${expUnavailable}`, () => {
      assert.deepEqual(resolveFenceposts(surge, unavailable, desired), { surge: expSurge, unavailable: expUnavailable });
    });
  }

  it('resolves an unreadable value to zero as Argo does', () => {
    assert.deepEqual(resolveFenceposts('lots', 1, 10), { surge: 0, unavailable: 0 });
  });

  it('defaults canary maxSurge and maxUnavailable to 25%', () => {
    const ro = rollout({ replicas: 10 });
    assert.equal(maxSurge(ro), 3);
    assert.equal(maxUnavailable(ro), 2);
  });

  it('never lets maxUnavailable exceed the replicas, and gives blue-green no surge', () => {
    assert.equal(maxUnavailable(rollout({ replicas: 2, strategy: { canary: { maxUnavailable: 5 } } })), 2);
    assert.equal(maxUnavailable(rollout({ replicas: 0 })), 0);
    const blueGreen = rollout({ replicas: 8, strategy: { blueGreen: { activeService: 'active' } } });
    assert.equal(maxSurge(blueGreen), 0);
    assert.equal(maxUnavailable(blueGreen), 2);
  });
});

describe('replica annotations and availability', () => {
  it('needs an update when desired replicas changed, or a scaled-down ReplicaSet still has a deadline', () => {
    assert.equal(replicasAnnotationsNeedUpdate(rs('a', 'a', { annotations: { 'rollout.argoproj.io/desired-replicas': '3' } }), 3), false);
    assert.equal(replicasAnnotationsNeedUpdate(rs('a', 'a', { annotations: { 'rollout.argoproj.io/desired-replicas': '2' } }), 3), true);
    const withDeadline = rs('a', 'a', { annotations: { 'rollout.argoproj.io/desired-replicas': '0', 'scale-down-deadline': '2024-01-01T00:00:00Z' } });
    assert.equal(replicasAnnotationsNeedUpdate(withDeadline, 0), true);
  });

  it('is saturated when scaled to, annotated with and available at spec.replicas', () => {
    const full = rs('a', 'a', { replicas: 3, available: 3, annotations: { 'rollout.argoproj.io/desired-replicas': '3' } });
    assert.equal(isSaturated(rollout(), full), true);
    assert.equal(isSaturated(rollout(), { ...full, status: { replicas: 3, availableReplicas: 2 } }), false);
    assert.equal(isSaturated(rollout(), undefined), false);
  });

  it('is available when scaled up and all desired pods are available', () => {
    assert.equal(isReplicaSetAvailable(rs('a', 'a', { replicas: 2, available: 2 })), true);
    assert.equal(isReplicaSetAvailable(rs('a', 'a', { replicas: 2, available: 1 })), false);
    assert.equal(isReplicaSetAvailable(rs('a', 'a', { replicas: 0, available: 0 })), false);
  });
});

describe('restarts', () => {
  const restartAt = '2024-05-01T10:00:00Z';
  const now = new Date('2024-05-01T10:05:00Z');

  it('needs a restart once restartAt passed until restartedAt records it', () => {
    assert.equal(needsRestart(rollout(), now), false);
    assert.equal(needsRestart(rollout({ restartAt }), new Date('2024-05-01T09:59:00Z')), false);
    assert.equal(needsRestart(rollout({ restartAt }), now), true);
    assert.equal(needsRestart(rollout({ restartAt }, { restartedAt: restartAt }), now), false);
    assert.equal(needsRestart(rollout({ restartAt }, { restartedAt: '2024-04-01T00:00:00Z' }), now), true);
  });

  const pod = (name: string, owner: string, created: string, o: { ready?: boolean; deleting?: boolean; readySince?: string } = {}): V1Pod => ({
    metadata: {
      name,
      creationTimestamp: new Date(created),
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}`, controller: true }],
      ...(o.deleting ? { deletionTimestamp: new Date(now) } : {}),
    },
    status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: new Date(o.readySince ?? '2024-05-01T09:00:00Z') }] },
  });

  it('evicts one old pod at a time when maxUnavailable resolves to zero, stable pods first', () => {
    const stable = rs('stable', 's', { replicas: 3, available: 3 });
    const pods = [pod('p-new', 'stable', '2024-05-01T10:01:00Z'), pod('p-b', 'stable', '2024-05-01T08:00:00Z'), pod('p-a', 'stable', '2024-05-01T07:00:00Z')];
    const plan = podsToRestart(rollout({ restartAt }), [stable], undefined, stable, pods, now);
    assert.deepEqual(plan.evict.map((p) => p.metadata?.name), ['p-a']);
    assert.equal(plan.needRestart, 2);
    assert.equal(plan.done, false);
  });

  it('evicts up to maxUnavailable pods, and is done when none is older than restartAt', () => {
    const stable = rs('stable', 's', { replicas: 4, available: 4 });
    const old = ['a', 'b', 'c', 'd'].map((n) => pod(n, 'stable', '2024-05-01T08:00:00Z'));
    const ro = rollout({ restartAt, replicas: 4, strategy: { canary: { maxUnavailable: 2, maxSurge: 0 } } });
    assert.equal(podsToRestart(ro, [stable], undefined, stable, old, now).evict.length, 2);
    const fresh = ['a', 'b', 'c', 'd'].map((n) => pod(n, 'stable', '2024-05-01T10:00:00Z'));
    assert.deepEqual(podsToRestart(ro, [stable], undefined, stable, fresh, now), { evict: [], needRestart: 0, done: true });
  });

  it('waits while pods are unavailable or terminating, and ignores pods of other owners', () => {
    const stable = rs('stable', 's', { replicas: 3, available: 2 });
    const pods = [
      pod('a', 'stable', '2024-05-01T08:00:00Z'),
      pod('b', 'stable', '2024-05-01T08:00:00Z', { ready: false }),
      pod('c', 'stable', '2024-05-01T08:00:00Z', { deleting: true }),
      pod('stray', 'someone-else', '2024-05-01T08:00:00Z'),
    ];
    const plan = podsToRestart(rollout({ restartAt }), [stable], undefined, stable, pods, now);
    assert.deepEqual(plan, { evict: [], needRestart: 3, done: false });
  });

  it('counts a pod available only once ready for minReadySeconds', () => {
    const p = pod('a', 'x', '2024-05-01T08:00:00Z', { readySince: '2024-05-01T10:04:30Z' });
    assert.equal(isPodAvailable(p, 0, now), true);
    assert.equal(isPodAvailable(p, 60, now), false);
    assert.equal(isPodAvailable(p, 20, now), true);
    assert.equal(isPodAvailable(pod('b', 'x', '2024-05-01T08:00:00Z', { ready: false }), 0, now), false);
  });
});
