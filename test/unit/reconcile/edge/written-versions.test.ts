import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WrittenVersions } from '../../../../controller/reconcile/edge/written-versions.ts';

test('a cached copy older than our last write is stale until the cache catches up, then forgotten', () => {
  const w = new WrittenVersions();
  w.record('ns/a', '120');
  assert.equal(w.isStale('ns/a', '119'), true);
  assert.equal(w.size, 1);
  assert.equal(w.isStale('ns/a', '120'), false);
  assert.equal(w.size, 0, 'the entry goes once the cache has caught up');
  assert.equal(w.isStale('ns/a', '1'), false, 'nothing recorded, nothing stale');
});

test('non-numeric resourceVersions are trusted, and unrelated keys are not affected', () => {
  const w = new WrittenVersions();
  w.record('ns/a', '200');
  assert.equal(w.isStale('ns/b', '1'), false);
  assert.equal(w.isStale('ns/a', 'opaque'), false);
  w.record('ns/c', undefined);
  assert.equal(w.size, 0);
});
