import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { versions } from '../cluster/layout.ts';
import { goModuleDir } from './go-module.ts';

/**
 * Argo CD's own health check and actions for argoproj.io Rollouts, taken from its Go module
 * (github.com/argoproj/argo-cd/v3, downloaded through the Go module proxy into the module cache,
 * never copied into this repository) and run by a real Lua 5.1 interpreter, as Argo CD runs them.
 */

const ARGO_CD_MODULE = 'github.com/argoproj/argo-cd/v3';
const DRIVER = new URL('./argocd-driver.lua', import.meta.url).pathname;

type Json = Record<string, unknown>;

/** The directory of Argo CD's module source, downloaded on first use. */
export function argoCdModuleDir(): string {
  return goModuleDir(ARGO_CD_MODULE, versions.argoCd);
}

/** resource_customizations/argoproj.io/Rollout in Argo CD's module. */
export function rolloutCustomizationsDir(): string {
  return join(argoCdModuleDir(), 'resource_customizations', 'argoproj.io', 'Rollout');
}

/** Runs one Lua script against `obj` and parses what it returns. */
function runLua(script: string, obj: unknown): unknown {
  const result = spawnSync('lua5.1', [DRIVER, script], { input: JSON.stringify(obj), encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw new Error(`lua5.1 could not run ${script}: ${result.error.message} (make setup installs lua5.1 and lua-cjson)`);
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout);
}

export interface HealthStatus {
  status: string;
  message?: string;
}

/** Argo CD's health.lua for Rollouts. */
export function rolloutHealth(obj: unknown): HealthStatus {
  return runLua(join(rolloutCustomizationsDir(), 'health.lua'), obj) as HealthStatus;
}

/** Argo CD's actions/discovery.lua: which actions its UI offers, and which are disabled. */
export function rolloutActions(obj: unknown): Record<string, { disabled?: boolean; displayName?: string }> {
  return runLua(join(rolloutCustomizationsDir(), 'actions', 'discovery.lua'), obj) as Record<string, { disabled?: boolean }>;
}

/** The object `actions/<name>/action.lua` returns, cleaned as Argo CD cleans it. */
export function runRolloutAction(name: string, obj: Json): Json {
  const returned = runLua(join(rolloutCustomizationsDir(), 'actions', name, 'action.lua'), obj) as Json;
  return cleanReturned(returned, obj) as Json;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Lua has one table type, so an empty table cannot say whether it was an object or a list: as
 * Argo CD's cleanReturnedObj does, an empty one takes the kind the field had in the input.
 */
export function cleanReturned(next: unknown, prev: unknown): unknown {
  if (isObject(next) && Object.keys(next).length === 0 && Array.isArray(prev)) return [];
  if (Array.isArray(next) && next.length === 0 && isObject(prev)) return {};
  if (isObject(next) && isObject(prev)) {
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, k in prev ? cleanReturned(v, prev[k]) : v]));
  }
  if (Array.isArray(next) && Array.isArray(prev)) return next.map((v, i) => (i < prev.length ? cleanReturned(v, prev[i]) : v));
  return next;
}

/** RFC 7386 merge patch from `from` to `to`, as jsonpatch.CreateMergePatch computes it. */
export function createMergePatch(from: Json, to: Json): Json {
  const patch: Json = {};
  for (const key of Object.keys(from)) if (!(key in to)) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    const old = from[key];
    if (isObject(old) && isObject(value)) {
      const inner = createMergePatch(old, value);
      if (Object.keys(inner).length > 0) patch[key] = inner;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) {
      patch[key] = value;
    }
  }
  return patch;
}

/**
 * What Argo CD sends for an action's result (server/application patchResource): one merge patch,
 * split into the status part (sent to the status subresource) and the rest.
 */
export function actionPatches(live: Json, next: Json): { status?: Json; main?: Json } {
  const patch = createMergePatch(live, next);
  const { status, ...rest } = patch;
  return {
    ...(status !== undefined ? { status: { status } } : {}),
    ...(Object.keys(rest).length > 0 ? { main: rest } : {}),
  };
}
