import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ANALYSIS_RUNS, CONFIG_MAPS, EXPERIMENTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { startArgoController } from '../support/argo-controller.ts';
import { APP, canaryRollout, createAll, PROVIDERS } from '../support/canary.ts';
import { healthyAt } from '../support/end-state.ts';
import { eventually, testNamespace } from '../../support/cluster.ts';
import { startController } from '../../support/controller.ts';
import type { ControllerProcess } from '../../support/controller-process.ts';
import { startHttpFixture, type HttpFixture } from '../../support/http-fixture.ts';
import { familySamples, familyShape, parseMetricsText, type MetricsText } from '../../support/metrics-text.ts';
import { blueGreenRollout, RolloutHelper, service } from '../../support/rollouts.ts';

/**
 * Argo Rollouts' /metrics beside Ramp's, for the same objects in two namespaces, one controller
 * per namespace: a blue-green paused at its BlueGreenPause, a canary behind NGINX Healthy, an
 * AnalysisRun with a web metric against a loopback server, a Running Experiment, and webhook
 * notifications of the blue-green's first completion, one delivered and one refused (500). Dashboards and alerts written for Argo
 * read the same metric names and label names from Ramp; the one deliberate difference is that
 * Ramp's controller_clientset_k8s_request_total has no namespace and name labels
 * (controller/kube/request-labels.ts).
 *
 * It runs alone (test/e2e/serial/): Argo's controller runs beside Ramp's on the shared control plane.
 */

const BG = 'bg';
const RUN = 'health';
const EXPERIMENT = 'exp';
const NGINX = PROVIDERS.nginx;

const FAMILIES = [
  'rollout_info',
  'rollout_info_replicas_available',
  'rollout_info_replicas_unavailable',
  'rollout_info_replicas_desired',
  'rollout_info_replicas_updated',
  'rollout_phase',
  'rollout_events_total',
  'analysis_run_info',
  'analysis_run_phase',
  'analysis_run_metric_phase',
  'analysis_run_metric_type',
  'experiment_info',
  'experiment_phase',
  'notification_send_success',
  'notification_send_error',
  'notification_send',
  'rollout_reconcile',
  'controller_clientset_k8s_request_total',
] as const;

const REQUESTS = 'controller_clientset_k8s_request_total';

function webRun(ns: string, base: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: RUN, namespace: ns },
    spec: {
      args: [{ name: 'base', value: base }],
      metrics: [{ name: 'health', successCondition: 'result == "up"', provider: { web: { url: '{{args.base}}/health', jsonPath: '{$.checks.db}', timeoutSeconds: 5 } } }],
    },
  } as KubeObject;
}

