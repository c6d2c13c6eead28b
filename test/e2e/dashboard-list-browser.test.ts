import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { packageVersion } from '../../client/package-version.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { ANALYSIS_RUNS, EXPERIMENTS, REPLICA_SETS, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { startDashboard, type RunningDashboard } from '../../dashboard/server/start.ts';
import type { RolloutDetail } from '../../dashboard/shared/api.ts';
import { colourOnlyBadges, launchChromium, unnamedControls, unreachableByKeyboard } from '../support/browser.ts';
import { clients, eventually, loadKubeConfig, testNamespace } from '../support/cluster.ts';

/**
 * The rollout list, the experiment pages and accessibility in real headless Chromium against the
 * real control plane: status chips and the "needs attention" filter, search, table and grid,
 * the namespace switcher, deep links that survive a reload, promote and restart from a row, the
 * version in the header, an experiment step linking to its Experiment, and Chromium's
 * accessibility tree and Tab order on every page. Screenshots land in test-results/screenshots/,
 * or over docs/screenshots/ with RAMP_UPDATE_SCREENSHOTS=1.
 */

const SCREENSHOT_DIR = fileURLToPath(new URL(process.env.RAMP_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));
// Controllers started without this instance id ignore these objects, so only this test writes their status.
const INSTANCE = { 'argo-rollouts.argoproj.io/controller-instance-id': 'dashboard-list-e2e' };
const TOKEN = 'list-browser-e2e-token-0123456789';

const rfc3339 = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

function rollout(namespace: string, name: string, image: string, strategy: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace, labels: INSTANCE },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } }, strategy },
  } as KubeObject;
}

