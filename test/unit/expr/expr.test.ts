import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile, ExprError } from '../../../controller/expr/index.ts';

const run = (source: string, result: unknown = null, args: Record<string, string> = {}): unknown =>
  compile(source, { names: ['result', 'args'] }).run({ result, args });

describe('condition expressions evaluate as Argo users write them', () => {
  const cases: [string, unknown, unknown][] = [
    ['result[0] >= 0.95', [0.97], true],
    ['result[0] >= 0.95', [0.5], false],
    ['len(result) == 0 || result[0] < 0.05', [], true],
    ['len(result) == 0 || result[0] < 0.05', [0.01], true],
    ['len(result) == 0 || result[0] < 0.05', [0.2], false],
    ['isNaN(result)', NaN, true],
    ['isNaN(result)', 1, false],
    ['isNaN(result[0]) || result[0] > 0.9', [NaN], true],
    ['isInf(result)', Infinity, true],
    ['isInf(result)', -Infinity, true],
    ['isInf(result)', 3, false],
    ['asInt(result) == 1', '1', true],
    ['asInt(result) == 1', 1.9, true],
    ['asFloat(result) > 1.1', '1.2', true],
    ['asFloat(result) > 1.1', 1.2, true],
    ['result == "true"', 'true', true],
    ['result == "true"', true, false],
    ["result == 'ok'", 'ok', true],
    ['result == true', true, true],
    ['result', true, true],
    ['result > 10', 11, true],
    ['(result.requests_made * result.requests_succeeded / 100) >= 90', { requests_made: 100, requests_succeeded: 95 }, true],
    ['result.data.ok', { data: { ok: true } }, true],
    ['result["k"] == 2', { k: 2 }, true],
    ['result["missing"] == nil', { k: 2 }, true],
    ['result.d == nil', { d: null }, true],
    ['result == nil', null, true],
    ['result != nil', 0, true],
    ['result[-1] == 3', [1, 2, 3], true],
    ['result[1:3] == [2, 3]', [1, 2, 3], true],
    ['result[:1] == [1]', [1, 2, 3], true],
    ['-result < 0', 2, true],
    ['!result', false, true],
    ['not result', false, true],
    ['not (result > 1)', 0, true],
    ['!(result > 1) && result >= 0', 0, true],
    ['result > 1 and result < 3', 2, true],
    ['result < 1 or result > 3', 4, true],
    ['1 + 2 * 3 == 7', null, true],
    ['(1 + 2) * 3 == 9', null, true],
    ['7 / 2 == 3.5', null, true],
    ['7 % 2 == 1', null, true],
    ['2 ** 3 ** 2 == 512', null, true],
    ['2 ^ 3 == 8', null, true],
    ['10 - 2 - 3 == 5', null, true],
    ['"a" + "b" == "ab"', null, true],
    ['"abc" < "abd"', null, true],
    ['result in [1, 2, 3]', 2, true],
    ['result not in [1, 2, 3]', 5, true],
    ['"k" in result', { k: 1 }, true],
    ['"x" in result', { k: 1 }, false],
    ['result > 0 ? true : false', 1, true],
    ['result > 0 ? "pos" : "neg" == "neg"', -1, true],
    ['(result ?: 5) == 5', false, true],
    ['(result ?? 7) == 7', null, true],
    ['all(result, # < 1000)', [1, 999], true],
    ['all(result, {# < 5})', [1, 2, 3, 4], true],
    ['all(result, {# < 5})', [1, 9], false],
    ['any(result, {# > 5})', [1, 2, 6], true],
    ['none(result, # > 5)', [1, 2], true],
    ['one(result, # > 1)', [1, 2], true],
    ['len(filter(result, # > 1)) == 2', [1, 2, 3], true],
    ['map(result, # * 2) == [2, 4]', [1, 2], true],
    ['count(result, # > 1) == 2', [1, 2, 3], true],
    ['all(result, .status == "ok")', [{ status: 'ok' }, { status: 'ok' }], true],
    ['all(result, #.v > #index)', [{ v: 1 }, { v: 2 }], true],
    ['len(result) == 3', 'abc', true],
    ['len(result) == 2', { a: 1, b: 2 }, true],
    ['abs(result) == 2', -2, true],
    ['isNil(result)', null, true],
    ['isNil(result)', 0, false],
    ['default(result, 0) == 0', null, true],
    ['default(result, 0) == 4', 4, true],
    ['max(result) == 3 && min(result) == 1', [1, 3, 2], true],
    ['sum(result) == 6 && mean(result) == 2', [1, 2, 3], true],
    ['"abc" contains "b" && "abc" startsWith "a" && "abc" endsWith "c"', null, true],
    ['result matches "^v[0-9]+$"', 'v12', true],
    ['1..3 == [1, 2, 3]', null, true],
    ['{a: 1}.a == 1', null, true],
    ['int("12") + float("0.5") == 12.5', null, true],
    ['string(1) == "1"', null, true],
    ['1_000 == 1000 && 0x10 == 16 && 1e3 == 1000', null, true],
    ['"\\u0041\\n" == "A" + "\\n" && len("\\u0041\\n") == 2', null, true],
    ['result?.a?.b == nil', null, true],
    ['result\n  > 1', 2, true],
    ['result > 1 // trailing comment', 2, true],
  ];
  for (const [source, result, expected] of cases) {
    it(`${source} with result ${JSON.stringify(result) ?? String(result)} is ${String(expected)}`, () => {
      assert.deepEqual(run(source, result), expected);
    });
  }

  it('reads template args when a condition names them', () => {
    assert.equal(run('result > asFloat(args.threshold)', 0.9, { threshold: '0.8' }), true);
  });

  it('short-circuits so guarded indexing never runs on an empty result', () => {
    assert.equal(run('len(result) > 0 && result[0] > 1', []), false);
  });
});

