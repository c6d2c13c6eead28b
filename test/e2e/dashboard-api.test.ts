import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { REPLICA_SETS, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { DashboardStartError } from '../../client/dashboard-launch.ts';
import { startDashboard, type RunningDashboard } from '../../dashboard/server/start.ts';
import type { RolloutDetail, RolloutSummary, Settings } from '../../dashboard/shared/api.ts';
import { clients, eventually, loadKubeConfig, testNamespace } from '../support/cluster.ts';
import { takeSseEvents, type SseEvent } from '../support/sse.ts';
import { pluginArgs } from './support/cli.ts';

/**
 * The dashboard's API against the real control plane: objects created through the apiserver show
 * up through the dashboard's informers, status changes arrive on the event streams, and actions
 * reach the apiserver as the CLI's patches, guarded by the token.
 */

// Rollouts carrying an instance id are invisible to controllers started without one, so nothing
// but this test changes the status it writes.
const INSTANCE = { 'argo-rollouts.argoproj.io/controller-instance-id': 'dashboard-e2e' };
const TOKEN = 'dashboard-e2e-token-0123456789';
const STEPS = [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10m' } }, { setWeight: 80 }];

function template(hash: string | undefined, image: string): Record<string, unknown> {
  const labels: Record<string, string> = { app: 'web', ...(hash ? { 'rollouts-pod-template-hash': hash } : {}) };
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image }] } };
}

function rolloutManifest(namespace: string, name: string): KubeObject & Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace, labels: INSTANCE },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(undefined, 'registry.example/web:2.0'),
      strategy: { canary: { steps: STEPS } },
    },
  };
}

