import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { actionPatches, cleanReturned, createMergePatch, rolloutActions, rolloutCustomizationsDir, rolloutHealth, runRolloutAction } from '../support/argocd.ts';

/**
 * The harness that runs Argo CD's Lua health check and actions against Ramp's rollouts (e2e) is
 * first held to Argo CD's own expectations: the test tables its module ships beside the scripts.
 */

type Json = Record<string, unknown>;
const dir = rolloutCustomizationsDir();
const load = (path: string): Json => parse(readFileSync(path, 'utf8')) as Json;
/** A key set to null is a key not set, in a Kubernetes object and in a merge patch alike. */
const withoutNulls = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutNulls)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]))
      : value;

describe("Argo CD's Rollout health check, run by a real Lua interpreter", () => {
  const table = load(join(dir, 'health_test.yaml')) as { tests: Array<{ healthStatus: { status: string; message?: string }; inputPath: string }> };
  it('has its test table', () => assert.ok(table.tests.length >= 10));
  for (const t of table.tests) {
    it(`${t.inputPath} → ${t.healthStatus.status}`, () => {
      const health = rolloutHealth(load(join(dir, t.inputPath)));
      assert.equal(health.status, t.healthStatus.status);
      assert.equal(health.message ?? '', t.healthStatus.message ?? '');
    });
  }
});

describe("Argo CD's Rollout actions, run by a real Lua interpreter", () => {
  const table = load(join(dir, 'actions', 'action_test.yaml')) as {
    discoveryTests: Array<{ inputPath: string; result: Array<{ name: string; disabled?: boolean; displayName?: string }> }>;
    actionTests: Array<{ action: string; inputPath: string; expectedOutputPath: string }>;
  };
  for (const t of table.discoveryTests) {
    it(`discovery of ${t.inputPath}`, () => {
      const actions = rolloutActions(load(join(dir, 'actions', t.inputPath)));
      for (const expected of t.result) {
        assert.equal(actions[expected.name]?.disabled ?? false, expected.disabled ?? false, `${expected.name} disabled`);
      }
      assert.deepEqual(Object.keys(actions).sort(), t.result.map((r) => r.name).sort());
    });
  }
  for (const t of table.actionTests) {
    it(`${t.action} on ${t.inputPath}`, () => {
      const input = load(join(dir, 'actions', t.inputPath));
      const out = runRolloutAction(t.action, input) as { spec?: { restartAt?: string } };
      const expected = load(join(dir, 'actions', t.expectedOutputPath)) as { spec?: { restartAt?: string } };
      if (t.action === 'restart') {
        // The action stamps the current time; the table's file holds the time it was written.
        assert.match(out.spec?.restartAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        out.spec!.restartAt = expected.spec?.restartAt;
      }
      assert.deepEqual(withoutNulls(out), withoutNulls(expected));
    });
  }
});

describe('the patches Argo CD derives from an action', () => {
  it('splits the merge patch into the status subresource and the rest', () => {
    const live = { spec: { paused: true, replicas: 3 }, status: { pauseConditions: [{ reason: 'CanaryPauseStep' }], phase: 'Paused' } };
    const next = { spec: { paused: false, replicas: 3 }, status: { phase: 'Paused' } };
    assert.deepEqual(actionPatches(live, next), { status: { status: { pauseConditions: null } }, main: { spec: { paused: false } } });
    assert.deepEqual(actionPatches(live, live), {});
  });
  it('removes keys that are gone and replaces lists whole', () => {
    assert.deepEqual(createMergePatch({ a: 1, b: { c: [1, 2] } }, { b: { c: [2] } }), { a: null, b: { c: [2] } });
  });
  it('gives an empty Lua table the kind the field had', () => {
    assert.deepEqual(cleanReturned({ items: {}, labels: [] }, { items: [], labels: {} }), { items: [], labels: {} });
  });
});
