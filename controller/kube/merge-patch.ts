/**
 * JSON merge patches (RFC 7386): the smallest patch that turns one object into another, and its
 * application. Arrays are replaced whole, as the API server does for a merge patch, so a patch
 * that touches `spec.http` carries the entire list.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values that JSON would serialize identically, ignoring key order and `undefined` members. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy through JSON, which also drops `undefined` members. */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * The merge patch that turns `current` into `desired`, or `null` when they are already equal.
 * A member absent from `desired` is deleted; a nested object missing from `current` is created
 * only when it has content, so an absent map and an empty one count as the same.
 */
export function createMergePatch(current: unknown, desired: unknown): JsonObject | null {
  const cur = isJsonObject(current) ? current : {};
  const des = isJsonObject(desired) ? desired : {};
  const patch: JsonObject = {};
  for (const key of Object.keys(des)) {
    const want = des[key];
    if (want === undefined) continue;
    const have = cur[key];
    if (isJsonObject(want) && (isJsonObject(have) || have === undefined)) {
      const nested = createMergePatch(have ?? {}, want);
      if (nested !== null) patch[key] = nested;
    } else if (!jsonEqual(have, want)) {
      patch[key] = cloneJson(want);
    }
  }
  for (const key of Object.keys(cur)) {
    if (cur[key] !== undefined && (!(key in des) || des[key] === undefined)) patch[key] = null;
  }
  return Object.keys(patch).length === 0 ? null : patch;
}

/** The document that results from applying `patch` to `target` (neither is modified). */
export function applyMergePatch(target: unknown, patch: Json): Json {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
