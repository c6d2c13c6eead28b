import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { KubeClient } from '../../controller/kube/client.ts';
import { ANALYSIS_RUNS, EVENTS, REPLICA_SETS, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { startDashboard, type RunningDashboard } from '../../dashboard/server/start.ts';
import { launchChromium, unnamedControls } from '../support/browser.ts';
import { clients, eventually, loadKubeConfig, testNamespace } from '../support/cluster.ts';

/**
 * The dashboard in real headless Chromium against the real control plane: the page follows a
 * rollout's status as the apiserver changes it, without reloading, and its buttons send actions
 * that the token guards. The run leaves its screenshots in test-results/screenshots/; with
 * RAMP_UPDATE_SCREENSHOTS=1 it writes them over the tracked ones in docs/screenshots/ instead.
 */

const SCREENSHOT_DIR = fileURLToPath(new URL(process.env.RAMP_UPDATE_SCREENSHOTS === '1' ? '../../docs/screenshots/' : '../../test-results/screenshots/', import.meta.url));
const SCREENSHOT = join(SCREENSHOT_DIR, 'dashboard.png');
const SHORTCUTS_SCREENSHOT = join(SCREENSHOT_DIR, 'dashboard-shortcuts.png');
// Controllers started without this instance id ignore the rollout, so only this test writes its status.
const INSTANCE = { 'argo-rollouts.argoproj.io/controller-instance-id': 'dashboard-e2e' };
const TOKEN = 'browser-e2e-token-abcdefghijklmnop';
const STABLE = '6f8d9c7b5a';
const CANARY = '7c9b8d6f4e';
const STEPS = [
  { setWeight: 20 },
  { pause: {} },
  { setWeight: 40 },
  { pause: { duration: '10m' } },
  { analysis: { templates: [{ templateName: 'success-rate' }] } },
  { setWeight: 80 },
  { pause: { duration: '5m' } },
];

const rfc3339 = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

function podTemplate(hash: string | undefined, image: string, initImage?: string): Record<string, unknown> {
  return {
    metadata: { labels: { app: 'checkout', ...(hash ? { 'rollouts-pod-template-hash': hash } : {}) } },
    spec: { ...(initImage ? { initContainers: [{ name: 'migrate', image: initImage }] } : {}), containers: [{ name: 'checkout', image }] },
  };
}

interface RolloutTemplate {
  spec: { paused?: boolean; template: { spec: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] } } };
  status: { abort?: boolean };
}

function ownedBy(ro: KubeObject): Record<string, unknown>[] {
  return [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: ro.metadata?.name, uid: ro.metadata?.uid, controller: true, blockOwnerDeletion: true }];
}

function replicaSet(ro: KubeObject, hash: string, revision: number, replicas: number, image: string): KubeObject & Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `checkout-${hash}`,
      namespace: ro.metadata?.namespace,
      labels: { app: 'checkout', 'rollouts-pod-template-hash': hash },
      annotations: { 'rollout.argoproj.io/revision': String(revision) },
      ownerReferences: ownedBy(ro),
    },
    spec: { replicas, selector: { matchLabels: { app: 'checkout', 'rollouts-pod-template-hash': hash } }, template: podTemplate(hash, image) },
  };
}

function canaryStatus(step: number, pausedSince?: Date): Record<string, unknown> {
  return {
    status: {
      currentPodHash: CANARY,
      stableRS: STABLE,
      currentStepIndex: step,
      currentStepHash: '5d4c3b2a1',
      controllerPause: pausedSince !== undefined,
      pauseConditions: pausedSince !== undefined ? [{ reason: 'CanaryPauseStep', startTime: rfc3339(pausedSince) }] : null,
      replicas: 5,
      updatedReplicas: step >= 2 ? 2 : 1,
      readyReplicas: 5,
      availableReplicas: 5,
      observedGeneration: '1',
      phase: pausedSince !== undefined ? 'Paused' : 'Progressing',
      message: pausedSince !== undefined ? 'CanaryPauseStep' : 'more replicas need to be updated',
    },
  };
}