/** A ReplicaSet of the rollout at `hash`, so the list shows its image and kwok runs its pods. */
async function replicaSet(kube: KubeClient, ro: KubeObject, hash: string, revision: number, image: string): Promise<void> {
  const name = ro.metadata?.name ?? '';
  const labels = { app: name, 'rollouts-pod-template-hash': hash };
  await kube.create(REPLICA_SETS, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-${hash}`,
      namespace: ro.metadata?.namespace,
      labels,
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name, uid: ro.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image }] } } },
  } as KubeObject);
}

const counts = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: '1' };

async function chip(page: Page, status: string): Promise<{ pressed: string | null; count: string | null }> {
  const el = page.locator(`[data-testid="chip-${status}"]`);
  return { pressed: await el.getAttribute('aria-pressed'), count: await el.getAttribute('data-count') };
}

async function rows(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="row-"] .rollout-link').allTextContents();
}

async function audit(page: Page, what: string): Promise<void> {
  assert.deepEqual((await unnamedControls(page)).unnamed, [], `${what}: every control has a name`);
  assert.deepEqual(await colourOnlyBadges(page), [], `${what}: no status is colour alone`);
  assert.deepEqual(await unreachableByKeyboard(page), [], `${what}: Tab reaches every control`);
}

let browser: Browser | undefined;
let dashboard: RunningDashboard | undefined;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await dashboard?.close();
});

test('the rollout list: filters, views, namespaces, deep links, row actions, experiments, accessibility', async (t) => {
  const kc = loadKubeConfig();
  const kube = new KubeClient(kc);
  const ns = await testNamespace(t, clients(kc));
  const other = await testNamespace(t, clients(kc));
  // Every namespace: the switcher lists what the kubeconfig may list.
  dashboard = await startDashboard({ kubeConfig: kc, port: 0, token: TOKEN, say: () => undefined });

  const steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }, { pause: { duration: '10m' } }];
  // checkout: paused on a pause step without a duration, so it waits for a person.
  const checkout = await kube.create<KubeObject>(ROLLOUTS, rollout(ns, 'checkout', 'registry.example/shop/checkout:2.4.0', { canary: { steps } }));
  await replicaSet(kube, checkout, '6f8d9c7b5a', 1, 'registry.example/shop/checkout:2.3.1');
  await replicaSet(kube, checkout, '7c9b8d6f4e', 2, 'registry.example/shop/checkout:2.4.0');
  await kube.mergePatchStatus(ROLLOUTS, ns, 'checkout', {
    status: { ...counts, currentPodHash: '7c9b8d6f4e', stableRS: '6f8d9c7b5a', currentStepIndex: 1, controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: rfc3339(new Date(Date.now() - 60_000)) }], phase: 'Paused', message: 'CanaryPauseStep' },
  });
  // cart: aborted, so Degraded.
  const cart = await kube.create<KubeObject>(ROLLOUTS, rollout(ns, 'cart', 'registry.example/shop/cart:1.8.0', { canary: { steps } }));
  await replicaSet(kube, cart, '4a5b6c7d8e', 2, 'registry.example/shop/cart:1.7.4');
  await kube.mergePatchStatus(ROLLOUTS, ns, 'cart', { status: { ...counts, currentPodHash: '5b6c7d8e9f', stableRS: '4a5b6c7d8e', currentStepIndex: 0, abort: true, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 3' } });
  // payments: fully promoted and healthy.
  const payments = await kube.create<KubeObject>(ROLLOUTS, rollout(ns, 'payments', 'registry.example/shop/payments:5.1.0', { blueGreen: { activeService: 'payments', autoPromotionEnabled: false } }));
  await replicaSet(kube, payments, '58b7c6d9f5', 4, 'registry.example/shop/payments:5.1.0');
  await kube.mergePatchStatus(ROLLOUTS, ns, 'payments', { status: { ...counts, currentPodHash: '58b7c6d9f5', stableRS: '58b7c6d9f5', blueGreen: { activeSelector: '58b7c6d9f5' }, phase: 'Healthy' } });
  // catalog: on an experiment step, running its Experiment.
  const experimentSteps = [{ setWeight: 20 }, { experiment: { duration: '10m', templates: [{ name: 'baseline', specRef: 'stable' }, { name: 'canary', specRef: 'canary' }] } }, { setWeight: 100 }];
  const catalog = await kube.create<KubeObject>(ROLLOUTS, rollout(ns, 'catalog', 'registry.example/shop/catalog:3.0.0', { canary: { steps: experimentSteps } }));
  await replicaSet(kube, catalog, '1a2b3c4d5e', 1, 'registry.example/shop/catalog:2.9.0');
  await replicaSet(kube, catalog, '9d8c7b6a5f', 2, 'registry.example/shop/catalog:3.0.0');
  await kube.mergePatchStatus(ROLLOUTS, ns, 'catalog', {
    status: { ...counts, currentPodHash: '9d8c7b6a5f', stableRS: '1a2b3c4d5e', currentStepIndex: 1, canary: { currentExperiment: 'catalog-9d8c7b6a5f-2-1' }, phase: 'Progressing', message: 'more replicas need to be updated' },
  });
  const template = (name: string, image: string): Record<string, unknown> => ({
    name,
    replicas: 1,
    selector: { matchLabels: { app: 'catalog', exp: name } },
    template: { metadata: { labels: { app: 'catalog', exp: name } }, spec: { containers: [{ name: 'catalog', image }] } },
  });
  const experiment = await kube.create<KubeObject>(EXPERIMENTS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: {
      name: 'catalog-9d8c7b6a5f-2-1',
      namespace: ns,
      labels: INSTANCE,
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'catalog', uid: catalog.metadata?.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      duration: '10m',
      templates: [template('baseline', 'registry.example/shop/catalog:2.9.0'), template('canary', 'registry.example/shop/catalog:3.0.0')],
      analyses: [{ name: 'compare', templateName: 'latency-compare', requiredForCompletion: true }],
    },
    status: {
      phase: 'Running',
      availableAt: rfc3339(new Date()),
      templateStatuses: [
        { name: 'baseline', replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, status: 'Running' },
        { name: 'canary', replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, status: 'Running' },
      ],
      analysisRuns: [{ name: 'compare', analysisRun: 'catalog-9d8c7b6a5f-2-1-compare', phase: 'Running' }],
    },
  } as KubeObject);
  // What the experiment controller would have made: a ReplicaSet per template and the AnalysisRun.
  const ownedByExperiment = [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', name: 'catalog-9d8c7b6a5f-2-1', uid: experiment.metadata?.uid, controller: true, blockOwnerDeletion: true }];
  for (const [name, hash, image] of [['baseline', '6d5c4b3a2f', 'registry.example/shop/catalog:2.9.0'], ['canary', '7e6d5c4b3a', 'registry.example/shop/catalog:3.0.0']] as const) {
    const labels = { app: 'catalog', exp: name, 'rollouts-pod-template-hash': hash };
    await kube.create(REPLICA_SETS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `catalog-9d8c7b6a5f-2-1-${name}`, namespace: ns, labels, annotations: { 'experiment.argoproj.io/template-name': name }, ownerReferences: ownedByExperiment },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'catalog', image }] } } },
    } as KubeObject);
  }
  await kube.create(ANALYSIS_RUNS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'catalog-9d8c7b6a5f-2-1-compare', namespace: ns, labels: INSTANCE, ownerReferences: ownedByExperiment },
    spec: { metrics: [{ name: 'p99-latency', interval: '1m', successCondition: 'result[0] < 0.3', provider: { prometheus: { address: 'http://prometheus.monitoring:9090', query: 'histogram_quantile(0.99, rate(latency_bucket[1m]))' } } }] },
    status: { phase: 'Running', metricResults: [{ name: 'p99-latency', phase: 'Running', count: 4, successful: 3, inconclusive: 1 }] },
  } as KubeObject);
  // inventory, in the other namespace.
  await kube.create(ROLLOUTS, rollout(other, 'inventory', 'registry.example/shop/inventory:0.9.1', { canary: { steps } }));

  await eventually('kwok runs the pods', async () => {
    const rs = await kube.get<KubeObject & { status?: { availableReplicas?: number } }>(REPLICA_SETS, ns, 'catalog-9d8c7b6a5f-2-1-canary');
    return rs.status?.availableReplicas === 1;
  }, 60_000);

  const page = await browser!.newPage({ viewport: { width: 1360, height: 660 } });
  const failures: string[] = [];
  page.on('pageerror', (err) => failures.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') failures.push(msg.text());
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const base = dashboard.url;

  await t.test('status chips count each status and "needs attention" narrows the list', async () => {
    await page.goto(`${base}#/?namespace=${ns}`);
    await page.waitForSelector(`[data-testid="row-${ns}-catalog"]`);
    assert.deepEqual(await rows(page), ['cart', 'catalog', 'checkout', 'payments']);
    assert.deepEqual(await chip(page, 'all'), { pressed: 'true', count: '4' });
    assert.deepEqual(await chip(page, 'attention'), { pressed: 'false', count: '2' });
    assert.equal((await chip(page, 'Degraded')).count, '1');
    assert.equal((await chip(page, 'Healthy')).count, '1');
    assert.match((await page.textContent(`[data-testid="row-${ns}-checkout"] [data-testid="attention"]`)) ?? '', /Waiting for a promote/);
    assert.ok(await page.isVisible(`[data-testid="row-${ns}-catalog"] a:has-text("experiment catalog-9d8c7b6a5f-2-1")`));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-list.png') });
    await page.click('[data-testid="chip-attention"]');
    await page.waitForFunction(() => window.location.hash.includes('status=attention'));
    assert.deepEqual(await rows(page), ['cart', 'checkout']);
    assert.equal((await chip(page, 'attention')).pressed, 'true');
  });

  await t.test('search and view are in the URL and survive a reload', async () => {
    await page.fill('[data-testid="filter"]', 'check');
    await page.waitForFunction(() => window.location.hash.includes('q=check'));
    assert.deepEqual(await rows(page), ['checkout']);
    // Keyboard only: focus the grid toggle and press Enter.
    await page.focus('[data-testid="view-grid"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="rollout-grid"]');
    assert.match(page.url(), /view=grid/);
    await page.reload();
    await page.waitForSelector('[data-testid="rollout-grid"]');
    assert.equal(await page.inputValue('[data-testid="filter"]'), 'check');
    assert.equal((await chip(page, 'attention')).pressed, 'true');
    assert.equal(await page.getAttribute('[data-testid="view-grid"]', 'aria-pressed'), 'true');
    assert.equal(await page.inputValue('[data-testid="namespace"]'), ns);
    assert.deepEqual(await rows(page), ['checkout']);
    await page.click('[data-testid="chip-all"]');
    await page.fill('[data-testid="filter"]', '');
    await page.waitForSelector(`[data-testid="row-${ns}-payments"]`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-grid.png') });
    await audit(page, 'grid view');
  });

  await t.test('the namespace switcher lists every namespace and switches the list', async () => {
    const options = await page.locator('[data-testid="namespace"] option').evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    assert.ok(options.includes(''), 'all namespaces');
    assert.ok(options.includes(ns) && options.includes(other), 'both test namespaces');
    assert.ok(options.includes('kube-system'), 'namespaces without rollouts too');
    await page.selectOption('[data-testid="namespace"]', other);
    await page.waitForSelector(`[data-testid="row-${other}-inventory"]`);
    assert.match(page.url(), new RegExp(`namespace=${other}`));
    assert.deepEqual(await rows(page), ['inventory']);
  });

  await t.test('the header shows the version served by the API', async () => {
    assert.equal(await page.textContent('[data-testid="version"]'), `v${packageVersion()}`);
  });

  await t.test('promote and restart from a row, with the token; restart asks first', async () => {
    await page.goto(`${base}#/?namespace=${ns}`);
    await page.waitForSelector(`[data-testid="row-${ns}-checkout"]`);
    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.click('[data-testid="token-save"]');
    await page.click(`[data-testid="promote-${ns}-checkout"]`);
    await page.waitForSelector('[data-testid="toast"][data-ok="true"]');
    assert.match((await page.textContent('[data-testid="toast"]')) ?? '', /rollout 'checkout' promoted/);
    await eventually('the pause cleared on the apiserver', async () => {
      const ro = await kube.get<KubeObject & { status: { pauseConditions?: unknown[] } }>(ROLLOUTS, ns, 'checkout');
      return ro.status.pauseConditions === undefined;
    });

    await page.click(`[data-testid="restart-${ns}-payments"]`);
    await page.waitForSelector('[data-testid="confirm"]');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel', 'focus starts on Cancel');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="confirm"]', { state: 'detached' });
    const untouched = await kube.get<KubeObject & { spec: { restartAt?: string } }>(ROLLOUTS, ns, 'payments');
    assert.equal(untouched.spec.restartAt, undefined, 'Escape sends nothing');
    await page.click(`[data-testid="restart-${ns}-payments"]`);
    await page.click('[data-testid="confirm-ok"]');
    await eventually('spec.restartAt set', async () => {
      const ro = await kube.get<KubeObject & { spec: { restartAt?: string } }>(ROLLOUTS, ns, 'payments');
      return ro.spec.restartAt !== undefined;
    });
    await audit(page, 'table view');
  });

  await t.test('a rollout page keeps the list state for the way back', async () => {
    await page.goto(`${base}#/?namespace=${ns}&status=Degraded`);
    await page.waitForSelector(`[data-testid="row-${ns}-cart"]`);
    await page.click(`[data-testid="row-${ns}-cart"] .rollout-link`);
    await page.waitForSelector('[data-testid="steps"]');
    assert.match(page.url(), /#\/rollouts\/.*\/cart\?namespace=.*status=Degraded.*selected=/);
    await page.reload();
    await page.waitForSelector('[data-testid="steps"]');
    await page.click('[data-testid="nav-list"]');
    await page.waitForSelector(`[data-testid="row-${ns}-cart"][aria-current="true"]`);
    assert.equal((await chip(page, 'Degraded')).pressed, 'true');
    // The rollout page's own back link is a plain "#/": the list state seen last comes back.
    await page.click(`[data-testid="row-${ns}-cart"] .rollout-link`);
    await page.waitForSelector('[data-testid="steps"]');
    await page.click('a.back');
    await page.waitForSelector(`[data-testid="row-${ns}-cart"][aria-current="true"]`);
    assert.match(page.url(), /status=Degraded/);
  });

  await t.test('the experiment step links to its Experiment; the experiment pages show it', async () => {
    // The rollout's view model lists its Experiment with the template ReplicaSets, as `kubectl ramp get rollout` does.
    const detail = (await (await page.request.get(`${base}api/v1/namespaces/${ns}/rollouts/catalog`)).json()) as RolloutDetail;
    assert.deepEqual(detail.info.experiments.map((e) => [e.name, e.replicaSets.map((rs) => rs.template).sort()]), [['catalog-9d8c7b6a5f-2-1', ['baseline', 'canary']]]);
    await page.goto(`${base}#/rollouts/${ns}/catalog`);
    await page.waitForSelector('[data-testid="step-experiment"]');
    await audit(page, 'rollout page');
    await page.click('[data-testid="step-experiment"]');
    await page.waitForSelector('[data-testid="experiment-page"]');
    assert.deepEqual(await page.locator('[data-testid="experiment-templates"] tbody th').allTextContents(), ['baseline', 'canary']);
    // Each template's ReplicaSet comes from the cache through the Experiment's owner index.
    await page.waitForSelector('[data-testid="template-canary"] :text("catalog-9d8c7b6a5f-2-1-canary")');
    assert.match((await page.textContent('[data-testid="template-canary"]')) ?? '', /Running.*catalog-9d8c7b6a5f-2-1-canary.*catalog:3\.0\.0/);
    assert.match((await page.textContent('[data-testid="analysis-compare"]')) ?? '', /compare.*required.*latency-compare.*Running.*catalog-9d8c7b6a5f-2-1-compare.*✓ 3 successful · ✕ 0 failed · \? 1 inconclusive/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'dashboard-experiment.png') });
    await audit(page, 'experiment page');

    // A change on the apiserver reaches the open page.
    await kube.mergePatch(EXPERIMENTS, ns, 'catalog-9d8c7b6a5f-2-1', { status: { phase: 'Successful', message: 'Experiment completed' } });
    await page.waitForSelector('[data-testid="experiment-page"] .title-meta :text("Successful")');

    await page.click('[data-testid="nav-experiments"]');
    await page.waitForSelector(`[data-testid="experiment-${ns}-catalog-9d8c7b6a5f-2-1"]`);
    assert.match((await page.textContent(`[data-testid="experiment-${ns}-catalog-9d8c7b6a5f-2-1"]`)) ?? '', /Successful.*catalog.*baseline, canary.*compare.*10m/);
    await audit(page, 'experiment list');
  });

  assert.deepEqual(failures, [], 'no script errors in the page');
});
