import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AnalysisRun } from '../../controller/api/index.ts';
import { SECRETS } from '../../controller/analysis/run-controller/index.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { statusCodeOf } from '../../controller/kube/errors.ts';
import { ANALYSIS_RUNS, ANALYSIS_TEMPLATES, JOBS, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { startDashboard } from '../../dashboard/server/start.ts';
import type { Settings } from '../../dashboard/shared/api.ts';
import { repoRoot } from '../cluster/layout.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController, type RunningController } from '../support/controller.ts';
import { installIstioCrds } from '../support/crds.ts';
import { canaryRollout, createAll, PROVIDERS, type Provider } from './support/canary.ts';
import { kubectl, serviceAccountKubeconfig, testDir } from './support/install.ts';
import { blueGreenRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * The install manifests on the real control plane: kubectl applies them as the admin, then the
 * controller process runs with nothing but the ServiceAccount's token (minted by the TokenRequest
 * API) and walks a blue-green rollout gated by a job and a web analysis, a basic canary and
 * canaries routed by NGINX and Istio to Healthy. A permission missing from the ClusterRole or the Role fails the test: the caches
 * never sync (/readyz says which), or a write is refused (the rollout never gets Healthy).
 */

const INSTANCE_LABEL = 'argo-rollouts.argoproj.io/controller-instance-id';

let fixture: HttpFixture;
before(async () => {
  fixture = await startHttpFixture();
  fixture.setJson('/health', { status: 'ok' });
});
after(() => fixture?.close());

const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

/** Waits for /readyz; the failure names the caches that did not sync and the controller's last words. */
async function ready(controller: RunningController): Promise<void> {
  let last = '';
  await eventually(
    'the controller ready (every cache synced) with the ServiceAccount credentials',
    async () => {
      const res = await fetch(`${controller.healthzUrl}/readyz`);
      last = await res.text();
      return res.ok ? true : undefined;
    },
    60_000,
    500,
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n/readyz: ${last}\ncontroller output:\n${controller.output().slice(-3000)}`);
  });
}

function forbiddenLines(controller: RunningController): string[] {
  return controller.output().split('\n').filter((l) => /forbidden/i.test(l));
}

/** A failed walk names the requests the controller was refused, the likely reason. */
async function explained(controller: RunningController, walk: Promise<void>): Promise<void> {
  try {
    await walk;
  } catch (err) {
    const refused = forbiddenLines(controller);
    if (refused.length === 0) throw err;
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nrequests the controller was refused:\n${refused.slice(0, 5).join('\n')}`, { cause: err });
  }
}

/**
 * A Secret, an AnalysisTemplate with a job metric and a web metric whose bearer token comes from
 * the Secret, a blue-green Rollout gated by it before promotion, and a canary Rollout with
 * canary/stable Services and an analysis step on the same template; v1 and then v2 of each reach
 * Healthy.
 */
