import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Experiment } from '../../controller/api/index.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { ANALYSIS_TEMPLATES, EXPERIMENTS, ISTIO_VIRTUAL_SERVICES, REPLICA_SETS, SERVICES, SMI_TRAFFIC_SPLITS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, kubeconfigPath, testNamespace } from '../support/cluster.ts';
import { ensureIstioCrds, installSmiCrds } from '../support/crds.ts';
import { startController } from '../support/controller.ts';
import { startHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';
import { canaryRollout, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';
import { createAll, virtualService } from './support/canary.ts';
import { healthyOn, kubectl, rampOk } from './support/cli.ts';

/**
 * The canary `experiment` step on the real control plane (kwok makes pods Ready): the Rollout
 * starts the Experiment, waits for it, goes on when it succeeds and aborts when its analysis
 * fails (its analysis against the real Prometheus the analysis tests use); promote --full and terminate end it. The CLI's experiment verbs run against it, and
 * examples/canary-experiment is applied as a user would.
 */

let fixture: HttpFixture;
let prometheus: RunningPrometheus;
before(async () => {
  fixture = await startHttpFixture();
  // The real Prometheus the analysis tests use, scraping a success ratio per service from the fixture.
  fixture.setMetrics(['# TYPE app_success_ratio gauge', 'app_success_ratio{service="good"} 0.99', 'app_success_ratio{service="bad"} 0.42', ''].join('\n'));
  prometheus = await startPrometheus({ target: fixture.hostPort });
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installSmiCrds(client);
    await ensureIstioCrds();
  } finally {
    client.close();
  }
});
after(async () => {
  await prometheus?.stop();
  await fixture?.close();
});

type Ex = Experiment & KubeObject;
interface RS extends KubeObject {
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

const verdictTemplate = (ns: string) =>
  ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'verdict', namespace: ns },
    spec: {
      args: [{ name: 'service' }, { name: 'hash' }],
      metrics: [{ name: 'verdict', successCondition: 'result[0] >= 0.95', failureLimit: 0, provider: { prometheus: { address: prometheus.url, query: 'app_success_ratio{service="{{args.service}}"}' } } }],
    },
  }) as KubeObject;

/** An experiment step: the stable and the canary template side by side, judged by `service`'s success ratio in Prometheus when given. */
function experimentStep(opts: { duration?: string; service?: 'good' | 'bad' }) {
  return {
    experiment: {
      ...(opts.duration ? { duration: opts.duration } : {}),
      scaleDownDelaySeconds: 0,
      templates: [
        { name: 'baseline', specRef: 'stable', replicas: 1 },
        { name: 'canary', specRef: 'canary', replicas: 1, metadata: { labels: { role: 'exp' } } },
      ],
      ...(opts.service
        ? {
          analyses: [
            {
              name: 'verdict',
              templateName: 'verdict',
              args: [
                { name: 'service', value: opts.service },
                { name: 'hash', valueFrom: { podTemplateHashValue: 'Latest' } },
              ],
            },
          ],
        }
        : {}),
    },
  };
}

/** The test Rollout, its pods serving `http` on 8080 (an experiment template's Service needs a port). */
function appRollout(canary: Record<string, unknown>): KubeObject {
  const ro = canaryRollout('app', { canaryService: 'app-canary', stableService: 'app-stable', ...canary }, { replicas: 2 }) as KubeObject & {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  ro.spec.template.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080 }];
  return ro;
}

