// Decides a measurement's phase from its value, as Argo's evaluate.EvaluateResult does.
import { compile, ExprError, typeName, toValue } from '../expr/index.ts';
import { METRIC_CONDITION_NAMES } from '../api/metric.ts';
import type { AnalysisPhase, Metric } from './types.ts';

export interface EvaluationOutcome {
  phase: AnalysisPhase;
  // Set when phase is Error: why the condition could not be evaluated.
  error?: string;
}

// Evaluates one condition to a boolean. `args` maps argument names to values
// for conditions that name them directly (`result > args.threshold`); Argo's
// `{{args.x}}` placeholders are substituted before this is called.
export function evalCondition(result: unknown, condition: string, args: Record<string, string> = {}): boolean {
  const program = compile(condition, { names: METRIC_CONDITION_NAMES });
  const output = program.run({ result, args });
  if (typeof output !== 'boolean') throw new ExprError(`expected bool, but got ${typeName(output)}`);
  return output;
}

export function evaluateResult(
  result: unknown,
  metric: Pick<Metric, 'successCondition' | 'failureCondition'>,
  args: Record<string, string> = {},
): EvaluationOutcome {
  const successCondition = metric.successCondition ?? '';
  const failureCondition = metric.failureCondition ?? '';
  let success = false;
  let failure = false;
  if (successCondition !== '') {
    try {
      success = evalCondition(result, successCondition, args);
    } catch (err) {
      return { phase: 'Error', error: formatEvalError(err, 'successCondition', successCondition, result) };
    }
  }
  if (failureCondition !== '') {
    try {
      failure = evalCondition(result, failureCondition, args);
    } catch (err) {
      return { phase: 'Error', error: formatEvalError(err, 'failureCondition', failureCondition, result) };
    }
  }
  if (successCondition === '' && failureCondition === '') return { phase: 'Successful' };
  // With only one condition set, the other is its negation.
  if (failureCondition === '') failure = !success;
  if (successCondition === '') success = !failure;
  if (failure) return { phase: 'Failed' };
  if (!success) return { phase: 'Inconclusive' };
  return { phase: 'Successful' };
}

function formatEvalError(err: unknown, conditionType: string, expression: string, result: unknown): string {
  if (!(err instanceof ExprError)) throw err;
  const value = toValue(result);
  if (value === null || (Array.isArray(value) && value.length === 0)) {
    return `could not evaluate ${conditionType} "${expression}": metric result is nil or empty: no data returned from the metric provider (${err.message})`;
  }
  return `could not evaluate ${conditionType} "${expression}": ${err.message}`;
}