function event(ro: KubeObject, name: string, reason: string, message: string, secondsAgo: number, type = 'Normal'): KubeObject & Record<string, unknown> {
  const at = rfc3339(new Date(Date.now() - secondsAgo * 1000));
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `checkout.${name}`, namespace: ro.metadata?.namespace },
    involvedObject: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'checkout', namespace: ro.metadata?.namespace, uid: ro.metadata?.uid },
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: at,
    lastTimestamp: at,
    source: { component: 'rollouts-controller' },
  };
}

/** An AnalysisRun of the canary revision with a few measurements of a success rate. */
async function analysisRun(kube: KubeClient, ro: KubeObject): Promise<void> {
  const namespace = ro.metadata?.namespace;
  const name = `checkout-${CANARY}-2-4`;
  await kube.create(ANALYSIS_RUNS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, namespace, labels: INSTANCE, annotations: { 'rollout.argoproj.io/revision': '2' }, ownerReferences: ownedBy(ro) },
    spec: {
      metrics: [
        {
          name: 'success-rate',
          interval: '1m',
          successCondition: 'result[0] >= 0.95',
          failureCondition: 'result[0] < 0.9',
          failureLimit: 2,
          provider: { prometheus: { address: 'http://prometheus.monitoring:9090', query: 'sum(rate(http_requests_total{code!~"5.."}[1m])) / sum(rate(http_requests_total[1m]))' } },
        },
      ],
    },
  } as KubeObject);
  const start = Date.now() - 6 * 60_000;
  const values = [0.991, 0.987, 0.962, 0.931, 0.978, 0.984];
  const measurements = values.map((v, i) => ({
    phase: v >= 0.95 ? 'Successful' : 'Inconclusive',
    value: `[${v}]`,
    startedAt: rfc3339(new Date(start + i * 60_000)),
    finishedAt: rfc3339(new Date(start + i * 60_000 + 2000)),
  }));
  await kube.mergePatch(ANALYSIS_RUNS, namespace, name, {
    status: {
      phase: 'Running',
      startedAt: rfc3339(new Date(start)),
      metricResults: [{ name: 'success-rate', phase: 'Running', count: 6, successful: 5, inconclusive: 1, failed: 0, error: 0, measurements }],
    },
  });
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

async function stepState(page: Page, index: number): Promise<string | null> {
  return page.getAttribute(`[data-testid="step-${index}"]`, 'data-state');
}