async function setUp(t: Parameters<typeof testNamespace>[0], steps: unknown[], canary: Record<string, unknown> = {}, routing: KubeObject[] = []) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  const start = async () => {
    const started = await startController({ namespace: ns, name: `${ns}-canary-experiment`, args: ['--traffic-split-api-version', 'v1alpha2'] });
    t.after(() => started.kill());
    return started;
  };
  let controller = await start();
  /** SIGKILLs the controller and starts a new one. */
  const restartController = async () => {
    await controller.kill();
    controller = await start();
  };
  await ro.client.create(ANALYSIS_TEMPLATES, verdictTemplate(ns));
  await ro.create(service('app-stable', 'app'));
  await ro.create(service('app-canary', 'app'));
  await createAll(ro.client, ns, routing);
  await ro.create(appRollout({ steps, ...canary }));
  const v1 = (await ro.waitFor('app', 'v1 Healthy', healthyOn)).status!.currentPodHash!;
  const experiment = (name: string) => ro.client.get<Ex>(EXPERIMENTS, ns, name);
  const experimentPhase = (name: string, phase: string, timeoutMs = 90_000) =>
    eventually(`experiment ${name} ${phase}`, async () => {
      const ex = await experiment(name);
      return ex.status?.phase === phase ? ex : undefined;
    }, timeoutMs);
  /** Sets v2 and waits for the Rollout to start its experiment (one that fails may be over at once). */
  const startV2 = async (): Promise<{ v2: string; name: string }> => {
    await ro.setImage('app', 'registry.local/app:v2');
    const ex = await eventually('the experiment step’s Experiment', async () => (await ro.client.list<Ex>(EXPERIMENTS, { namespace: ns })).items[0], 90_000);
    const v2 = ex.metadata?.labels?.['rollouts-pod-template-hash'] ?? '';
    return { v2, name: ex.metadata?.name ?? '' };
  };
  return { ns, ro, v1, experiment, experimentPhase, startV2, restartController, cli: { namespace: ns } };
}

