import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { eventually, kubeconfigPath, sleep, testNamespace } from '../support/cluster.ts';
import { startController, type RunningController } from '../support/controller.ts';
import { blueGreenRollout, RolloutHelper, service } from '../support/rollouts.ts';
import { ROLLOUTS } from '../../controller/kube/resources.ts';
import { parseConfig } from '../../controller/runtime/config.ts';
import { startController as startRuntime } from '../../controller/runtime/start.ts';
import type { ReconcilerRegistration } from '../../controller/runtime/types.ts';

async function leading(controller: RunningController, lease: string): Promise<boolean> {
  const text = await (await fetch(controller.metricsUrl)).text();
  // The gauge is labelled with the Lease as namespace/name.
  return new RegExp(`^leader_election_master_status\\{name="(?:[^"/]+/)?${lease}"\\} 1$`, 'm').test(text);
}

function metricValue(text: string, name: string): number {
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

describe('controller runtime on the real control plane', () => {
  test('two controllers: exactly one holds the Lease and reconciles; the leader killed mid-rollout, the follower takes over and finishes it', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const lease = 'ramp-e2e-lock';
    const opts = { namespace: ns, leaderElect: true, leaseNamespace: ns, leaseName: lease };
    const a = await startController({ ...opts, name: `${ns}-a` });
    t.after(() => a.kill());
    const b = await startController({ ...opts, name: `${ns}-b` });
    t.after(() => b.kill());

    const [leader, follower] = await eventually('one leader', async () => {
      const [la, lb] = [await leading(a, lease), await leading(b, lease)];
      if (la && !lb) return [a, b] as const;
      if (lb && !la) return [b, a] as const;
      return undefined;
    }, 30_000);
    const holder = (await ro.client.get<{ spec?: { holderIdentity?: string } }>(
      { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true, instanceScoped: false }, ns, lease)).spec?.holderIdentity;
    assert.ok(holder?.endsWith(`_${leader.process.pid}`) || holder?.includes(String(leader.process.pid)), `the Lease names the leader (holder ${holder})`);

    await ro.create(service('app-active', 'app'));
    await ro.create(service('app-preview', 'app'));
    await ro.create(blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false }, 2));
    const v1 = (await ro.waitFor('app', 'Healthy under the leader', (r) => r.status?.phase === 'Healthy')).status!.currentPodHash!;
    // Mid-rollout: v2 waits behind the preview Service when the leader dies.
    await ro.setImage('app', 'registry.local/app:v2');
    const v2 = (await ro.waitFor('app', 'v2 paused under the leader', (r) => r.status?.phase === 'Paused' && r.status.currentPodHash !== v1)).status!.currentPodHash!;
    const followerMetrics = await (await fetch(follower.metricsUrl)).text();
    assert.equal(metricValue(followerMetrics, 'rollout_reconcile_count'), 0, 'the follower reconciled nothing');
    assert.ok(metricValue(await (await fetch(leader.metricsUrl)).text(), 'rollout_reconcile_count') > 0, 'the leader reconciled');

    await leader.kill();
    const started = Date.now();
    await eventually('the follower to take over', async () => ((await leading(follower, lease)) ? true : undefined), 30_000);
    const tookMs = Date.now() - started;
    assert.ok(tookMs < 25_000, `took over in ${tookMs} ms (lease 15 s)`);

    assert.equal((await ro.get('app')).status?.phase, 'Paused', 'the new leader keeps the pause');
    await ro.promote('app');
    await ro.waitFor('app', 'the new leader promotes v2', (r) => r.status?.phase === 'Healthy' && r.status.currentPodHash === v2 && r.status.stableRS === v2 && r.status.blueGreen?.activeSelector === v2 && (r.metadata?.annotations?.['rollout.argoproj.io/revision'] === '2'));
    assert.equal(await ro.selector('app-active'), v2);
    const revisions = (await ro.replicaSets()).map((rs) => rs.metadata?.annotations?.['rollout.argoproj.io/revision']).sort();
    assert.deepEqual(revisions, ['1', '2'], 'one ReplicaSet per revision across the two leaders');
  });

  test('/metrics serves the reconcile histogram and the request counter by verb, kind and code; /readyz is ready', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const controller = await startController({ namespace: ns });
    t.after(() => controller.kill());
    await ro.create(service('app-active', 'app'));
    await ro.create(blueGreenRollout('app', { activeService: 'app-active' }, 1));
    await ro.waitFor('app', 'Healthy', (r) => r.status?.phase === 'Healthy');
    const text = await (await fetch(controller.metricsUrl)).text();
    assert.match(text, /^# TYPE rollout_reconcile histogram$/m);
    assert.match(text, /^rollout_reconcile_bucket\{.*le="\+Inf".*\} \d+$/m);
    assert.match(text, /^controller_clientset_k8s_request_total\{.*verb="(List|list|GET|get|Get)".*\} \d+$/im);
    assert.match(text, /^controller_clientset_k8s_request_total\{.*kind="(ReplicaSet|replicasets)".*status_code="201".*\} \d+$/im);
    assert.match(text, /^workqueue_depth\{.*\} \d+$/m);
    assert.equal((await fetch(`${controller.healthzUrl}/readyz`)).status, 200);
  });

  test('an unreachable apiserver gives one clear line and retries with backoff, without a stack trace or exit', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'ramp-e2e-'));
    const broken = join(dir, 'kubeconfig');
    writeFileSync(broken, readFileSync(kubeconfigPath(), 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:9'));
    const controller = await startController({ kubeconfig: broken, namespace: 'default' });
    t.after(() => controller.kill());
    await sleep(4000);
    assert.equal(controller.process.exitCode, null, 'still running');
    const out = controller.output();
    assert.match(out, /127\.0\.0\.1:9/, 'names the server');
    assert.match(out, /retry/i, 'says it retries');
    assert.doesNotMatch(out, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });

  test('a missing permission gives a clear forbidden line and the controller keeps retrying', async (t) => {
    const controller = await startController({ kubeconfig: process.env.RAMP_RESTRICTED_KUBECONFIG, namespace: 'default' });
    t.after(() => controller.kill());
    await eventually('a forbidden line', async () => (/forbidden/i.test(controller.output()) ? true : undefined), 15_000);
    assert.equal(controller.process.exitCode, null, 'still running');
    assert.doesNotMatch(controller.output(), /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });

  test('a bad kubeconfig path gives one warning naming the file, then retries quietly with backoff', async (t) => {
    const controller = await startController({ kubeconfig: '/nonexistent/kubeconfig', name: 'bad-kubeconfig' });
    t.after(() => controller.kill());
    await eventually('the warning', async () => (/bad kubeconfig \/nonexistent\/kubeconfig/.test(controller.output()) ? true : undefined), 10_000);
    await sleep(3500);
    const warnings = controller.output().split('\n').filter((l) => l.includes('"level":"warn"') && l.includes('/nonexistent/kubeconfig'));
    assert.equal(warnings.length, 1, 'one warning, not one per retry');
    assert.match(controller.output(), /retrying in 2s/, 'retries back off');
    assert.equal(controller.process.exitCode, null, 'no crash loop: the process keeps running');
    assert.doesNotMatch(controller.output(), /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
  });
});

describe('controller runtime that cannot set up', () => {
  test('a reconciler whose setup throws settles handle.failed, so the process exits rather than stays up never reconciling', async (t) => {
    const ns = await testNamespace(t);
    const outcome = parseConfig(['--kubeconfig', kubeconfigPath(), '--namespace', ns, '--leader-elect=false', '--metrics-port', '0', '--healthz-port', '0'], {}, { hostname: 'e2e', pid: process.pid });
    assert.equal(outcome.kind, 'run');
    if (outcome.kind !== 'run') return;
    const broken: ReconcilerRegistration = {
      name: 'broken',
      resource: ROLLOUTS,
      watches: [],
      setup() {
        throw new Error('setup cannot build its reconciler');
      },
    };
    const handle = await startRuntime(outcome.config, [broken], { host: '127.0.0.1' });
    t.after(() => handle.stop());
    const err = await Promise.race([handle.failed, sleep(30_000).then(() => 'still running')]);
    assert.ok(err instanceof Error, `failed settles with the setup's error, got ${String(err)}`);
    assert.equal(err.message, 'setup cannot build its reconciler');
  });
});
