import { type FieldError, child, invalid, tooMany } from './field-error.ts';

/**
 * Bounds that keep hostile or mistaken input from costing the controller memory or time. They are
 * far above anything a real rollout needs.
 */
export const LIMITS = {
  /** Canary steps per Rollout. */
  maxSteps: 200,
  /** Pods per Rollout. */
  maxReplicas: 100_000,
  /** Metrics per AnalysisTemplate or AnalysisRun. */
  maxMetrics: 100,
  /** Items in any list of a spec (containers, args, routes, ...). */
  maxListItems: 5_000,
  /** Nesting depth of any object. */
  maxDepth: 64,
  /** Objects, lists and scalars in one manifest. */
  maxNodes: 200_000,
  /** Field errors reported for one object. */
  maxErrors: 100,
} as const;

/**
 * Refuses documents that are too big or too deep before schema parsing walks them, so a
 * million-item list yields one error rather than a million.
 */
export function checkSize(input: unknown, root = ''): FieldError[] {
  const errors: FieldError[] = [];
  let nodes = 0;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    nodes++;
    if (nodes > LIMITS.maxNodes) {
      errors.push(invalid(root || '<root>', `${LIMITS.maxNodes}+ values`, `object is too large: at most ${LIMITS.maxNodes} values are accepted`));
      return errors;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= LIMITS.maxDepth) {
      errors.push(invalid(path, '...', `nested too deeply: at most ${LIMITS.maxDepth} levels are accepted`));
      return errors;
    }
    if (Array.isArray(value)) {
      if (value.length > LIMITS.maxListItems) {
        errors.push(tooMany(path, value.length, LIMITS.maxListItems));
        return errors;
      }
      value.forEach((item, i) => stack.push({ value: item, path: child(path, i), depth: depth + 1 }));
    } else {
      for (const [key, item] of Object.entries(value)) stack.push({ value: item, path: child(path, key), depth: depth + 1 });
    }
  }
  return errors;
}
