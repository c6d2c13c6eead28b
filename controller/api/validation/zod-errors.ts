import { z } from 'zod';
import { type FieldError, child, formatValue, invalid, notSupported, pathOf, required } from './field-error.ts';

/** Turns zod issues into field errors with the same path format as the semantic checks. */
export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown, lookup: SchemaLookup): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) errors.push(...issueToFieldErrors(issue, input, lookup));
  return errors;
}

/** What the schema expects at a path: the keys an object accepts, whether a number must be whole. */
export interface SchemaLookup {
  knownKeys(path: readonly PropertyKey[]): readonly string[] | undefined;
  isInteger(path: readonly PropertyKey[]): boolean;
}

function issueToFieldErrors(issue: z.core.$ZodIssue, input: unknown, lookup: SchemaLookup): FieldError[] {
  const field = pathOf(issue.path);
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const supported = lookup.knownKeys(issue.path) ?? [];
      const isStep = /steps\[\d+\]$/.test(field);
      return issue.keys.map((key) => {
        if (!isStep) return notSupported(child(field, key), key, supported);
        const list = supported.map((s) => JSON.stringify(s)).join(', ');
        return { field: child(field, key), message: `Unsupported value: ${formatValue(key)}: unknown step kind; supported values: ${list}` };
      });
    }
    case 'invalid_type':
      if (value === undefined) return [required(field)];
      if (lookup.isInteger(issue.path)) return [invalid(field, value, 'must be an integer')];
      return [invalid(field, value, `must be ${describeExpected(issue.expected, issue)}`)];
    case 'invalid_value':
      return [notSupported(field, value, issue.values.map((v) => String(v)))];
    case 'invalid_union':
      if (value === undefined) return [required(field)];
      return [invalid(field, value, 'must be an integer or a string')];
    case 'too_big':
      return [invalid(field, value, `must be less than or equal to ${String(issue.maximum)}`)];
    case 'too_small':
      return [invalid(field, value, `must be greater than or equal to ${String(issue.minimum)}`)];
    default:
      return [{ field, message: `Invalid value: ${formatValue(value)}: ${issue.message}` }];
  }
}

function describeExpected(expected: string, issue: z.core.$ZodIssue): string {
  if (expected === 'int' || ('format' in issue && issue.format === 'int32')) return 'an integer';
  if (expected === 'array') return 'a list';
  if (expected === 'object' || expected === 'record') return 'an object';
  if (expected === 'boolean') return 'a boolean';
  if (expected === 'string') return 'a string';
  if (expected === 'number') return 'a number';
  return expected;
}

export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** SchemaLookup for a zod schema: walks objects, arrays, optionals and records along the path. */
export function lookupOf(root: z.ZodType): SchemaLookup {
  return {
    knownKeys(path) {
      const target = schemaAt(root, path);
      return target instanceof z.ZodObject ? Object.keys(target.shape) : undefined;
    },
    isInteger(path) {
      const target = schemaAt(root, path);
      return target instanceof z.ZodNumber && target.isInt;
    },
  };
}

function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return undefined;
    current = current === undefined ? undefined : unwrap(current);
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}