test('the dashboard follows a rollout live and sends promote only with the token', async (t) => {
  const kc = loadKubeConfig();
  const kube = new KubeClient(kc);
  const ns = await testNamespace(t, clients(kc));
  dashboard = await startDashboard({ kubeConfig: kc, port: 0, token: TOKEN, namespace: ns, say: () => undefined });

  const ro = await kube.create<KubeObject>(ROLLOUTS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: ns, labels: INSTANCE },
    spec: { replicas: 5, selector: { matchLabels: { app: 'checkout' } }, template: podTemplate(undefined, 'registry.example/shop/checkout:2.4.0', 'registry.example/shop/checkout-migrate:2.4.0'), strategy: { canary: { steps: STEPS } } },
  } as KubeObject);
  await kube.create(REPLICA_SETS, replicaSet(ro, STABLE, 1, 4, 'registry.example/shop/checkout:2.3.1'));
  await kube.create(REPLICA_SETS, replicaSet(ro, CANARY, 2, 1, 'registry.example/shop/checkout:2.4.0'));
  await kube.mergePatchStatus(ROLLOUTS, ns, 'checkout', canaryStatus(1, new Date(Date.now() - 95_000)));
  await analysisRun(kube, ro);
  const events = [
    event(ro, 'e0', 'RolloutUpdated', 'Rollout updated to revision 1', 900),
    event(ro, 'e1', 'RolloutUpdated', 'Rollout updated to revision 2', 240),
    event(ro, 'e2', 'ScalingReplicaSet', `Scaled up ReplicaSet checkout-${CANARY} (revision 2) from 0 to 1`, 235),
    event(ro, 'e3', 'RolloutStepCompleted', 'Rollout step 1/7 completed (setWeight: 20)', 230),
    event(ro, 'e4', 'RolloutPaused', 'Rollout is paused (CanaryPauseStep)', 95),
  ];
  for (const e of events) await kube.create(EVENTS, e);
  // A blue-green neighbour waiting on its preview, so the list shows both strategies.
  await kube.create(ROLLOUTS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'payments', namespace: ns, labels: INSTANCE },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'payments' } },
      template: { metadata: { labels: { app: 'payments' } }, spec: { containers: [{ name: 'payments', image: 'registry.example/shop/payments:5.1.0' }] } },
      strategy: { blueGreen: { activeService: 'payments', previewService: 'payments-preview', autoPromotionSeconds: 300 } },
    },
  } as KubeObject);
  await kube.mergePatchStatus(ROLLOUTS, ns, 'payments', {
    status: {
      currentPodHash: '58b7c6d9f5',
      stableRS: '4f6a7b8c9d',
      blueGreen: { activeSelector: '4f6a7b8c9d', previewSelector: '58b7c6d9f5' },
      pauseConditions: [{ reason: 'BlueGreenPause', startTime: rfc3339(new Date(Date.now() - 40_000)) }],
      controllerPause: true,
      replicas: 6,
      updatedReplicas: 3,
      readyReplicas: 6,
      availableReplicas: 6,
      observedGeneration: '1',
    },
  });
  await eventually('kwok runs every pod', async () => {
    const rs = await kube.get<KubeObject & { status?: { availableReplicas?: number } }>(REPLICA_SETS, ns, `checkout-${STABLE}`);
    return rs.status?.availableReplicas === 4;
  }, 60_000);

  const page = await browser!.newPage({ viewport: { width: 1360, height: 900 } });
  const failures: string[] = [];
  page.on('pageerror', (err) => failures.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/the server responded with a status of 401/.test(msg.text())) failures.push(msg.text());
  });

  await t.test('the list shows the rollout and the filter narrows it', async () => {
    await page.goto(dashboard!.url);
    await page.waitForSelector('[data-testid="row-' + ns + '-checkout"]');
    await page.fill('[data-testid="filter"]', 'no-such-rollout');
    await page.waitForSelector('text=No rollout matches');
    await page.fill('[data-testid="filter"]', 'checkout 2.4.0');
    await page.waitForSelector('[data-testid="row-' + ns + '-checkout"]');
    assert.equal(await page.locator('[data-testid^="row-"]').count(), 1, 'the filter leaves only checkout');
    await page.fill('[data-testid="filter"]', '');
    await page.waitForSelector('[data-testid="row-' + ns + '-payments"]');
    await page.click(`[data-testid="row-${ns}-checkout"] a`);
    await page.waitForSelector('[data-testid="steps"]');
  });

  await t.test('a status change on the apiserver moves the step track without a reload', async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid="step-1"]')?.getAttribute('data-state') === 'current');
    assert.equal(await stepState(page, 0), 'done');
    await page.waitForSelector('[data-testid="live"][data-state="live"]');
    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'same page';
    });

    // What the controller does between step 1 and step 3: more canary pods, then the timed pause.
    await kube.mergePatch(REPLICA_SETS, ns, `checkout-${CANARY}`, { spec: { replicas: 2 } });
    await kube.mergePatch(REPLICA_SETS, ns, `checkout-${STABLE}`, { spec: { replicas: 3 } });
    await kube.mergePatchStatus(ROLLOUTS, ns, 'checkout', canaryStatus(2));
    await eventually('the canary ReplicaSet scaled to 2 available', async () => {
      const rs = await kube.get<KubeObject & { status?: { availableReplicas?: number } }>(REPLICA_SETS, ns, `checkout-${CANARY}`);
      return rs.status?.availableReplicas === 2;
    }, 60_000);
    await kube.mergePatchStatus(ROLLOUTS, ns, 'checkout', canaryStatus(3, new Date(Date.now() - 48_000)));

    await page.waitForFunction(() => document.querySelector('[data-testid="step-3"]')?.getAttribute('data-state') === 'current', undefined, { timeout: 20_000 });
    assert.equal(await stepState(page, 1), 'done');
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same page', 'the page was not reloaded');
    assert.equal(await page.textContent('[data-testid="step-value"]'), '3/7');
    const pause = (await page.textContent('[data-testid="pause-status"]')) ?? '';
    assert.match(pause, /continues in (9:[0-5]\d|10:00)/);
    await page.waitForFunction(() => (document.querySelector('[data-testid="weight-chart"] .recharts-line path')?.getAttribute('d') ?? '') !== '');
  });

  await t.test('the analysis panel lists every measurement with its metric\'s query', async () => {
    const rows = page.locator('[data-testid="measurements-success-rate"] tbody tr');
    assert.equal(await rows.count(), 6);
    assert.match((await rows.nth(3).textContent()) ?? '', /\[0\.931\].*Inconclusive/);
    const query = (await page.textContent('[data-testid="query-success-rate"]')) ?? '';
    assert.match(query, /prometheus/);
    assert.match(query, /sum\(rate\(http_requests_total\{code!~"5\.\."\}\[1m\]\)\)/);
    assert.match(query, /result\[0\] >= 0\.95/);
  });

  await t.test('the chart starts before the dashboard did: rebuilt from the events', async () => {
    const detail = (await (await page.request.get(`${dashboard!.url}api/v1/namespaces/${ns}/rollouts/checkout`)).json()) as { history: { time: string; setWeight: number; stepIndex?: number }[] };
    const first = detail.history[0];
    assert.ok(first !== undefined && Date.now() - Date.parse(first.time) > 800_000, `the first point is the revision-1 event 900s ago: ${JSON.stringify(detail.history)}`);
    assert.deepEqual(detail.history.slice(0, 3).map((p) => [p.setWeight, p.stepIndex]), [[100, 7], [20, 0], [20, 1]]);
  });

  await t.test('the page looks right (screenshot)', async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.waitForSelector('[data-testid="analysis"] .recharts-line path');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.ok(existsSync(SCREENSHOT));
  });

  await t.test('promote without a token is refused and changes nothing', async () => {
    await page.click('[data-testid="action-promote"]');
    await page.waitForSelector('[data-testid="toast"][data-ok="false"]');
    assert.match((await page.textContent('[data-testid="toast"]')) ?? '', /needs the dashboard token/);
    const current = await kube.get<KubeObject & { status: { pauseConditions?: unknown[] } }>(ROLLOUTS, ns, 'checkout');
    assert.equal(current.status.pauseConditions?.length, 1);
  });

  await t.test('with the token, promote clears the pause on the apiserver and the page follows', async () => {
    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.click('[data-testid="token-save"]');
    await page.click('[data-testid="action-promote"]');
    await page.waitForSelector('[data-testid="toast"][data-ok="true"]');
    assert.match((await page.textContent('[data-testid="toast"]')) ?? '', /rollout 'checkout' promoted/);
    await eventually('the pause cleared on the apiserver', async () => {
      const current = await kube.get<KubeObject & { status: { pauseConditions?: unknown[] } }>(ROLLOUTS, ns, 'checkout');
      return current.status.pauseConditions === undefined;
    });
    await page.waitForFunction(() => !(document.querySelector('[data-testid="pause-status"]')?.textContent ?? '').includes('continues in'));
  });

  await t.test('abort asks for confirmation first', async () => {
    await page.click('[data-testid="action-abort"]');
    await page.waitForSelector('[data-testid="confirm"]');
    await page.click('[data-testid="confirm"] >> text=Cancel');
    const unchanged = await kube.get<KubeObject & { status: { abort?: boolean } }>(ROLLOUTS, ns, 'checkout');
    assert.notEqual(unchanged.status.abort, true, 'cancel sends nothing');
    await page.click('[data-testid="action-abort"]');
    await page.click('[data-testid="confirm-ok"]');
    await page.waitForSelector('[data-testid="toast"][data-ok="true"]');
    await eventually('status.abort set', async () => {
      const current = await kube.get<KubeObject & { status: { abort?: boolean } }>(ROLLOUTS, ns, 'checkout');
      return current.status.abort === true;
    });
    await page.waitForSelector('[data-testid="action-retry"]:not([disabled])');
  });

  await t.test('keys: ? opens the shortcut help and Escape closes it; r retries, s pauses and resumes', async () => {
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid="shortcut-help"]');
    assert.match((await page.textContent('[data-testid="shortcut-list"]')) ?? '', /Promote full/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="shortcut-help"]', { state: 'detached' });

    await page.keyboard.press('r');
    await eventually('status.abort cleared by retry', async () => (await kube.get<KubeObject & RolloutTemplate>(ROLLOUTS, ns, 'checkout')).status.abort === false);
    await page.waitForSelector('[data-testid="action-retry"][disabled]');
    // Keys are ignored while an action is under way: wait until retry's answer came back.
    await page.waitForSelector('[data-testid="action-pause"]:not([disabled])');
    await page.keyboard.press('s');
    await eventually('spec.paused set', async () => (await kube.get<KubeObject & RolloutTemplate>(ROLLOUTS, ns, 'checkout')).spec.paused === true);
    await page.waitForSelector('[data-testid="action-resume"]:not([disabled])');
    await page.keyboard.press('s');
    await eventually('spec.paused cleared', async () => (await kube.get<KubeObject & RolloutTemplate>(ROLLOUTS, ns, 'checkout')).spec.paused === false);
    await page.waitForSelector('[data-testid="action-pause"]:not([disabled])');
    assert.equal(await page.getAttribute('[data-testid="action-promote-full"]', 'aria-keyshortcuts'), 'Shift+P');
  });

  await t.test('set image from the page, on an init container and on a container', async () => {
    await page.keyboard.press('i');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'set-image-image', 'i goes to the image field');
    await page.selectOption('[data-testid="set-image-container"]', 'migrate');
    await page.waitForFunction(() => (document.querySelector('[data-testid="set-image-image"]') as HTMLInputElement | null)?.value.endsWith('checkout-migrate:2.4.0'));
    await page.fill('[data-testid="set-image-image"]', 'registry.example/shop/checkout-migrate:2.5.0');
    await page.click('[data-testid="set-image-submit"]');
    // The previous action's toast may still be up: wait for this one's.
    await page.waitForSelector('[data-testid="toast"][data-ok="true"]:has-text("image updated")');
    assert.match((await page.textContent('[data-testid="toast"]')) ?? '', /rollout "checkout" image updated/);
    await page.selectOption('[data-testid="set-image-container"]', 'checkout');
    await page.fill('[data-testid="set-image-image"]', 'registry.example/shop/checkout:2.5.0');
    await page.press('[data-testid="set-image-image"]', 'Enter');
    await eventually('both images changed on the apiserver', async () => {
      const spec = (await kube.get<KubeObject & RolloutTemplate>(ROLLOUTS, ns, 'checkout')).spec.template.spec;
      return spec.initContainers?.[0]?.image === 'registry.example/shop/checkout-migrate:2.5.0' && spec.containers[0]?.image === 'registry.example/shop/checkout:2.5.0';
    });
  });

  await t.test('roll back to revision 1, asking first', async () => {
    await page.click('[data-testid="rollback-1"]');
    await page.waitForSelector('[data-testid="confirm"]');
    assert.match((await page.textContent('[data-testid="confirm"]')) ?? '', /back to revision 1 \(checkout:2\.3\.1\)/);
    await page.click('[data-testid="confirm-ok"]');
    await eventually('the template is revision 1\'s', async () => {
      const spec = (await kube.get<KubeObject & RolloutTemplate>(ROLLOUTS, ns, 'checkout')).spec.template.spec;
      return spec.containers[0]?.image === 'registry.example/shop/checkout:2.3.1' && spec.initContainers === undefined;
    });
    assert.equal(await page.locator('[data-testid="rollback-2"]').count(), 0, 'the newest revision is the current one: nothing to roll back to');
  });

  await t.test('accessibility: no control without a name on the rollout page, nor in its dialogs', async () => {
    const onPage = await unnamedControls(page);
    assert.deepEqual(onPage.unnamed, []);
    // The tree holds the toolbar, the roll-back button, the set-image form, the token field, …
    assert.ok(onPage.named >= 14, `the accessibility tree shows the page's controls (${onPage.named})`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.keyboard.press('?');
    await page.waitForSelector('[data-testid="shortcut-help"]');
    const inDialog = await unnamedControls(page);
    assert.deepEqual(inDialog.unnamed, []);
    assert.ok(inDialog.named >= 1);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: SHORTCUTS_SCREENSHOT });
    await page.keyboard.press('Escape');
    // Tab reaches the actions: the first button of the toolbar takes focus within a few presses.
    await page.evaluate(() => (document.querySelector('.back') as HTMLElement | null)?.focus());
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'action-promote');
  });

  await t.test('a restarted dashboard still draws the weights from before it started', async () => {
    const before = (await (await page.request.get(`${dashboard!.url}api/v1/namespaces/${ns}/rollouts/checkout`)).json()) as { history: { time: string }[] };
    await page.goto('about:blank');
    await dashboard!.close();
    const restartedAt = Date.now();
    dashboard = await startDashboard({ kubeConfig: kc, port: 0, token: TOKEN, namespace: ns, say: () => undefined });
    const after = (await (await page.request.get(`${dashboard.url}api/v1/namespaces/${ns}/rollouts/checkout`)).json()) as { history: { time: string }[] };
    const older = after.history.filter((p) => Date.parse(p.time) < restartedAt);
    assert.ok(older.length >= 3, `points from before the restart: ${JSON.stringify(after.history)}`);
    assert.equal(older[0]?.time, before.history[0]?.time);
    await page.goto(`${dashboard.url}#/rollouts/${ns}/checkout`);
    await page.waitForFunction(() => (document.querySelector('[data-testid="weight-chart"] .recharts-line path')?.getAttribute('d') ?? '') !== '');
  });

  assert.deepEqual(failures, [], 'no script errors in the page');
});