describe('condition expressions report what is wrong and where', () => {
  const errors: [string, unknown, RegExp][] = [
    ['result[0] >= 0.95)', [1], /^unexpected token '\)' at column 18$/],
    ['len(result) == 0 || )', [], /^unexpected token '\)' at column 21$/],
    ['result >', 1, /^unexpected end of expression at column 9$/],
    ['', 1, /^empty expression at column 1$/],
    ['result[0', [1], /^expected '\]' but found end of expression at column 9$/],
    ['"abc', 1, /^unterminated string literal at column 1$/],
    ['result @ 1', 1, /^unexpected character '@' at column 8$/],
    ['foo > 1', 1, /^unknown name foo at column 1$/],
    ['process.exit(1)', 1, /unknown name process at column 1|method calls are not supported/],
    ['lenx(result)', 1, /^unknown function lenx\(\) at column 1$/],
    // Names of Object.prototype are not functions of the language.
    ['toString(result)', 1, /^unknown function toString\(\) at column 1$/],
    ['constructor(result)', 1, /^unknown function constructor\(\) at column 1$/],
    ['hasOwnProperty(result)', 1, /^unknown function hasOwnProperty\(\) at column 1$/],
    ['__proto__(result)', 1, /^unknown function __proto__\(\) at column 1$/],
    ['len(result, 1)', 1, /^len\(\) expects 1 argument, got 2 at column 1$/],
    ['# > 1', 1, /can only be used inside a predicate at column 1/],
    ['result[0] > 1', [], /^index out of range: 0 \(array length is 0\) at column 7$/],
    ['result.data > 1', null, /^cannot fetch "data" from nil at column 8$/],
    ['result > "a"', 1, /^invalid operation: > \(mismatched types number and string\) at column 8$/],
    ['result && true', 1, /^invalid operation: && \(left operand is number, not bool\) at column 8$/],
    ['asInt(result) == 1', '1.5', /^strconv\.ParseInt: parsing "1\.5": invalid syntax at column 1$/],
    ['asFloat(result) > 1', 'abc', /^strconv\.ParseFloat: parsing "abc": invalid syntax at column 1$/],
    ['isNaN(result)', 'x', /^isNaN\(\) expects a number, got string "x" at column 1$/],
    ['len(result) > 0', 5, /^invalid argument for len \(type number\) at column 1$/],
    ['result.constructor', { a: 1 }, /^$/],
    ['result\n  > )', 1, /^unexpected token '\)' at line 2, column 5$/],
  ];
  for (const [source, result, pattern] of errors) {
    it(`${JSON.stringify(source)} fails with ${pattern.source}`, () => {
      if (pattern.source === '^$') {
        // Reaching a prototype property must yield nil, never a function.
        assert.equal(run(source, result), null);
        return;
      }
      assert.throws(() => run(source, result), (err: unknown) => {
        assert.ok(err instanceof ExprError, `expected ExprError, got ${String(err)}`);
        assert.match(err.message, pattern);
        return true;
      });
    });
  }

  it('does not reach the JavaScript prototype chain', () => {
    assert.equal(run('result.__proto__ == nil', {}), true);
    assert.equal(run('result["toString"] == nil', {}), true);
    assert.equal(run('"constructor" in result', {}), false);
  });
});
