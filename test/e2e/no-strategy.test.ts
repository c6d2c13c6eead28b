import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RolloutDetail, RolloutSummary } from '../../dashboard/shared/api.ts';
import { startDashboard } from '../../dashboard/server/start.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { kubeconfigPath, eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { rollout, RolloutHelper } from '../support/rollouts.ts';
import { ramp, rampOk } from './support/cli.ts';

describe('a Rollout without spec.strategy, on the real control plane', () => {
  test('is stored as Argo\'s CRD stores it, gets Argo\'s InvalidSpec, and the CLI and the dashboard show it', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const manifest = rollout('plain', {}, { replicas: 1 }) as unknown as { spec: Record<string, unknown> };
    delete manifest.spec.strategy;
    await ro.create(manifest as never);
    const controller = await startController({ namespace: ns, name: `${ns}-no-strategy` });
    t.after(() => controller.kill());

    const invalid = await ro.waitFor('plain', 'InvalidSpec', (r) => r.status?.phase === 'Degraded');
    assert.equal(
      invalid.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message,
      'The Rollout "plain" is invalid: spec.strategy: Required value: Rollout has missing field \'.spec.strategy.canary or .spec.strategy.blueGreen\'',
    );
    assert.deepEqual(await ro.replicaSets(), []);

    const got = await rampOk(['get', 'rollout', 'plain'], { namespace: ns });
    assert.match(got, /Name:\s+plain/);
    assert.match(got, /Status:\s+✖ Degraded/);
    const listed = await rampOk(['list', 'rollouts'], { namespace: ns });
    assert.match(listed, /^plain\s/m);
    const status = await ramp(['status', 'plain', '--timeout', '5s'], { namespace: ns });
    assert.equal(status.code, 1, `Degraded exits 1: ${status.stdout}${status.stderr}`);

    const dashboard = await startDashboard({ kubeConfig: loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }), port: 0, token: 'no-strategy-token-0123456789', buildWeb: false, say: () => undefined });
    t.after(() => dashboard.close());
    const summary = await eventually('the rollout in the dashboard list', async () => {
      const { items } = (await (await fetch(new URL(`api/v1/rollouts?namespace=${ns}`, dashboard.url))).json()) as { items: RolloutSummary[] };
      return items.find((r) => r.name === 'plain' && r.status === 'Degraded');
    });
    assert.equal(summary.name, 'plain');
    const res = await fetch(new URL(`api/v1/namespaces/${ns}/rollouts/plain`, dashboard.url));
    assert.equal(res.status, 200);
    const detail = (await res.json()) as RolloutDetail;
    assert.deepEqual(detail.steps, []);
  });
});
