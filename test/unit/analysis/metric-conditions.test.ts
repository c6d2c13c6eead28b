import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateResult } from '../../../controller/analysis/metric-conditions.ts';

describe('evaluateResult decides the measurement phase as Argo does', () => {
  const cases: { name: string; result: unknown; success?: string; failure?: string; phase: string }[] = [
    { name: 'no conditions is Successful', result: 1, phase: 'Successful' },
    { name: 'success true is Successful', result: [0.99], success: 'result[0] >= 0.95', phase: 'Successful' },
    { name: 'only success set and false is Failed', result: [0.5], success: 'result[0] >= 0.95', phase: 'Failed' },
    { name: 'only failure set and true is Failed', result: [0.5], failure: 'result[0] < 0.9', phase: 'Failed' },
    { name: 'only failure set and false is Successful', result: [0.99], failure: 'result[0] < 0.9', phase: 'Successful' },
    { name: 'both set, success true, failure false is Successful', result: 5, success: 'result > 3', failure: 'result < 1', phase: 'Successful' },
    { name: 'both set and neither true is Inconclusive', result: 2, success: 'result > 3', failure: 'result < 1', phase: 'Inconclusive' },
    { name: 'both set and both true is Failed', result: 2, success: 'result > 1', failure: 'result > 1', phase: 'Failed' },
    { name: 'failure wins over success', result: 'true', success: 'result == "true"', failure: 'result == "true"', phase: 'Failed' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const outcome = evaluateResult(c.result, { successCondition: c.success, failureCondition: c.failure });
      assert.equal(outcome.phase, c.phase);
      assert.equal(outcome.error, undefined);
    });
  }

  it('a non-boolean condition is an Error naming the condition', () => {
    const outcome = evaluateResult(3, { successCondition: 'result + 1' });
    assert.equal(outcome.phase, 'Error');
    assert.equal(outcome.error, 'could not evaluate successCondition "result + 1": expected bool, but got number');
  });

  it('a syntax error in the failure condition is an Error with its position', () => {
    const outcome = evaluateResult(3, { successCondition: 'result > 1', failureCondition: 'result < )' });
    assert.equal(outcome.phase, 'Error');
    assert.equal(outcome.error, `could not evaluate failureCondition "result < )": unexpected token ')' at column 10`);
  });

  it('an empty result explains that the provider returned no data', () => {
    const outcome = evaluateResult([], { successCondition: 'result[0] > 1' });
    assert.equal(outcome.phase, 'Error');
    assert.match(outcome.error ?? '', /metric result is nil or empty: no data returned from the metric provider/);
    assert.match(outcome.error ?? '', /index out of range: 0 \(array length is 0\)/);
  });

  it('a guarded empty result evaluates normally', () => {
    assert.equal(evaluateResult([], { successCondition: 'len(result) == 0 || result[0] < 0.05' }).phase, 'Successful');
  });

  it('a condition can read args by name', () => {
    const outcome = evaluateResult(0.9, { successCondition: 'result >= asFloat(args.min)' }, { min: '0.8' });
    assert.equal(outcome.phase, 'Successful');
  });
});