/** An Experiment with one template and no duration: Running until it is deleted. */
function experiment(ns: string): KubeObject {
  const labels = { app: EXPERIMENT, variant: 'baseline' };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Experiment',
    metadata: { name: EXPERIMENT, namespace: ns },
    spec: { templates: [{ name: 'baseline', replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.local/app:v1' }] } } }] },
  } as KubeObject;
}

/** Webhook services on the loopback server, one answering 500, for the blue-green's subscriptions to its completion. */
function notificationConfigMap(ns: string, base: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argo-rollouts-notification-configmap', namespace: ns },
    // The trigger and template as Argo's notifications-install.yaml ships them (Ramp has them built in).
    data: {
      'service.webhook.hook': `url: ${base}/notify\n`,
      'service.webhook.broken': `url: ${base}/broken\n`,
      'trigger.on-rollout-completed': '- send: [rollout-completed]\n',
      'template.rollout-completed': 'message: Rollout {{.rollout.metadata.name}} has been completed.\n',
    },
  } as KubeObject;
}

/** Creates the objects, starts `controller` on the namespace and waits for the situation to be reached. */
async function situation(ns: string, fixture: HttpFixture, start: () => Promise<ControllerProcess>): Promise<ControllerProcess> {
  const ro = new RolloutHelper(ns);
  await ro.create(service(`${BG}-active`, BG));
  await ro.create(service(`${BG}-preview`, BG));
  fixture.setJson(`/${ns}/notify`, {});
  fixture.setJson(`/${ns}/broken`, {}, 500);
  await ro.client.create(CONFIG_MAPS, notificationConfigMap(ns, `${fixture.url}/${ns}`));
  const bg = blueGreenRollout(BG, { activeService: `${BG}-active`, previewService: `${BG}-preview`, autoPromotionEnabled: false }, 2);
  bg.metadata!.annotations = { 'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '', 'notifications.argoproj.io/subscribe.on-rollout-completed.broken': '' };
  await ro.create(bg);
  await createAll(ro.client, ns, [...NGINX.objects, canaryRollout(APP, NGINX.canary)]);
  fixture.setJson(`/${ns}/health`, { status: 'ok', checks: { db: 'up' } });
  await ro.client.create(ANALYSIS_RUNS, webRun(ns, `${fixture.url}/${ns}`));
  await ro.client.create(EXPERIMENTS, experiment(ns));
  const controller = await start();
  const v1 = (await ro.waitFor(BG, 'the blue-green Healthy on v1', healthyAt(), 90_000)).status!.currentPodHash!;
  await ro.setImage(BG, 'registry.local/app:v2');
  await ro.waitFor(BG, 'the blue-green at its BlueGreenPause on v2', (r) => r.status?.currentPodHash !== v1 && (r.status?.pauseConditions ?? []).some((p) => p.reason === 'BlueGreenPause'), 90_000);
  await ro.waitFor(APP, 'the canary Healthy', healthyAt(), 90_000);
  await eventually('the web metric measured', async () => fixture.requests.some((r) => r.path === `/${ns}/health`), 60_000);
  return controller;
}

/** The controller's /metrics once its caches show the situation: both rollouts, the finished run, a request counted. */
async function scrape(controller: ControllerProcess, ns: string): Promise<MetricsText> {
  return eventually(`the situation in the /metrics of ${ns}`, async () => {
    const parsed = parseMetricsText(await (await fetch(controller.metricsUrl)).text());
    const info = familySamples(parsed, 'rollout_info').filter((s) => s.labels.namespace === ns);
    const paused = info.some((s) => s.labels.name === BG && s.labels.phase === 'Paused');
    const run = familySamples(parsed, 'analysis_run_info').some((s) => s.labels.namespace === ns && s.labels.name === RUN);
    const events = familySamples(parsed, 'rollout_events_total').length > 0;
    const exp = familySamples(parsed, 'experiment_info').some((s) => s.labels.namespace === ns && s.labels.name === EXPERIMENT && s.labels.phase === 'Running');
    const sent = ['notification_send_success', 'notification_send_error'].every((family) => familySamples(parsed, family).some((s) => s.labels.namespace === ns && s.labels.name === BG));
    return info.length === 2 && paused && run && events && exp && sent ? parsed : undefined;
  }, 30_000);
}

/** rollout_info's strategy, traffic_router and phase by rollout name. */
function rolloutInfoValues(parsed: MetricsText, ns: string): Record<string, Record<string, string | undefined>> {
  return Object.fromEntries(familySamples(parsed, 'rollout_info')
    .filter((s) => s.labels.namespace === ns)
    .map((s) => [s.labels.name, { strategy: s.labels.strategy, traffic_router: s.labels.traffic_router, phase: s.labels.phase }]));
}

/** A label-name list without `namespace` and `name`, as Ramp's request counter has it. */
const withoutObjectLabels = (list: string): string => list.split(',').filter((l) => l !== 'namespace' && l !== 'name').join(',');

describe("Argo Rollouts' metrics beside Ramp's, on the real control plane", () => {
  let fixture: HttpFixture;
  before(async () => {
    fixture = await startHttpFixture();
  });
  after(async () => {
    await fixture.close();
  });

  test('the same metric names and label names for a paused blue-green, a Healthy canary, a web AnalysisRun, a Running Experiment, a sent and a failed notification; only the request counter drops namespace and name', async (t) => {
    const argoNs = await testNamespace({ after: (fn) => t.after(fn), name: 'metrics under argo' });
    const rampNs = await testNamespace({ after: (fn) => t.after(fn), name: 'metrics under ramp' });
    const [argo, ramp] = await Promise.all([
      situation(argoNs, fixture, async () => {
        const c = await startArgoController({ namespace: argoNs, notificationsNamespace: argoNs });
        t.after(() => c.kill());
        return c;
      }),
      situation(rampNs, fixture, async () => {
        const c = await startController({ namespace: rampNs, name: `${rampNs}-ramp` });
        t.after(() => c.kill());
        return c;
      }),
    ]);
    const [argoMetrics, rampMetrics] = await Promise.all([scrape(argo, argoNs), scrape(ramp, rampNs)]);

    for (const family of FAMILIES) {
      const argoShape = familyShape(argoMetrics, family);
      const rampShape = familyShape(rampMetrics, family);
      assert.ok(Object.keys(argoShape.labels).length > 0, `Argo serves ${family}`);
      if (family === REQUESTS) {
        const argoWithout = { ...argoShape, labels: Object.fromEntries(Object.entries(argoShape.labels).map(([k, v]) => [k, v.map(withoutObjectLabels)])) };
        assert.deepEqual(rampShape, argoWithout, `${family}: Argo's labels without namespace and name`);
        assert.ok(argoShape.labels[REQUESTS]!.every((l) => l.split(',').includes('namespace') && l.split(',').includes('name')), `Argo labels ${REQUESTS} with namespace and name`);
      } else {
        assert.deepEqual(rampShape, argoShape, `${family}: the same type, sample names and label names`);
      }
    }

    const argoInfo = rolloutInfoValues(argoMetrics, argoNs);
    assert.deepEqual(Object.keys(argoInfo).sort(), [APP, BG]);
    assert.deepEqual(rolloutInfoValues(rampMetrics, rampNs), argoInfo, 'rollout_info: the same strategy, traffic_router and phase per rollout');
  });
});
