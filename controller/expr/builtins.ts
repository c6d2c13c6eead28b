import type { Value } from './ast.ts';
import { formatValue, getKey, isMap, typeName } from './values.ts';

// Thrown by a builtin; the evaluator adds the call's position.
export class BuiltinError extends Error {}

export interface CallContext {
  // Argo's isNil() and default() look at the measured result whatever
  // argument they are given; templates written for Argo rely on that.
  result: Value;
}

export interface Builtin {
  min: number;
  max: number;
  call(args: Value[], ctx: CallContext): Value;
}

const fail = (message: string): never => {
  throw new BuiltinError(message);
};

function num(name: string, v: Value): number {
  if (typeof v !== 'number') fail(`${name}() expects a number, got ${typeName(v)} ${formatValue(v)}`);
  return v as number;
}

function str(name: string, v: Value): string {
  if (typeof v !== 'string') fail(`${name}() expects a string, got ${typeName(v)} ${formatValue(v)}`);
  return v as string;
}

function numbers(name: string, v: Value): number[] {
  if (!Array.isArray(v)) fail(`${name}() expects an array, got ${typeName(v)}`);
  return (v as Value[]).map((x) => num(name, x));
}

function arrayArg(name: string, v: Value): Value[] {
  if (!Array.isArray(v)) fail(`${name}() expects an array, got ${typeName(v)}`);
  return v as Value[];
}

// Go's strconv.ParseInt(s, 10, 64): an optional sign and decimal digits only.
export function parseGoInt(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) fail(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) && Math.abs(n) > 9223372036854775807) {
    fail(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return n;
}

// Go's strconv.ParseFloat(s, 64): decimal or exponent notation, and the
// special spellings of infinity and NaN.
export function parseGoFloat(s: string): number {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    fail(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  return Number(s);
}

function length(v: Value): number {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  return fail(`invalid argument for len (type ${typeName(v)})`);
}

function toInt(v: Value): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string') return parseGoInt(v.trim());
  return fail(`invalid operation: int(${typeName(v)})`);
}

function toFloat(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseGoFloat(v.trim());
  return fail(`invalid operation: float(${typeName(v)})`);
}

function toStr(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === null) return '<nil>';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function extreme(name: string, args: Value[], pick: (a: number, b: number) => number): number {
  const values = args.length === 1 && Array.isArray(args[0]) ? numbers(name, args[0]) : args.map((a) => num(name, a));
  if (values.length === 0) fail(`${name}() needs at least one number`);
  return values.reduce((a, b) => pick(a, b));
}

const BUILTINS: Record<string, Builtin> = {
  len: { min: 1, max: 1, call: ([v]) => length(v!) },
  abs: { min: 1, max: 1, call: ([v]) => Math.abs(num('abs', v!)) },
  isNaN: { min: 1, max: 1, call: ([v]) => Number.isNaN(num('isNaN', v!)) },
  isInf: {
    min: 1,
    max: 1,
    call: ([v]) => {
      const n = num('isInf', v!);
      return n === Infinity || n === -Infinity;
    },
  },
  asInt: {
    min: 1,
    max: 1,
    call: ([v]) => {
      if (typeof v === 'number') return Math.trunc(v);
      if (typeof v === 'string') return parseGoInt(v);
      return fail(`asInt() not supported on ${typeName(v!)} ${formatValue(v!)}`);
    },
  },
  asFloat: {
    min: 1,
    max: 1,
    call: ([v]) => {
      if (typeof v === 'number') return v;
      if (typeof v === 'string') return parseGoFloat(v);
      return fail(`asFloat() not supported on ${typeName(v!)} ${formatValue(v!)}`);
    },
  },
  isNil: { min: 1, max: 1, call: (_args, ctx) => ctx.result === null },
  default: { min: 2, max: 2, call: ([, fallback], ctx) => (ctx.result === null ? fallback! : ctx.result) },
  int: { min: 1, max: 1, call: ([v]) => toInt(v!) },
  float: { min: 1, max: 1, call: ([v]) => toFloat(v!) },
  string: { min: 1, max: 1, call: ([v]) => toStr(v!) },
  max: { min: 1, max: Infinity, call: (args) => extreme('max', args, Math.max) },
  min: { min: 1, max: Infinity, call: (args) => extreme('min', args, Math.min) },
  sum: { min: 1, max: 1, call: ([v]) => numbers('sum', v!).reduce((a, b) => a + b, 0) },
  mean: {
    min: 1,
    max: 1,
    call: ([v]) => {
      const xs = numbers('mean', v!);
      return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
    },
  },
  median: {
    min: 1,
    max: 1,
    call: ([v]) => {
      const xs = [...numbers('median', v!)].sort((a, b) => a - b);
      if (xs.length === 0) return 0;
      const mid = Math.floor(xs.length / 2);
      return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
    },
  },
  first: { min: 1, max: 1, call: ([v]) => arrayArg('first', v!)[0] ?? null },
  last: {
    min: 1,
    max: 1,
    call: ([v]) => {
      const xs = arrayArg('last', v!);
      return xs[xs.length - 1] ?? null;
    },
  },
  round: { min: 1, max: 1, call: ([v]) => Math.round(num('round', v!)) },
  floor: { min: 1, max: 1, call: ([v]) => Math.floor(num('floor', v!)) },
  ceil: { min: 1, max: 1, call: ([v]) => Math.ceil(num('ceil', v!)) },
  upper: { min: 1, max: 1, call: ([v]) => str('upper', v!).toUpperCase() },
  lower: { min: 1, max: 1, call: ([v]) => str('lower', v!).toLowerCase() },
  trim: { min: 1, max: 1, call: ([v]) => str('trim', v!).trim() },
  keys: {
    min: 1,
    max: 1,
    call: ([v]) => {
      if (!isMap(v!)) fail(`keys() expects a map, got ${typeName(v!)}`);
      return Object.keys(v as object).sort();
    },
  },
  values: {
    min: 1,
    max: 1,
    call: ([v]) => {
      if (!isMap(v!)) fail(`values() expects a map, got ${typeName(v!)}`);
      const m = v as { [k: string]: Value };
      return Object.keys(m)
        .sort()
        .map((k) => getKey(m, k));
    },
  },
};

/**
 * The builtin called `name`, if the language has one. Looked up as an own property only: a name
 * such as `toString` or `constructor` must never reach Object.prototype.
 */
export function builtinNamed(name: string): Builtin | undefined {
  return Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
}

// Builtins that take a collection and a predicate over `#`.
export const PREDICATES = new Set([
  'all', 'any', 'none', 'one', 'filter', 'map', 'count', 'find', 'findIndex', 'findLast', 'findLastIndex',
]);
