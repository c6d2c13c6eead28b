import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { restartRollout } from '../../client/actions/rollout-actions.ts';
import { KubeClient } from '../../controller/kube/client.ts';
import { DEPLOYMENTS, EVENTS, PODS, ROLLOUTS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, loadKubeConfig, sleep, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { blueGreenRollout, HASH_LABEL, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

interface PodLike extends KubeObject {
  metadata: KubeObject['metadata'] & { creationTimestamp?: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: Array<{ type?: string; status?: string }> };
}

interface EventLike extends KubeObject {
  reason?: string;
  message?: string;
  involvedObject?: { name?: string };
}

const healthy = (ro: RolloutLike): boolean =>
  ro.status?.phase === 'Healthy' && !!ro.status.currentPodHash && ro.status.blueGreen?.activeSelector === ro.status.currentPodHash && ro.status.stableRS === ro.status.currentPodHash;

async function pods(ro: RolloutHelper): Promise<PodLike[]> {
  return (await ro.client.list<PodLike>(PODS, { namespace: ro.namespace })).items;
}

const ready = (pod: PodLike): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

async function deployment(ro: RolloutHelper): Promise<KubeObject & { spec?: { replicas?: number }; status?: { availableReplicas?: number }; metadata?: { generation?: number } }> {
  return ro.client.get(DEPLOYMENTS, ro.namespace, 'app');
}

async function deployV1(t: Parameters<typeof testNamespace>[0], blueGreen: Record<string, unknown> = {}) {
  const ns = await testNamespace(t);
  const ro = new RolloutHelper(ns);
  await ro.create(service('app-active', 'app'));
  await ro.create(service('app-preview', 'app'));
  await ro.create(blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', ...blueGreen }));
  const controller = await startController({ namespace: ns, name: `${ns}-a` });
  t.after(() => controller.kill());
  const v1 = await ro.waitFor('app', 'v1 Healthy and active', healthy, 90_000);
  return { ns, ro, v1: v1.status!.currentPodHash! };
}

describe('rollout lifecycle on the real control plane', () => {
  test('kubectl ramp restart replaces every pod created before restartAt and records status.restartedAt', async (t) => {
    const { ro, v1 } = await deployV1(t);
    const before = await eventually('three Ready v1 pods', async () => {
      const list = (await pods(ro)).filter((p) => !p.metadata.deletionTimestamp);
      return list.length === 3 && list.every(ready) ? list : undefined;
    });
    // creationTimestamp has whole seconds: let restartAt fall strictly after every pod's.
    await sleep(2_000);
    // What `kubectl ramp restart app` does.
    const patched = await restartRollout(new KubeClient(loadKubeConfig()), ro.namespace, 'app');
    const restartAt = (patched.spec as { restartAt?: string }).restartAt!;
    assert.ok(restartAt, 'restart wrote spec.restartAt');

    const done = await ro.waitFor('app', 'status.restartedAt equals restartAt', (r) => r.status?.restartedAt === restartAt, 120_000);
    assert.equal(done.status?.restartedAt, restartAt);
    const originals = new Set(before.map((p) => p.metadata.name));
    const after = await eventually('three Ready pods, all created at or after restartAt', async () => {
      const list = (await pods(ro)).filter((p) => !p.metadata.deletionTimestamp);
      const fresh = list.every((p) => Date.parse(p.metadata.creationTimestamp ?? '') >= Date.parse(restartAt) && !originals.has(p.metadata.name));
      return list.length === 3 && fresh && list.every(ready) ? list : undefined;
    }, 60_000);
    assert.ok(after.every((p) => p.metadata.labels?.[HASH_LABEL] === v1), 'the replacements belong to the same ReplicaSet');
    await ro.waitFor('app', 'Healthy after the restart', healthy);
    assert.equal((await ro.replicaSets()).length, 1, 'a restart creates no new revision');
  });

  test('progressDeadlineAbort aborts a revision whose pods never become available', async (t) => {
    const { ro, v1 } = await deployV1(t, { autoPromotionEnabled: false, abortScaleDownDelaySeconds: 0 });
    const current = await ro.get('app');
    const containers = current.spec.template?.spec?.containers ?? [];
    // No kwok node carries this label: the v2 pods stay Pending.
    await ro.client.mergePatch(ROLLOUTS, ro.namespace, 'app', {
      spec: {
        progressDeadlineSeconds: 5,
        progressDeadlineAbort: true,
        template: { spec: { nodeSelector: { 'ramp.test/no-such-node': 'true' }, containers: containers.map((c) => ({ ...c, image: 'registry.local/app:v2' })) } },
      },
    });
    const aborted = await ro.waitFor(
      'app',
      'aborted at the progress deadline',
      (r) => r.status?.abort === true && r.status.currentPodHash !== v1 && r.status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'RolloutAborted') === true,
      90_000,
    );
    const v2 = aborted.status!.currentPodHash!;
    assert.equal(aborted.status?.phase, 'Degraded');
    assert.match(aborted.status?.message ?? '', /^RolloutAborted: Rollout aborted update to revision 2/);
    assert.ok(aborted.status?.abortedAt, 'abortedAt is recorded');
    assert.equal(await ro.selector('app-active'), v1, 'v1 keeps serving');
    await eventually('v2 scaled down', async () => ((await ro.replicaSet(v2))?.spec?.replicas === 0 ? true : undefined), 30_000);
    const events = (await ro.client.list<EventLike>(EVENTS, { namespace: ro.namespace })).items;
    assert.ok(
      events.some((e) => e.reason === 'RolloutAborted' && e.message === `ReplicaSet "app-${v2}" has timed out progressing.`),
      `a RolloutAborted event names the timeout; saw ${JSON.stringify(events.map((e) => `${e.reason}: ${e.message}`))}`,
    );
  });

  test('workloadRef: the Rollout runs the Deployment\'s template, scales the Deployment down on success and follows its updates', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await ro.create(service('app-active', 'app'));
    await ro.client.create(DEPLOYMENTS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'app', namespace: ns },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'app' } },
        template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'registry.local/app:v1' }] } },
      },
    } as KubeObject);
    await eventually('the Deployment runs 3 available pods', async () => ((await deployment(ro)).status?.availableReplicas === 3 ? true : undefined), 60_000);
    await ro.create({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'app' },
      spec: {
        replicas: 3,
        workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'app', scaleDown: 'onsuccess' },
        strategy: { blueGreen: { activeService: 'app-active' } },
      },
    } as KubeObject);
    const controller = await startController({ namespace: ns, name: `${ns}-a` });
    t.after(() => controller.kill());

    const v1 = await ro.waitFor('app', 'v1 Healthy from the Deployment\'s template', healthy, 90_000);
    const rs = (await ro.replicaSet(v1.status!.currentPodHash!)) as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
    assert.equal(rs?.spec?.template?.spec?.containers?.[0]?.image, 'registry.local/app:v1');
    assert.equal(await ro.selector('app-active'), v1.status!.currentPodHash);
    await eventually('the Deployment scaled to 0 once the Rollout is Healthy', async () => ((await deployment(ro)).spec?.replicas === 0 ? true : undefined), 30_000);
    const generation = String((await deployment(ro)).metadata?.generation);
    await ro.waitFor('app', 'the Deployment generation recorded', (r) => r.status?.workloadObservedGeneration === generation && r.metadata?.annotations?.['rollout.argoproj.io/workload-generation'] === generation);

    // An update is made to the Deployment's template; the Rollout rolls it out, the Deployment stays at 0.
    await ro.client.mergePatch(DEPLOYMENTS, ns, 'app', { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.local/app:v2' }] } } } });
    const v2 = await ro.waitFor('app', 'v2 Healthy', (r) => healthy(r) && r.status?.currentPodHash !== v1.status?.currentPodHash, 90_000);
    const rs2 = (await ro.replicaSet(v2.status!.currentPodHash!)) as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
    assert.equal(rs2?.spec?.template?.spec?.containers?.[0]?.image, 'registry.local/app:v2');
    assert.equal((await deployment(ro)).spec?.replicas, 0);
  });
});
