import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyMergePatch, createMergePatch, jsonEqual } from '../../../controller/kube/merge-patch.ts';

describe('JSON merge patches', () => {
  const cases: { name: string; current: unknown; desired: unknown; patch: unknown }[] = [
    { name: 'equal documents need no patch', current: { a: 1, b: { c: [1, 2] } }, desired: { b: { c: [1, 2] }, a: 1 }, patch: null },
    { name: 'a changed scalar', current: { a: 1, b: 2 }, desired: { a: 1, b: 3 }, patch: { b: 3 } },
    { name: 'a removed member becomes null', current: { a: 1, b: 2 }, desired: { a: 1 }, patch: { b: null } },
    { name: 'nested objects are patched member by member', current: { m: { x: '1', y: '2' } }, desired: { m: { x: '1', y: '3', z: '4' } }, patch: { m: { y: '3', z: '4' } } },
    { name: 'arrays are replaced whole', current: { l: [1, 2, 3] }, desired: { l: [1, 2] }, patch: { l: [1, 2] } },
    { name: 'an absent map and an empty one are the same', current: {}, desired: { m: {} }, patch: null },
    { name: 'undefined members count as absent', current: { a: 1, u: undefined }, desired: { a: 1, v: undefined }, patch: null },
    { name: 'an object replacing a scalar', current: { a: 'x' }, desired: { a: { b: 1 } }, patch: { a: { b: 1 } } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const patch = createMergePatch(c.current, c.desired);
      assert.deepEqual(patch, c.patch);
      if (patch) assert.ok(jsonEqual(applyMergePatch(c.current, patch), JSON.parse(JSON.stringify(c.desired))), 'applying the patch yields the desired document');
    });
  }

  it('applying does not modify the target', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: null, c: 2 } });
    assert.deepEqual(target, { a: { b: 1 } });
  });
});
