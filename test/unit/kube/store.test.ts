import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { controllerOf, objectKey, ObjectStore, splitKey, stripForCache } from '../../../controller/kube/store.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';

describe('keys', () => {
  it('namespace/name, or just the name for cluster-scoped objects', () => {
    assert.equal(objectKey({ metadata: { namespace: 'shop', name: 'web' } }), 'shop/web');
    assert.equal(objectKey({ metadata: { name: 'shared-template' } }), 'shared-template');
    assert.deepEqual(splitKey('shop/web'), { namespace: 'shop', name: 'web' });
    assert.deepEqual(splitKey('shared-template'), { name: 'shared-template' });
  });
});

describe('stripForCache', () => {
  it('drops managedFields and the last-applied annotation without touching the original', () => {
    const original: KubeObject = {
      metadata: {
        name: 'web',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'rollout.argoproj.io/revision': '3' },
      },
    };
    const copy = JSON.parse(JSON.stringify(original)) as KubeObject;
    const stripped = stripForCache(original);
    assert.deepEqual(stripped.metadata, { name: 'web', annotations: { 'rollout.argoproj.io/revision': '3' } });
    assert.deepEqual(original, copy);
  });

  it('returns the same object when there is nothing to drop', () => {
    const obj: KubeObject = { metadata: { name: 'web', annotations: { a: 'b' } } };
    assert.equal(stripForCache(obj), obj);
  });
});

describe('ObjectStore', () => {
  const owned = (name: string, ownerUid: string, rv = '1'): KubeObject => ({
    metadata: { namespace: 'shop', name, resourceVersion: rv, ownerReferences: [{ kind: 'Rollout', name: 'web', uid: ownerUid, controller: true }] },
  });

  it('indexes by owner UID and follows ownership changes', () => {
    const store = new ObjectStore<KubeObject>();
    store.upsert(owned('web-1', 'u-web'));
    store.upsert(owned('web-2', 'u-web'));
    store.upsert(owned('web-2', 'u-other', '2'));
    assert.deepEqual(store.byOwner('u-web').map((o) => o.metadata?.name), ['web-1']);
    assert.deepEqual(store.byOwner('u-other').map((o) => o.metadata?.name), ['web-2']);
    store.remove('shop/web-1');
    assert.deepEqual(store.byOwner('u-web'), []);
  });

  it('replace reports added, changed and deleted objects; unchanged ones are not reported', () => {
    const store = new ObjectStore<KubeObject>();
    store.replace([owned('a', 'u', '1'), owned('b', 'u', '1'), owned('c', 'u', '1')]);
    const diff = store.replace([owned('a', 'u', '1'), owned('b', 'u', '2'), owned('d', 'u', '1')]);
    assert.deepEqual(diff.added.map((o) => o.metadata?.name), ['d']);
    assert.deepEqual(diff.updated.map(([p, c]) => `${p.metadata?.resourceVersion}->${c.metadata?.resourceVersion}`), ['1->2']);
    assert.deepEqual(diff.deleted.map((o) => o.metadata?.name), ['c']);
    assert.deepEqual(store.keys().sort(), ['shop/a', 'shop/b', 'shop/d']);
    assert.deepEqual(store.byOwner('u').length, 3);
  });

  it('lists by namespace', () => {
    const store = new ObjectStore<KubeObject>();
    store.upsert({ metadata: { namespace: 'a', name: 'x' } });
    store.upsert({ metadata: { namespace: 'b', name: 'y' } });
    assert.deepEqual(store.list('b').map((o) => o.metadata?.name), ['y']);
    assert.equal(store.list().length, 2);
  });

  it('controllerOf finds the owner with controller: true', () => {
    assert.equal(controllerOf(owned('web-1', 'u-web'))?.uid, 'u-web');
    assert.equal(controllerOf({ metadata: { ownerReferences: [{ uid: 'x' }] } }), undefined);
  });
});