async function walkRollouts(ns: string, labels: Record<string, string>): Promise<void> {
  const ro = new RolloutHelper(ns);
  const withLabels = (obj: KubeObject): KubeObject => ({ ...obj, metadata: { ...obj.metadata, namespace: ns, labels: { ...obj.metadata?.labels, ...labels } } });
  const token = randomBytes(12).toString('hex');
  await ro.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'probe', namespace: ns }, stringData: { token } } as KubeObject);
  await ro.client.create(
    ANALYSIS_TEMPLATES,
    withLabels({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'smoke' },
      spec: {
        args: [{ name: 'base' }, { name: 'token', valueFrom: { secretKeyRef: { name: 'probe', key: 'token' } } }],
        metrics: [
          {
            name: 'smoke-job',
            provider: {
              job: { spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'smoke', image: 'registry.local/smoke:1', command: ['true'] }] } } } },
            },
          },
          {
            name: 'health',
            successCondition: 'result == "ok"',
            provider: { web: { url: '{{args.base}}/health', headers: [{ key: 'Authorization', value: 'Bearer {{args.token}}' }], jsonPath: '{$.status}', timeoutSeconds: 5 } },
          },
        ],
      },
    } as KubeObject),
  );
  for (const name of ['bg-active', 'bg-preview', 'canary-stable', 'canary-canary']) await ro.create(service(name, name.startsWith('bg') ? 'bg' : 'canary'));
  const bg = blueGreenRollout('bg', {
    activeService: 'bg-active',
    previewService: 'bg-preview',
    prePromotionAnalysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'base', value: fixture.url }] },
  }, 2);
  const canary = blueGreenRollout('canary', {}, 2) as KubeObject & { spec: Record<string, unknown> };
  canary.spec.strategy = { canary: { canaryService: 'canary-canary', stableService: 'canary-stable', steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'smoke' }], args: [{ name: 'base', value: fixture.url }] } }] } };
  await ro.client.create(ROLLOUTS, withLabels(bg));
  await ro.client.create(ROLLOUTS, withLabels(canary));

  const [bg1, canary1] = await Promise.all([ro.waitFor('bg', 'blue-green v1 Healthy', healthy, 180_000), ro.waitFor('canary', 'canary v1 Healthy', healthy, 180_000)]);
  await ro.setImage('bg', 'registry.local/app:v2');
  await ro.setImage('canary', 'registry.local/app:v2');
  const notV1 = (v1: RolloutLike) => (r: RolloutLike): boolean => healthy(r) && r.status?.currentPodHash !== v1.status?.currentPodHash;
  const [bg2, canary2] = await Promise.all([
    ro.waitFor('bg', 'blue-green v2 promoted after its analysis', notV1(bg1), 180_000),
    ro.waitFor('canary', 'canary v2 through its steps', notV1(canary1), 180_000),
  ]);

  assert.equal(await ro.selector('bg-active'), bg2.status?.currentPodHash, 'the active Service selects v2');
  assert.equal(await ro.selector('canary-stable'), canary2.status?.currentPodHash, 'the stable Service selects v2');
  const runStatus = bg2.status?.blueGreen?.prePromotionAnalysisRunStatus;
  assert.equal(runStatus?.status, 'Successful');
  const run = await ro.client.get<AnalysisRun & KubeObject>(ANALYSIS_RUNS, ns, runStatus!.name);
  assert.deepEqual(run.status?.metricResults?.map((m) => [m.name, m.phase]), [['smoke-job', 'Successful'], ['health', 'Successful']]);
  const runs = await ro.client.list<AnalysisRun & KubeObject>(ANALYSIS_RUNS, { namespace: ns });
  const canaryRuns = runs.items.filter((r) => (r.metadata.ownerReferences as Array<{ name?: string }> | undefined)?.[0]?.name === 'canary');
  assert.deepEqual(canaryRuns.map((r) => r.status?.phase), ['Successful'], 'the canary analysis step ran once and succeeded');
  const jobs = await ro.client.list<KubeObject>(JOBS, { namespace: ns, labelSelector: `analysisrun.argoproj.io/uid=${run.metadata.uid}` });
  assert.equal(jobs.items.length, 1, 'the job metric ran a Job');
  assert.ok(fixture.requests.some((r) => r.path === '/health' && r.headers.authorization === `Bearer ${token}`), 'the web metric sent the token read from the Secret');
  const events = await ro.client.list<KubeObject & { reason?: string }>({ group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, instanceScoped: false }, { namespace: ns });
  assert.ok(events.items.length > 0, 'the controller recorded events');
}

/**
 * A canary routed by `provider` (NGINX or Istio): it pauses at 50 % with the routing objects
 * carrying that weight, then a promote takes it to Healthy. The controller creates and patches
 * the canary Ingress, or patches the VirtualService and DestinationRule, with its own rights.
 */
type Promote = (ns: string, name: string) => Promise<unknown>;

