import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Registry } from 'prom-client';
import { answer, type Readiness } from '../../../controller/server/server.ts';
import { readinessOf, type RuntimeSnapshot } from '../../../controller/runtime/readiness.ts';

const health = (r: Readiness) => ({ readiness: () => r });

describe('HTTP endpoints', () => {
  it('/metrics serves the registry in Prometheus text format', async () => {
    const registry = new Registry();
    new Counter({ name: 'controller_clientset_k8s_request_total', help: 'h', labelNames: ['kind'], registers: [registry] }).inc({ kind: 'rollouts' });
    const got = await answer('GET', '/metrics', { registry });
    assert.equal(got.status, 200);
    assert.match(got.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(got.body, /^controller_clientset_k8s_request_total\{kind="rollouts"\} 1$/m);
  });

  it('/healthz answers while the process is alive, even when not ready', async () => {
    const got = await answer('GET', '/healthz', { health: health({ ok: false, reasons: ['connecting to the apiserver'] }) });
    assert.deepEqual([got.status, got.body], [200, 'ok\n']);
  });

  it('/readyz is 200 when ready and 503 with the reasons otherwise', async () => {
    assert.equal((await answer('GET', '/readyz', { health: health({ ok: true, reasons: [] }) })).status, 200);
    const notReady = await answer('GET', '/readyz', { health: health({ ok: false, reasons: ['cache of rollouts.argoproj.io not synced', 'rollout controller not running yet'] }) });
    assert.equal(notReady.status, 503);
    assert.equal(notReady.body, 'not ready: cache of rollouts.argoproj.io not synced\nnot ready: rollout controller not running yet\n');
  });

  it('a port serves only its own endpoints', async () => {
    assert.equal((await answer('GET', '/readyz', { registry: new Registry() })).status, 404);
    assert.equal((await answer('GET', '/metrics', { health: health({ ok: true, reasons: [] }) })).status, 404);
    assert.equal((await answer('GET', '/', { registry: new Registry() })).status, 404);
  });

  it('only GET and HEAD', async () => {
    assert.equal((await answer('POST', '/healthz', { health: health({ ok: true, reasons: [] }) })).status, 405);
    assert.equal((await answer('HEAD', '/healthz', { health: health({ ok: true, reasons: [] }) })).status, 200);
  });
});

describe('readinessOf', () => {
  const running: RuntimeSnapshot = { phase: 'running', unsyncedCaches: [], leading: true, idleControllers: [] };

  it('a leader with synced caches and running loops is ready', () => {
    assert.deepEqual(readinessOf(running), { ok: true, reasons: [] });
  });

  it('a follower with synced caches is ready', () => {
    assert.deepEqual(readinessOf({ ...running, leading: false, idleControllers: ['rollout'] }), { ok: true, reasons: [] });
  });

  it('not ready while connecting, saying why', () => {
    assert.deepEqual(readinessOf({ ...running, phase: 'connecting', connectProblem: 'cannot reach the apiserver at https://10.0.0.1:6443' }), {
      ok: false,
      reasons: ['connecting to the apiserver: cannot reach the apiserver at https://10.0.0.1:6443'],
    });
  });

  it('not ready until every cache has synced', () => {
    assert.deepEqual(readinessOf({ ...running, leading: false, unsyncedCaches: ['replicasets.apps'] }), {
      ok: false,
      reasons: ['cache of replicasets.apps not synced'],
    });
  });

  it('a leader is not ready until its loops run', () => {
    assert.deepEqual(readinessOf({ ...running, idleControllers: ['rollout'] }), { ok: false, reasons: ['rollout controller not running yet'] });
  });

  it('not ready while shutting down', () => {
    assert.deepEqual(readinessOf({ ...running, phase: 'stopping' }), { ok: false, reasons: ['shutting down'] });
  });
});