function replicaSet(ro: KubeObject, hash: string, revision: number, replicas: number, image: string): KubeObject & Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${ro.metadata?.name}-${hash}`,
      namespace: ro.metadata?.namespace,
      labels: { app: 'web', 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: ro.metadata?.name, uid: ro.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas, selector: { matchLabels: { app: 'web', 'rollouts-pod-template-hash': hash } }, template: template(hash, image) },
  };
}

/** The status a controller would write with the canary paused on step `index`. */
function pausedAt(index: number, startTime = new Date()): Record<string, unknown> {
  return {
    status: {
      currentPodHash: 'bbbbbbbbbb',
      stableRS: 'aaaaaaaaaa',
      currentStepIndex: index,
      controllerPause: true,
      pauseConditions: [{ reason: 'CanaryPauseStep', startTime: startTime.toISOString().replace(/\.\d{3}Z$/, 'Z') }],
      replicas: 3,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: '1',
      phase: 'Paused',
      message: 'CanaryPauseStep',
    },
  };
}

/** Reads a server-sent-events response until `wanted` accepts an event or the deadline passes. */
async function waitForEvent(url: string, wanted: (e: SseEvent) => boolean, trigger: () => Promise<unknown>, timeoutMs = 20_000): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const seen: SseEvent[] = [];
  try {
    const res = await fetch(url, { signal: abort.signal, headers: { Accept: 'text/event-stream' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let triggered = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended; events: ${seen.map((e) => e.event).join(', ')}`);
      const { events, rest } = takeSseEvents(buffer + value);
      buffer = rest;
      for (const parsed of events) {
        seen.push(parsed);
        if (triggered && wanted(parsed)) return seen;
        if (!triggered) {
          // The first event is the snapshot; the change is made only once the stream is open.
          triggered = true;
          await trigger();
        }
      }
    }
  } catch (err) {
    if (abort.signal.aborted) throw new Error(`no matching event within ${timeoutMs / 1000}s; saw: ${JSON.stringify(seen.map((e) => e.event))}`);
    throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

async function post(d: RunningDashboard, path: string, init: { token?: string; body?: string; contentType?: string } = {}): Promise<{ status: number; body: { error?: { message: string; hint?: string }; message?: string } }> {
  const headers: Record<string, string> = { 'Content-Type': init.contentType ?? 'application/json' };
  if (init.token !== undefined) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(new URL(path, d.url), { method: 'POST', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, body: (await res.json()) as { error?: { message: string; hint?: string }; message?: string } };
}

describe('dashboard API on the local control plane', () => {
  const kc = loadKubeConfig();
  const kube = new KubeClient(kc);
  let dashboard: RunningDashboard;
  let ns: string;
  let base: string;

  before(async () => {
    dashboard = await startDashboard({ kubeConfig: kc, port: 0, token: TOKEN, buildWeb: false, say: () => undefined });
  });
  after(async () => {
    await dashboard?.close();
  });

  test('dashboard api', async (t) => {
    ns = await testNamespace(t, clients(kc));
    base = `api/v1/namespaces/${ns}/rollouts/web`;
    const ro = await kube.create<KubeObject>(ROLLOUTS, rolloutManifest(ns, 'web'));
    await kube.create(REPLICA_SETS, replicaSet(ro, 'aaaaaaaaaa', 1, 2, 'registry.example/web:1.0'));
    await kube.create(REPLICA_SETS, replicaSet(ro, 'bbbbbbbbbb', 2, 1, 'registry.example/web:2.0'));
    await kube.mergePatchStatus(ROLLOUTS, ns, 'web', pausedAt(1));

    await t.test('lists the rollout and shows its ReplicaSets, steps and revisions', async () => {
      const listed = await eventually('the rollout in the list', async () => {
        const res = await fetch(new URL(`api/v1/rollouts?namespace=${ns}`, dashboard.url));
        const { items } = (await res.json()) as { items: RolloutSummary[] };
        return items.find((r) => r.name === 'web' && r.step === '1/5');
      });
      assert.equal(listed.strategy, 'Canary');
      assert.equal(listed.setWeight, '20');

      const detail = await eventually('both ReplicaSets in the detail', async () => {
        const d = (await (await fetch(new URL(base, dashboard.url))).json()) as RolloutDetail;
        return d.info.replicaSets.length === 2 ? d : undefined;
      });
      assert.deepEqual(
        detail.info.replicaSets.map((rs) => [rs.revision, rs.stable, rs.canary, rs.images[0]]),
        [
          [2, false, true, 'registry.example/web:2.0'],
          [1, true, false, 'registry.example/web:1.0'],
        ],
      );
      assert.deepEqual(
        detail.steps.map((s) => [s.label, s.state]),
        [
          ['setWeight: 20', 'done'],
          ['pause', 'current'],
          ['setWeight: 50', 'pending'],
          ['pause: 10m', 'pending'],
          ['setWeight: 80', 'pending'],
        ],
      );
      assert.equal(detail.pause?.reason, 'CanaryPauseStep');
      assert.equal(detail.pause?.endsAt, undefined, 'a pause without duration waits for promote');
      assert.deepEqual(
        detail.revisions.map((r) => [r.revision, r.tags]),
        [
          [2, ['canary']],
          [1, ['stable']],
        ],
      );
      assert.equal(detail.history.at(-1)?.setWeight, 20);
    });

    await t.test('a status change arrives on the detail and list streams', async () => {
      const startTime = new Date();
      const events = await waitForEvent(
        new URL(`${base}/stream`, dashboard.url).toString(),
        (e) => e.event === 'detail' && (e.data as RolloutDetail).info.currentStepIndex === 3,
        () => kube.mergePatchStatus(ROLLOUTS, ns, 'web', pausedAt(3, startTime)),
      );
      assert.equal(events[0]?.event, 'detail', 'the stream opens with the current detail');
      const last = events.at(-1)!.data as RolloutDetail;
      assert.equal(last.steps[3]?.state, 'current');
      assert.equal(last.pause?.durationSeconds, 600);
      assert.equal(Date.parse(last.pause?.endsAt ?? ''), Math.floor(startTime.getTime() / 1000) * 1000 + 600_000);
      assert.deepEqual(
        last.history.map((p) => p.setWeight).slice(-2),
        [20, 50],
        'the weight history gained the new weight',
      );

      const listEvents = await waitForEvent(
        new URL(`api/v1/rollouts/stream?namespace=${ns}`, dashboard.url).toString(),
        (e) => e.event === 'rollout' && (e.data as RolloutSummary).step === '4/5',
        () => kube.mergePatchStatus(ROLLOUTS, ns, 'web', pausedAt(4)),
      );
      assert.equal(listEvents[0]?.event, 'snapshot');
    });

    await t.test('promote with the token clears the pause and spec.paused, as the CLI does', async () => {
      await kube.mergePatch(ROLLOUTS, ns, 'web', { spec: { paused: true } });
      await kube.mergePatchStatus(ROLLOUTS, ns, 'web', pausedAt(3));
      const res = await post(dashboard, `${base}/promote`, { token: TOKEN, body: '{}' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.message, "rollout 'web' promoted");
      const after = await kube.get<KubeObject & { spec: { paused?: boolean }; status: { pauseConditions?: unknown[]; currentStepIndex?: number } }>(ROLLOUTS, ns, 'web');
      assert.equal(after.spec.paused, false);
      assert.equal(after.status.pauseConditions, undefined);
      assert.equal(after.status.currentStepIndex, 3, 'a plain promote leaves moving on to the controller');
    });

    await t.test('abort and retry set and clear status.abort; undo restores the previous template', async () => {
      assert.equal((await post(dashboard, `${base}/abort`, { token: TOKEN })).status, 200);
      assert.equal((await kube.get<KubeObject & { status: { abort?: boolean } }>(ROLLOUTS, ns, 'web')).status.abort, true);
      assert.equal((await post(dashboard, `${base}/retry`, { token: TOKEN })).status, 200);
      assert.equal((await kube.get<KubeObject & { status: { abort?: boolean } }>(ROLLOUTS, ns, 'web')).status.abort, false);

      const undo = await post(dashboard, `${base}/undo`, { token: TOKEN, body: '{"toRevision": 1}' });
      assert.equal(undo.status, 200, JSON.stringify(undo.body));
      const restored = await kube.get<KubeObject & { spec: { template: { spec: { containers: { image: string }[] }; metadata: { labels: Record<string, string> } } } }>(ROLLOUTS, ns, 'web');
      assert.equal(restored.spec.template.spec.containers[0]?.image, 'registry.example/web:1.0');
      assert.equal(restored.spec.template.metadata.labels['rollouts-pod-template-hash'], undefined);
    });

    await t.test('refuses writes without the right token, with 401 and no change', async () => {
      const missing = await post(dashboard, `${base}/abort`, { body: '{}' });
      assert.equal(missing.status, 401);
      assert.match(missing.body.error?.message ?? '', /token/);
      assert.ok(missing.body.error?.hint);
      const wrong = await post(dashboard, `${base}/abort`, { token: 'not-the-token-at-all', body: '{}' });
      assert.equal(wrong.status, 401);
      const ro = await kube.get<KubeObject & { status: { abort?: boolean } }>(ROLLOUTS, ns, 'web');
      assert.equal(ro.status.abort, false);
    });

    await t.test('refuses malformed JSON with 400 and an oversized body with 413', async () => {
      const malformed = await post(dashboard, `${base}/promote`, { token: TOKEN, body: '{"toRevision": ' });
      assert.equal(malformed.status, 400);
      assert.match(malformed.body.error?.message ?? '', /malformed JSON/);
      const oversized = await post(dashboard, `${base}/undo`, { token: TOKEN, body: JSON.stringify({ toRevision: 1, padding: 'x'.repeat(64 * 1024) }) });
      assert.equal(oversized.status, 413);
      assert.match(oversized.body.error?.message ?? '', /too large/);
      const unknownField = await post(dashboard, `${base}/promote`, { token: TOKEN, body: '{"full": true}' });
      assert.equal(unknownField.status, 400);
      const badName = await post(dashboard, `api/v1/namespaces/${ns}/rollouts/Not_A_Name/promote`, { token: TOKEN });
      assert.equal(badName.status, 400);
      const unknownAction = await post(dashboard, `${base}/explode`, { token: TOKEN });
      assert.equal(unknownAction.status, 400);
    });

    await t.test('a rollout that does not exist is a 404 with a hint', async () => {
      const res = await post(dashboard, `api/v1/namespaces/${ns}/rollouts/missing/promote`, { token: TOKEN });
      assert.equal(res.status, 404);
      assert.match(res.body.error?.message ?? '', /"missing" .*not found/);
      const get = await fetch(new URL(`api/v1/namespaces/${ns}/rollouts/missing`, dashboard.url));
      assert.equal(get.status, 404);
    });

    await t.test('read-only and namespace-scoped: every write is a 403, other namespaces too', async () => {
      const readOnly = await startDashboard({ kubeConfig: kc, port: 0, readOnly: true, namespace: ns, buildWeb: false, say: () => undefined });
      try {
        assert.equal(readOnly.token, undefined);
        const refused = await post(readOnly, `${base}/promote`, { token: TOKEN, body: '{}' });
        assert.equal(refused.status, 403);
        assert.match(refused.body.error?.message ?? '', /read-only/);
        const other = await fetch(new URL('api/v1/rollouts?namespace=kube-system', readOnly.url));
        assert.equal(other.status, 403);
        const listed = (await (await fetch(new URL('api/v1/rollouts', readOnly.url))).json()) as { items: RolloutSummary[] };
        assert.deepEqual(listed.items.map((r) => `${r.namespace}/${r.name}`), [`${ns}/web`]);
        const settings = (await (await fetch(new URL('api/v1/settings', readOnly.url))).json()) as { readOnly: boolean; namespace?: string };
        assert.deepEqual([settings.readOnly, settings.namespace], [true, ns]);
      } finally {
        await readOnly.close();
      }
    });

    await t.test('a deleted rollout leaves the list stream', async () => {
      await kube.create(ROLLOUTS, rolloutManifest(ns, 'short-lived'));
      await eventually('short-lived listed', async () => {
        const { items } = (await (await fetch(new URL(`api/v1/rollouts?namespace=${ns}`, dashboard.url))).json()) as { items: RolloutSummary[] };
        return items.some((r) => r.name === 'short-lived');
      });
      const events = await waitForEvent(
        new URL(`api/v1/rollouts/stream?namespace=${ns}`, dashboard.url).toString(),
        (e) => e.event === 'deleted' && (e.data as { name: string }).name === 'short-lived',
        () => kube.delete(ROLLOUTS, ns, 'short-lived'),
      );
      assert.equal(events.at(-1)?.event, 'deleted');
    });
  });

  test('kubectl ramp dashboard serves until Ctrl-C, namespace-scoped and read-only with -n and --read-only', async (t) => {
    const namespace = await testNamespace(t, clients(kc));
    const child = spawn(process.execPath, pluginArgs(['dashboard', '--port', '0', '--read-only'], { namespace }), { stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await eventually('the dashboard URL on stderr', async () => /Ramp dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1], 60_000);
    assert.match(stderr, new RegExp(`\\(namespace ${namespace}\\) \\(read-only\\)`));
    assert.doesNotMatch(stderr, /Token for actions/, 'read-only needs no token');
    const settings = (await (await fetch(new URL('api/v1/settings', url))).json()) as Settings;
    assert.deepEqual(settings, { readOnly: true, namespace, namespaces: [namespace], unavailable: [], version: settings.version });
    assert.match(settings.version, /^\d+\.\d+\.\d+/);
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  });

  test('a user who may read rollouts and ReplicaSets in one namespace gets a scoped dashboard without the rest', async (t) => {
    const path = process.env.RAMP_RESTRICTED_KUBECONFIG;
    assert.ok(path, 'the test runner provides RAMP_RESTRICTED_KUBECONFIG');
    const namespace = await testNamespace(t, clients(kc));
    const rbac = (plural: string, kind: string) => ({ group: 'rbac.authorization.k8s.io', version: 'v1', plural, kind, namespaced: true, instanceScoped: false });
    const read = ['get', 'list', 'watch'];
    await kube.create(rbac('roles', 'Role'), {
      metadata: { name: 'rollout-reader', namespace },
      rules: [
        { apiGroups: ['argoproj.io'], resources: ['rollouts'], verbs: read },
        { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
        { apiGroups: [''], resources: ['pods'], verbs: read },
      ],
    } as KubeObject);
    await kube.create(rbac('rolebindings', 'RoleBinding'), {
      metadata: { name: 'rollout-reader', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rollout-reader' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'ramp-restricted' }],
    } as KubeObject);
    await kube.create(ROLLOUTS, rolloutManifest(namespace, 'web'));
    const scoped = await eventually('RBAC to take effect', async () => {
      try {
        return await startDashboard({ kubeconfig: path, namespace, port: 0, token: TOKEN, buildWeb: false, say: () => undefined });
      } catch (err) {
        if (err instanceof DashboardStartError) return undefined;
        throw err;
      }
    });
    try {
      assert.deepEqual(scoped.unavailable, ['analysisruns', 'events', 'experiments']);
      const listed = await eventually('the rollout listed', async () => {
        const { items } = (await (await fetch(new URL('api/v1/rollouts', scoped.url))).json()) as { items: RolloutSummary[] };
        return items.length > 0 ? items : undefined;
      });
      assert.deepEqual(listed.map((r) => r.name), ['web']);
      const refused = await post(scoped, `api/v1/namespaces/${namespace}/rollouts/web/pause`, { token: TOKEN });
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.match(refused.body.error?.message ?? '', /may not pause/);
      assert.match(refused.body.error?.hint ?? '', /Role/);
    } finally {
      await scoped.close();
    }
  });

  test('a kubeconfig that may not list rollouts everywhere is refused at start with a hint', async () => {
    const path = process.env.RAMP_RESTRICTED_KUBECONFIG;
    assert.ok(path, 'the test runner provides RAMP_RESTRICTED_KUBECONFIG');
    await assert.rejects(startDashboard({ kubeconfig: path, port: 0, buildWeb: false, say: () => undefined }), (err: unknown) => {
      assert.ok(err instanceof DashboardStartError);
      assert.match(err.message, /may not list rollouts in all namespaces/);
      assert.match(err.hint, /--namespace/);
      return true;
    });
  });
});
