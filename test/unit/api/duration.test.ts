import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, parseDuration, parseGoDuration, parseGoDurationMillis, tryParseDuration } from '../../../controller/api/index.ts';

describe('parseDuration', () => {
  const cases: [string | number, number][] = [
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['2m30s', 150],
    [30, 30],
    ['30', 30],
    ['0', 0],
    [0, 0],
    ['-5s', -5],
  ];
  for (const [input, seconds] of cases) {
    it(`reads ${JSON.stringify(input)} as ${seconds} seconds`, () => {
      assert.equal(parseDuration(input), seconds);
    });
  }

  const invalid: [string | number, RegExp][] = [
    ['', /invalid duration "": empty/],
    ['abc', /invalid duration "abc": expected a number followed by a unit/],
    ['5x', /expected a number followed by a unit/],
    ['1h30', /missing unit/],
    ['1.5', /missing unit/],
    [1.5, /must be an integer/],
    ['s', /expected a number followed by a unit/],
  ];
  for (const [input, message] of invalid) {
    it(`rejects ${JSON.stringify(input)} with a message naming the value`, () => {
      assert.throws(() => parseDuration(input), (err: unknown) => err instanceof DurationError && message.test(err.message));
    });
  }
});

describe('parseGoDuration', () => {
  it('requires a unit except for zero, like time.ParseDuration', () => {
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('90s'), 90);
    assert.throws(() => parseGoDuration('30'), /missing unit/);
  });
});

describe('tryParseDuration', () => {
  it('returns undefined for an invalid duration', () => {
    assert.equal(tryParseDuration('soon'), undefined);
    assert.equal(tryParseDuration('10m'), 600);
  });
});

describe('parseGoDurationMillis: durations parse as Go does', () => {
  const ok: [string, number][] = [['30s', 30_000], ['5m', 300_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['250ms', 250], ['0', 0]];
  for (const [text, ms] of ok) it(`${text} is ${ms} ms`, () => assert.equal(parseGoDurationMillis(text), ms));
  it('rejects a number without unit and unknown units', () => {
    assert.throws(() => parseGoDurationMillis('5'), { message: 'time: missing unit in duration "5"' });
    assert.throws(() => parseGoDurationMillis('1d'), { message: 'time: unknown unit "d" in duration "1d"' });
    assert.throws(() => parseGoDurationMillis('abc'), { message: 'time: invalid duration "abc"' });
  });
});