test('behind --root-path: the page, its assets, its API and its live streams are all under the prefix', async (t) => {
  const kc = loadKubeConfig();
  const kube = new KubeClient(kc);
  const ns = await testNamespace({ after: (fn) => t.after(fn), name: 'dashboard root path' }, clients(kc));
  const prefixed = await startDashboard({ kubeConfig: kc, port: 0, token: TOKEN, namespace: ns, rootPath: '/tools/rollouts', say: () => undefined });
  t.after(() => prefixed.close());
  assert.match(prefixed.url, /^http:\/\/127\.0\.0\.1:\d+\/tools\/rollouts\/$/);
  await kube.create<KubeObject>(ROLLOUTS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: ns, labels: INSTANCE },
    spec: { replicas: 1, selector: { matchLabels: { app: 'checkout' } }, template: podTemplate(undefined, 'registry.example/shop/checkout:2.4.0'), strategy: { canary: { steps: STEPS } } },
  } as KubeObject);

  const page = await browser!.newPage({ viewport: { width: 1360, height: 900 } });
  t.after(() => page.close());
  const requested: string[] = [];
  const failures: string[] = [];
  page.on('request', (req) => requested.push(req.url()));
  page.on('pageerror', (err) => failures.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') failures.push(msg.text());
  });
  await page.goto(prefixed.url);
  await page.waitForSelector(`[data-testid="row-${ns}-checkout"]`);
  await page.click(`[data-testid="row-${ns}-checkout"] a`);
  await page.waitForSelector('[data-testid="steps"]');
  await page.waitForSelector('[data-testid="live"][data-state="live"]');
  // A status change reaches the open page through the rollout's stream under the prefix.
  await kube.mergePatchStatus(ROLLOUTS, ns, 'checkout', canaryStatus(1, new Date()));
  await page.waitForFunction(() => document.querySelector('[data-testid="step-1"]')?.getAttribute('data-state') === 'current');
  await page.reload();
  await page.waitForSelector('[data-testid="steps"]');

  const origin = new URL(prefixed.url).origin;
  const http = requested.filter((u) => u.startsWith('http'));
  assert.ok(http.some((u) => u.includes('/assets/')), 'the page loaded its assets');
  assert.ok(http.some((u) => u.includes('/api/v1/namespaces/') && u.endsWith('/stream')), 'the rollout stream was opened');
  assert.deepEqual(http.filter((u) => !u.startsWith(`${origin}/tools/rollouts/`)), [], 'every request stays under the prefix');
  assert.deepEqual(failures, []);
  assert.equal((await fetch(`${origin}/api/v1/settings`)).status, 404, 'nothing is served outside the prefix');
});
