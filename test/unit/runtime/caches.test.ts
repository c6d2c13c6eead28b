import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Informer } from '../../../controller/kube/informer.ts';
import { CLUSTER_ANALYSIS_TEMPLATES, REPLICA_SETS, ROLLOUTS, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { informerScope, InformerSet, instanceIdSelector, readsKind, unreadSource } from '../../../controller/runtime/caches.ts';
import { ownedBy } from '../../../controller/runtime/types.ts';
import { FakeClock } from '../kube/fake-clock.ts';

describe('instance id filtering, as Argo Rollouts filters', () => {
  it('with --instance-id, only objects labelled with it', () => {
    assert.equal(instanceIdSelector('blue'), 'argo-rollouts.argoproj.io/controller-instance-id=blue');
  });

  it('without it, only objects carrying no instance id', () => {
    assert.equal(instanceIdSelector(undefined), '!argo-rollouts.argoproj.io/controller-instance-id');
  });

  it('applies to Argo kinds, not to ReplicaSets or Services', () => {
    assert.deepEqual(informerScope(ROLLOUTS, { namespace: 'shop', instanceId: 'blue' }), {
      namespace: 'shop',
      labelSelector: 'argo-rollouts.argoproj.io/controller-instance-id=blue',
    });
    assert.deepEqual(informerScope(REPLICA_SETS, { namespace: 'shop', instanceId: 'blue' }), { namespace: 'shop', labelSelector: undefined });
  });

  it('cluster-scoped kinds are watched cluster-wide even in namespace mode', () => {
    assert.equal(informerScope(CLUSTER_ANALYSIS_TEMPLATES, { namespace: 'shop', instanceId: undefined }).namespace, undefined);
  });
});

describe('--namespaced: no cluster-scoped kinds, so a Role suffices', () => {
  it('reads ClusterAnalysisTemplates unless --namespaced, and namespaced kinds always', () => {
    assert.equal(readsKind(CLUSTER_ANALYSIS_TEMPLATES, { namespaced: false }), true);
    assert.equal(readsKind(CLUSTER_ANALYSIS_TEMPLATES, { namespaced: true }), false);
    assert.equal(readsKind(ROLLOUTS, { namespaced: true }), true);
  });

  it('an unread kind syncs empty at once, and its watches last their timeout without a relist', async () => {
    const clock = new FakeClock();
    const inner = unreadSource<KubeObject>(clock);
    const calls = { list: 0, watch: 0 };
    const source = {
      list: (signal: AbortSignal) => ((calls.list += 1), inner.list(signal)),
      watch: (...args: Parameters<typeof inner.watch>) => ((calls.watch += 1), inner.watch(...args)),
    };
    const informer = new Informer<KubeObject>({ name: 'clusteranalysistemplates.argoproj.io', clock, logger: pino({ level: 'silent' }), source, watchTimeoutSeconds: () => 300 });
    informer.start();
    assert.equal(await informer.waitForSync(AbortSignal.timeout(5_000)), true);
    assert.deepEqual(informer.list(), []);
    for (let i = 0; i < 3; i += 1) await clock.advance(300_000);
    assert.equal(calls.list, 1, 'never relisted: no watch failed');
    assert.ok(calls.watch >= 3, `re-watched after each timeout (${calls.watch} watches)`);
    await informer.stop();
  });
});

describe('InformerSet', () => {
  function fakeInformer(type: ResourceType): Informer<KubeObject> {
    return new Informer<KubeObject>({
      name: type.plural,
      clock: new FakeClock(),
      logger: pino({ level: 'silent' }),
      source: {
        list: (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped')))),
        watch: () => Promise.resolve(),
      },
    });
  }

  it('shares one informer per resource type and reports those not synced', async () => {
    const created: string[] = [];
    const set = new InformerSet((type) => {
      created.push(type.plural);
      return fakeInformer(type);
    });
    assert.equal(set.informer(ROLLOUTS), set.informer(ROLLOUTS));
    set.informer(REPLICA_SETS);
    assert.deepEqual(created, ['rollouts', 'replicasets']);
    set.startAll();
    assert.deepEqual(set.unsynced(), ['rollouts', 'replicasets']);
    await set.stopAll();
  });
});

describe('ownedBy', () => {
  const rs = (owners: unknown[]): KubeObject => ({ metadata: { namespace: 'shop', name: 'web-6d4f', ownerReferences: owners } });

  it('maps an owned object to its controlling owner of that kind', () => {
    const watch = ownedBy(REPLICA_SETS, 'Rollout');
    const set = new InformerSet(() => assert.fail('not used'));
    assert.deepEqual(watch.keysFor(rs([{ kind: 'Rollout', name: 'web', uid: 'u1', controller: true }]), set), ['shop/web']);
    assert.deepEqual(watch.keysFor(rs([{ kind: 'Deployment', name: 'web', uid: 'u1', controller: true }]), set), []);
    assert.deepEqual(watch.keysFor(rs([{ kind: 'Rollout', name: 'web', uid: 'u1' }]), set), [], 'not the controller');
    assert.deepEqual(watch.keysFor(rs([]), set), []);
  });
});