async function walkRoutedCanary(ns: string, labels: Record<string, string>, provider: Provider, promote?: Promote): Promise<void> {
  const ro = new RolloutHelper(ns);
  await createAll(ro.client, ns, provider.objects);
  const rollout = canaryRollout('app', provider.canary, [{ setWeight: 50 }, { pause: {} }]);
  await ro.client.create(ROLLOUTS, { ...rollout, metadata: { ...rollout.metadata, namespace: ns, labels } });
  await ro.waitFor('app', `${provider.name} v1 Healthy`, healthy, 180_000);
  await ro.setImage('app', 'registry.local/app:v2');
  const paused = await ro.waitFor('app', `${provider.name} paused at 50 %`, (r) => r.status?.phase === 'Paused' && r.status.currentStepIndex === 1, 180_000);
  await eventually(`${provider.name} routing at 50 %`, async () => {
    await provider.checkRouting(ro.client, ns, 50, { canary: paused.status!.currentPodHash!, stable: paused.status!.stableRS! });
    return true;
  }, 30_000, 500);
  await (promote ? promote(ns, 'app') : ro.promote('app'));
  await ro.waitFor('app', `${provider.name} v2 Healthy after promote`, (r) => healthy(r) && r.status?.currentPodHash === paused.status?.currentPodHash, 180_000);
}

