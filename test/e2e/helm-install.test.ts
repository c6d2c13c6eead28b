import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { SECRETS } from '../../controller/analysis/run-controller/index.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { statusCodeOf } from '../../controller/kube/errors.ts';
import { ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { objectOf, renderChart } from '../support/helm.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController, type RunningController } from '../support/controller.ts';
import { kubectl, serviceAccountKubeconfig, testDir } from './support/install.ts';
import { blueGreenRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * The Helm chart's rendering on the real control plane: `helm template` with the default values,
 * and with namespaced=true (each with an instance id, so that the controller leaves other tests'
 * rollouts alone), is applied with kubectl after the CRDs; every rendered object exists, the
 * Deployment's pods become Ready (kwok), and the controller process, run from source with the
 * arguments the chart gives it and only a token of the chart's ServiceAccount, walks a blue-green
 * rollout to Healthy twice.
 * test/integration/helm-chart.test.ts checks the renderings without a cluster.
 */

const INSTANCE_LABEL = 'argo-rollouts.argoproj.io/controller-instance-id';

interface Deployment {
  spec: { replicas: number; template: { spec: { containers: Array<{ args?: string[] }> } } };
  status?: { readyReplicas?: number };
}

const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

/** The chart's controller arguments less the ports (free ones are picked) and what startController sets itself. */
function chartArgs(args: readonly string[]): string[] {
  return args.filter((a) => !/^--(metrics-port|healthz-port|leader-elect|log-level)\b/.test(a));
}

async function ready(controller: RunningController): Promise<void> {
  let last = '';
  await eventually('the controller ready (every cache synced) with the chart ServiceAccount\'s token', async () => {
    const res = await fetch(`${controller.healthzUrl}/readyz`);
    last = await res.text();
    return res.ok ? true : undefined;
  }, 60_000, 500).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n/readyz: ${last}\ncontroller output:\n${controller.output().slice(-3000)}`);
  });
}

/**
 * Renders the chart with `set` into a fresh namespace, applies it, checks every object exists and
 * the Deployment's pods get Ready, then runs the controller with the chart's arguments and only its
 * ServiceAccount's token, and walks a blue-green rollout through two revisions to Healthy.
 */
async function installAndWalk(t: TestContext, set: Record<string, string | boolean>): Promise<void> {
  const ns = await testNamespace(t);
  const release = `helm-${randomBytes(3).toString('hex')}`;
  const id = `${release}-id`;
  const rendering = renderChart(release, ns, { 'controller.instanceId': id, ...set });
  const file = join(testDir(ns), 'chart.yaml');
  writeFileSync(file, rendering.yaml);
  kubectl('apply', '-f', file);
  // Cluster-scoped objects (the default ClusterRole and its binding) outlive the namespace.
  t.after(() => { kubectl('delete', '-f', file, '--ignore-not-found', '--wait=false'); });

  // kubectl get -f reads back every object of the file, by kind and name (`deployment.apps/<name>`).
  const got = kubectl('get', '-f', file, '-o', 'name').trim().split('\n').map((l) => `${l.split('/')[0]!.split('.')[0]}/${l.split('/')[1]}`).sort();
  assert.deepEqual(got, rendering.objects.map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`).sort(), 'every rendered object exists');
  const name = `${release}-controller`;
  const rendered = objectOf<Deployment>(rendering, 'Deployment', name);
  await eventually(`the chart's Deployment ${name} with ${rendered.spec.replicas} Ready pods`, async () => {
    const d = JSON.parse(kubectl('get', 'deployment', name, '-n', ns, '-o', 'json')) as Deployment;
    return d.status?.readyReplicas === rendered.spec.replicas ? true : undefined;
  }, 120_000, 500);

  const kubeconfig = await serviceAccountKubeconfig(ns, name, ns, join(testDir(ns), 'kubeconfig'));
  const asController = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfig] }));
  await assert.rejects(asController.list(SECRETS, { namespace: ns }), (err: unknown) => statusCodeOf(err) === 403, 'the ServiceAccount may not list Secrets');
  if (set.namespaced === true) await assert.rejects(asController.list(ROLLOUTS, {}), (err: unknown) => statusCodeOf(err) === 403, 'namespaced: no cluster-wide access');
  asController.close();

  // The Deployment's arguments; the Lease goes to the kubeconfig's namespace, as POD_NAMESPACE puts it in the pod's.
  const args = chartArgs(rendered.spec.template.spec.containers[0]!.args ?? []);
  assert.ok(args.includes(`--lease-name=${name}-lock`) && args.includes(`--instance-id=${id}`), JSON.stringify(args));
  const controller = await startController({ kubeconfig, leaderElect: true, args, name: `${ns}-helm` });
  t.after(() => controller.kill());
  await ready(controller);
  await eventually('the chart\'s Lease held by the controller', async () => {
    const lease = JSON.parse(kubectl('get', 'lease', '-n', ns, `${name}-lock`, '-o', 'json')) as { spec?: { holderIdentity?: string } };
    return lease.spec?.holderIdentity?.endsWith(`_${controller.process.pid}`) ? true : undefined;
  });

  const ro = new RolloutHelper(ns);
  await ro.create(service('bg-active', 'bg'));
  await ro.create(service('bg-preview', 'bg'));
  const bg = blueGreenRollout('bg', { activeService: 'bg-active', previewService: 'bg-preview' }, 2);
  await ro.client.create(ROLLOUTS, { ...bg, metadata: { ...bg.metadata, namespace: ns, labels: { [INSTANCE_LABEL]: id } } } as KubeObject);
  const v1 = await ro.waitFor('bg', 'blue-green v1 Healthy', healthy, 180_000);
  await ro.setImage('bg', 'registry.local/app:v2');
  const v2 = await ro.waitFor('bg', 'blue-green v2 promoted and Healthy', (r) => healthy(r) && r.status?.currentPodHash !== v1.status?.currentPodHash, 180_000);
  assert.equal(await ro.selector('bg-active'), v2.status?.currentPodHash, 'the active Service selects v2');
  const forbidden = controller.output().split('\n').filter((l) => /forbidden/i.test(l));
  assert.deepEqual(forbidden, [], 'no request was forbidden');
}

describe('the Helm chart on the real control plane', () => {
  test('default rendering applied with kubectl; with only the chart ServiceAccount (ClusterRole), a blue-green rollout reaches Healthy', (t) => installAndWalk(t, {}));

  test('namespaced=true applied with kubectl; with only the chart Role and --namespaced, a blue-green rollout reaches Healthy', (t) => installAndWalk(t, { namespaced: true }));
});
