import type { Value } from './ast.ts';

export type MapValue = { [key: string]: Value };

export function isMap(v: Value): v is MapValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function typeName(v: Value): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

// Own properties only: a condition must never reach Object.prototype.
export function getKey(map: MapValue, key: string): Value {
  return Object.prototype.hasOwnProperty.call(map, key) ? (map[key] ?? null) : null;
}

export function hasKey(map: MapValue, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export function newMap(): MapValue {
  return Object.create(null) as MapValue;
}

// expr compares numbers by value whatever their Go type, and everything else
// by deep equality; values of different kinds are simply unequal.
export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  }
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => hasKey(b, k) && equal(a[k]!, b[k]!));
  }
  return false;
}

// Turns data from providers (JSON, numbers, arrays) into expression values,
// dropping anything that is not plain data.
export function toValue(input: unknown): Value {
  if (input === null || input === undefined) return null;
  if (typeof input === 'boolean' || typeof input === 'number' || typeof input === 'string') return input;
  if (typeof input === 'bigint') return Number(input);
  if (Array.isArray(input)) return input.map(toValue);
  if (typeof input === 'object') {
    const out = newMap();
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) out[k] = toValue(v);
    return out;
  }
  return null;
}

export function formatValue(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