describe('the canary experiment step on the real control plane', () => {
  test('the step runs the experiment, which passes, and the rollout goes on; the CLI shows it', async (t) => {
    const { ns, ro, v1, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 50 }, experimentStep({ duration: '5s', service: 'good' }), { setWeight: 100 }]);
    const { v2, name } = await startV2();
    assert.equal(name, `app-${v2}-2-1`, "Argo's name: <rollout>-<hash>-<revision>-<step>");
    assert.equal((await ro.waitFor('app', 'the experiment recorded', (r: RolloutLike) => r.status?.canary?.currentExperiment === name)).status?.currentPodHash, v2);

    const running = await experimentPhase(name, 'Running');
    assert.equal((running.metadata?.ownerReferences?.[0] as { kind?: string; name?: string } | undefined)?.name, 'app');
    assert.equal(running.metadata?.labels?.['rollouts-pod-template-hash'], v2);
    assert.deepEqual(running.spec.analyses?.[0]?.args, [
      { name: 'service', value: 'good' },
      { name: 'hash', value: v2 },
    ]);
    const rs = (template: string) => ro.client.get<RS>(REPLICA_SETS, ns, `${name}-${template}`);
    assert.equal((await rs('baseline')).status?.readyReplicas, 1);
    assert.equal((await rs('canary')).status?.readyReplicas, 1);
    assert.equal((await rs('canary')).spec && (await rs('canary')).metadata?.labels?.role, 'exp');

    const tree = await rampOk(['get', 'experiment', name], cli);
    assert.match(tree, new RegExp(`Name:\\s+${name}\\n`));
    assert.match(tree, /Images:\s+registry\.local\/app:v1 \(Σ:baseline\)\n\s+registry\.local\/app:v2 \(Σ:canary\)/);
    assert.match(tree, new RegExp(`Σ ${name}\\s+Experiment`));
    assert.match(tree, new RegExp(`⧉ ${name}-baseline\\s+ReplicaSet\\s+\\S+ \\w+\\s+\\S+\\s+Σ:baseline`));
    const rolloutTree = await rampOk(['get', 'rollout', 'app'], cli);
    assert.match(rolloutTree, new RegExp(`# revision:2[\\s\\S]*Σ ${name}\\s+Experiment[\\s\\S]*# revision:1`));
    assert.match(await rampOk(['list', 'experiments'], cli), new RegExp(`^NAME\\s+STATUS\\s+DURATION\\s+REMAINING\\s+AGE\\n${name}\\s+\\w+\\s+5s`));
    const listed = JSON.parse(await rampOk(['list', 'experiments', '-o', 'json'], cli)) as Array<{ name: string }>;
    assert.deepEqual(listed.map((e) => e.name), [name]);

    const done = await experimentPhase(name, 'Successful');
    assert.deepEqual(done.status?.analysisRuns?.map((r) => r.phase), ['Successful']);
    const healthy = await ro.waitFor('app', 'v2 Healthy', healthyOn, 90_000);
    assert.equal(healthy.status?.stableRS, v2);
    assert.notEqual(v1, v2);
    assert.equal(healthy.status?.canary?.currentExperiment, undefined);
    await eventually('the experiment scaled its templates down', async () => ((await rs('canary')).spec?.replicas === 0 ? true : undefined), 60_000);
  });

  test('a failing analysis in the experiment aborts the rollout', async (t) => {
    const { ro, v1, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 50 }, experimentStep({ duration: '1h', service: 'bad' }), { setWeight: 100 }]);
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Failed');
    const aborted = await ro.waitFor('app', 'aborted', (r) => r.status?.abort === true && r.status.phase === 'Degraded', 60_000);
    assert.match(aborted.status?.message ?? '', /RolloutAborted: Rollout aborted update to revision 2: Experiment analysis phase is error\/failed/);
    await eventually('v2 scaled down, v1 back to full size', async () => ((await ro.replicaSet(v2))?.spec?.replicas === 0 && (await ro.replicaSet(v1))?.spec?.replicas === 2 ? true : undefined), 60_000);
    assert.match(await rampOk(['explain', 'app'], cli), new RegExp(`Experiment ${name} \\(revision 2\\) failed`));
  });

  test('promote --full terminates the running experiment and promotes', async (t) => {
    const { ro, experiment, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 50 }, experimentStep({}), { setWeight: 100 }]);
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Running');
    await rampOk(['promote', '--full', 'app'], cli);
    await ro.waitFor('app', 'v2 Healthy', (r) => healthyOn(r) && r.status?.stableRS === v2, 90_000);
    assert.equal((await experiment(name)).spec.terminate, true);
    await experimentPhase(name, 'Successful');
  });

  test('terminate experiment ends it early; the step goes on', async (t) => {
    const { ro, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 50 }, experimentStep({}), { setWeight: 100 }]);
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Running');
    assert.equal(await rampOk(['terminate', 'experiment', name], cli), `experiment '${name}' terminated\n`);
    await experimentPhase(name, 'Successful');
    await ro.waitFor('app', 'v2 Healthy', (r) => healthyOn(r) && r.status?.stableRS === v2, 90_000);
  });

  test('a controller killed mid-experiment resumes: the same experiment passes and the rollout goes on', async (t) => {
    const { ns, ro, experimentPhase, startV2, restartController } = await setUp(t, [{ setWeight: 50 }, experimentStep({ duration: '8s', service: 'good' }), { setWeight: 100 }]);
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Running');
    await restartController();
    await experimentPhase(name, 'Successful');
    await ro.waitFor('app', 'v2 Healthy', (r) => healthyOn(r) && r.status?.stableRS === v2, 90_000);
    const experiments = (await ro.client.list<Ex>(EXPERIMENTS, { namespace: ns })).items.map((e) => e.metadata?.name);
    assert.deepEqual(experiments, [name], 'no second experiment was started');
  });

  test('with the SMI router, the weighted template gets its share of the TrafficSplit while the experiment runs', async (t) => {
    const weighted = {
      experiment: {
        scaleDownDelaySeconds: 0,
        templates: [
          { name: 'baseline', specRef: 'stable', replicas: 1 },
          { name: 'canary', specRef: 'canary', replicas: 1, weight: 10, service: { name: 'app-experiment' } },
        ],
      },
    };
    const { ns, ro, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 20 }, weighted, { setWeight: 50 }, { pause: {} }], { trafficRouting: { smi: { trafficSplitName: 'app' } } });
    const backends = async () => {
      const split = await ro.client.get<KubeObject & { spec?: { backends?: Array<{ service: string; weight: number }> } }>({ ...SMI_TRAFFIC_SPLITS, version: 'v1alpha2' }, ns, 'app');
      return (split.spec?.backends ?? []).map((b) => `${b.service}=${b.weight}`).join(',');
    };
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Running');
    await eventually('the template’s Service in the TrafficSplit', async () => ((await backends()) === 'app-canary=20,app-experiment=10,app-stable=70' ? true : undefined), 60_000);
    // The pass writes the route first and the Rollout's status after it.
    const at = await ro.waitFor('app', 'the experiment’s weight in the status', (r) => r.status?.canary?.weights?.additional?.length === 1);
    assert.deepEqual(at.status?.canary?.weights?.additional?.map((d) => [d.serviceName, d.weight]), [['app-experiment', 10]]);
    assert.equal(at.status?.canary?.weights?.stable.weight, 70);

    await rampOk(['terminate', 'experiment', name], cli);
    await ro.waitFor('app', 'paused after the 50% step', (r) => r.status?.currentStepIndex === 3 && r.status.canary?.weights?.canary.weight === 50, 90_000);
    assert.equal(await backends(), 'app-canary=50,app-stable=50', 'the experiment’s share went back when it ended');
    assert.equal((await ro.get('app')).status?.currentPodHash, v2);
  });

  test('with the Istio router, the weighted template gets its share of the VirtualService route while the experiment runs', async (t) => {
    const weighted = {
      experiment: {
        scaleDownDelaySeconds: 0,
        templates: [
          { name: 'baseline', specRef: 'stable', replicas: 1 },
          { name: 'canary', specRef: 'canary', replicas: 1, weight: 10, service: { name: 'app-experiment' } },
        ],
      },
    };
    const { ns: namespace, ro, experimentPhase, startV2, cli } = await setUp(t, [{ setWeight: 20 }, weighted, { setWeight: 50 }, { pause: {} }], {
      trafficRouting: { istio: { virtualService: { name: 'app-vs', routes: ['primary'] } } },
    }, [{ ...virtualService([{ destination: { host: 'app-stable' }, weight: 100 }, { destination: { host: 'app-canary' }, weight: 0 }]), metadata: { name: 'app-vs' } }]);
    const route = async () => {
      const vs = await ro.client.get<KubeObject & { spec?: { http?: Array<{ name?: string; route?: Array<{ destination?: { host?: string }; weight?: number }> }> } }>(ISTIO_VIRTUAL_SERVICES, namespace, 'app-vs');
      return (vs.spec?.http?.find((h) => h.name === 'primary')?.route ?? []).map((d) => `${d.destination?.host}=${d.weight ?? 0}`).sort().join(',');
    };
    const { v2, name } = await startV2();
    await experimentPhase(name, 'Running');
    await eventually('the template’s Service in the VirtualService route', async () => ((await route()) === 'app-canary=20,app-experiment=10,app-stable=70' ? true : undefined), 60_000);
    // The pass writes the route first and the Rollout's status after it.
    const at = await ro.waitFor('app', 'the experiment’s weight in the status', (r) => r.status?.canary?.weights?.additional?.length === 1);
    assert.deepEqual(at.status?.canary?.weights?.additional?.map((d) => [d.serviceName, d.weight]), [['app-experiment', 10]]);

    await rampOk(['terminate', 'experiment', name], cli);
    await ro.waitFor('app', 'paused after the 50% step', (r) => r.status?.currentStepIndex === 3 && r.status.canary?.weights?.canary.weight === 50, 90_000);
    await eventually('the experiment’s destination removed from the route', async () => ((await route()) === 'app-canary=50,app-stable=50' ? true : undefined), 30_000);
    assert.equal((await ro.get('app')).status?.currentPodHash, v2);
  });

  test('examples/canary-experiment runs as its README says', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const controller = await startController({ namespace: ns, name: `${ns}-canary-experiment-example` });
    t.after(() => controller.kill());
    kubectl(['apply', '-n', ns, '-k', fileURLToPath(new URL('../../examples/canary-experiment', import.meta.url))]);
    const app = 'canary-experiment-demo';
    await ro.waitFor(app, 'v1 Healthy', healthyOn, 120_000);
    await rampOk(['set', 'image', app, `${app}=argoproj/rollouts-demo:yellow`], { namespace: ns });
    const at = await ro.waitFor(app, 'the experiment step recorded', (r) => !!r.status?.canary?.currentExperiment, 120_000);
    const name = at.status!.canary!.currentExperiment!;
    assert.equal(name, `${app}-${at.status!.currentPodHash}-2-1`);
    await eventually('the canary template’s Service', async () => {
      const svc = await ro.client.get<KubeObject & { spec?: { selector?: Record<string, string> } }>(SERVICES, ns, `${app}-preview`).catch(() => undefined);
      return svc?.spec?.selector?.['experiment-role'] === 'canary' ? svc : undefined;
    }, 120_000);
    const done = await eventually(`experiment ${name} Successful`, async () => {
      const ex = await ro.client.get<Ex>(EXPERIMENTS, ns, name);
      return ex.status?.phase === 'Successful' ? ex : undefined;
    }, 180_000);
    assert.deepEqual(done.status?.analysisRuns?.map((r) => [r.analysisRun, r.phase]), [[`${name}-smoke-test`, 'Successful']]);
    await ro.waitFor(app, 'the yellow revision Healthy', (r) => healthyOn(r) && r.status?.stableRS === at.status!.currentPodHash, 120_000);
  });
});
