import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIntOrPercent, resolveIntOrPercent } from '../../../controller/api/index.ts';

describe('resolveIntOrPercent', () => {
  const cases: [number | string, number, boolean, number][] = [
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['50%', 5, true, 3],
    ['50%', 5, false, 2],
    ['25%', 0, true, 0],
  ];
  for (const [value, total, roundUp, expected] of cases) {
    it(`${JSON.stringify(value)} of ${total} rounded ${roundUp ? 'up' : 'down'} is ${expected}`, () => {
      assert.equal(resolveIntOrPercent(value, total, roundUp), expected);
    });
  }

  it('rejects a string that is not a percentage, as intstr does', () => {
    assert.throws(() => resolveIntOrPercent('5', 10, true), /string is not a percentage/);
    assert.throws(() => resolveIntOrPercent('a%', 10, true), /invalid value "a%"/);
    assert.throws(() => resolveIntOrPercent(1.5, 10, true), /must be an integer/);
  });

  it('isIntOrPercent tells the accepted forms apart', () => {
    assert.equal(isIntOrPercent(1), true);
    assert.equal(isIntOrPercent('10%'), true);
    assert.equal(isIntOrPercent('10'), false);
    assert.equal(isIntOrPercent('x%'), false);
  });
});