describe('the install manifests on the real control plane', () => {
  test('cluster-wide: with only the ramp-controller ServiceAccount, blue-green with analysis and canaries (basic, NGINX, Istio) reach Healthy; the dashboard ServiceAccount promotes', async (t) => {
    kubectl('apply', '--server-side', '--force-conflicts', '-k', 'install/');
    kubectl('wait', '--for=condition=established', '--timeout=60s', 'crd/rollouts.argoproj.io');
    const ns = await testNamespace(t);
    const id = `install-${randomBytes(3).toString('hex')}`;
    const kubeconfig = await serviceAccountKubeconfig('ramp', 'ramp-controller', 'ramp', join(testDir(ns), 'kubeconfig'));

    // The credentials are the ServiceAccount's, not the admin's: it may not list Secrets.
    const asController = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfig] }));
    await assert.rejects(asController.list(SECRETS, { namespace: ns }), (err: unknown) => statusCodeOf(err) === 403);
    asController.close();

    // Leader election on, as the Deployment runs it; the Lease goes to the kubeconfig's namespace (ramp).
    const controller = await startController({ kubeconfig, leaderElect: true, leaseName: `ramp-${id}`, args: [`--instance-id=${id}`], name: `${ns}-install` });
    t.after(() => controller.kill());
    await ready(controller);
    await eventually('the Lease held in the ramp namespace', async () => {
      const lease = JSON.parse(kubectl('get', 'lease', '-n', 'ramp', `ramp-${id}`, '-o', 'json')) as { spec?: { holderIdentity?: string } };
      return lease.spec?.holderIdentity?.endsWith(`_${controller.process.pid}`) ? true : undefined;
    });

    // The dashboard of install/dashboard, with its own ServiceAccount: it lists every kind it shows
    // and its promote button moves the NGINX canary on.
    kubectl('apply', '--server-side', '-k', 'install/dashboard/');
    const dashboardKubeconfig = await serviceAccountKubeconfig('ramp', 'ramp-dashboard', 'ramp', join(testDir(ns), 'kubeconfig-dashboard'));
    const token = randomBytes(16).toString('hex');
    const dashboard = await startDashboard({ kubeconfig: dashboardKubeconfig, port: 0, token, buildWeb: false, say: () => undefined });
    t.after(() => dashboard.close());
    const settings = (await (await fetch(new URL('api/v1/settings', dashboard.url))).json()) as Settings;
    assert.deepEqual(settings.unavailable, [], 'the dashboard ServiceAccount may list every kind the page shows');
    const promoteFromDashboard: Promote = async (namespace, name) => {
      const res = await fetch(new URL(`api/v1/namespaces/${namespace}/rollouts/${name}/promote`, dashboard.url), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: '{}',
      });
      assert.equal(res.status, 200, `promote through the dashboard: ${await res.text()}`);
    };

    const istioNs = await testNamespace({ after: (fn) => t.after(fn), name: `${t.name} istio` });
    await installIstioCrds(new RolloutHelper(ns).client);
    await explained(controller, Promise.all([
      walkRollouts(ns, { [INSTANCE_LABEL]: id }),
      walkRoutedCanary(ns, { [INSTANCE_LABEL]: id }, PROVIDERS.nginx, promoteFromDashboard),
      walkRoutedCanary(istioNs, { [INSTANCE_LABEL]: id }, PROVIDERS.istioSubset),
    ]).then(() => undefined));
    assert.deepEqual(forbiddenLines(controller), [], 'no request was forbidden');

    // Every metric docs/operations.md names is served.
    const served = await (await fetch(controller.metricsUrl)).text();
    const section = readFileSync(join(repoRoot, 'docs/operations.md'), 'utf8').split(/^## Metrics$/m)[1]?.split(/^## /m)[0] ?? '';
    const documented = [...section.matchAll(/^\| `([a-z_]+)`/gm)].map((m) => m[1]!);
    assert.ok(documented.length >= 8, `docs/operations.md lists the metrics (${documented.length} found)`);
    const types = new Set([...served.matchAll(/^# TYPE ([a-z_]+) /gm)].map((m) => m[1]!));
    assert.deepEqual(documented.filter((name) => !types.has(name)), [], 'every documented metric is served');
  });

  test('namespaced: with only the Role in its namespace and --namespaced, blue-green with analysis and canaries (basic, NGINX) reach Healthy', async (t) => {
    const ns = await testNamespace(t);
    // An overlay puts install/namespaced into the test's namespace, as a user's overlay would.
    const overlay = testDir(`${ns}-overlay`);
    writeFileSync(join(overlay, 'kustomization.yaml'), `resources:\n  - ${relative(overlay, join(repoRoot, 'install/namespaced'))}\nnamespace: ${ns}\n`);
    kubectl('apply', '--server-side', '-k', overlay);
    const role = JSON.parse(kubectl('get', 'rolebinding', '-n', ns, 'ramp-controller', '-o', 'json')) as { subjects: Array<{ namespace?: string }> };
    assert.equal(role.subjects[0]?.namespace, ns, 'the overlay namespace reaches the RoleBinding subject');
    const kubeconfig = await serviceAccountKubeconfig(ns, 'ramp-controller', ns, join(testDir(ns), 'kubeconfig'));

    const asController = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfig] }));
    await assert.rejects(asController.list(ROLLOUTS, {}), (err: unknown) => statusCodeOf(err) === 403, 'no cluster-wide access');
    asController.close();

    // Without --namespaced the Role is not enough: ClusterAnalysisTemplates are listed at cluster
    // scope, that cache never syncs and nothing is reconciled.
    const unscoped = await startController({ kubeconfig, namespace: ns, leaderElect: false, name: `${ns}-unscoped` });
    await eventually('the cluster-scoped list refused', async () => (/forbidden: cannot list clusteranalysistemplates\.argoproj\.io at cluster scope/.test(unscoped.output()) ? true : undefined), 30_000);
    assert.match(await (await fetch(`${unscoped.healthzUrl}/readyz`)).text(), /cache of clusteranalysistemplates\.argoproj\.io not synced/);
    await unscoped.kill();

    // The arguments install/namespaced gives the pod: --namespaced, and the namespace to watch.
    const controller = await startController({ kubeconfig, namespace: ns, leaderElect: true, leaseName: 'ramp-controller-lock', args: ['--namespaced'], name: `${ns}-namespaced` });
    t.after(() => controller.kill());
    await ready(controller);

    await explained(controller, Promise.all([walkRollouts(ns, {}), walkRoutedCanary(ns, {}, PROVIDERS.nginx)]).then(() => undefined));
    assert.deepEqual(forbiddenLines(controller), [], 'no request was forbidden');
  });
});
