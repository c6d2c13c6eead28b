import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { installAmbassadorCrds, installAppMeshCrds, installIstioCrds } from '../support/crds.ts';
import { appMeshProvider } from './support/appmesh.ts';
import { APP, canaryRollout, createAll, PROVIDERS, walkCanary } from './support/canary.ts';
import { APPMESH_VIRTUAL_ROUTERS, type KubeObject } from '../../controller/kube/resources.ts';
import { testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { ingress, RolloutHelper, service } from '../support/rollouts.ts';

describe('canary on the real control plane', () => {
  test('basic canary: replica counts follow each step through promote, abort, retry, promote --full and a restart', (t) => walkCanary(t, PROVIDERS.basic));

  test('a bad step or a missing stable Ingress gets InvalidSpec naming the field while another canary goes on', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const routed = { stableService: 'mi-stable', canaryService: 'mi-canary' };
    await createAll(ro.client, ns, [
      service('mi-stable', 'missing-ingress'),
      service('mi-canary', 'missing-ingress'),
      canaryRollout('overweight', {}, [{ setWeight: 150 }]),
      canaryRollout('unknown-step', {}, [{ setWeight: 10 }, { wait: {} }]),
      canaryRollout('no-stable-ingress', { ...routed, trafficRouting: { nginx: {} } }),
      canaryRollout('missing-ingress', { ...routed, trafficRouting: { nginx: { stableIngress: 'no-such-ingress' } } }),
      canaryRollout('good', {}, [{ setWeight: 50 }, { pause: {} }]),
    ]);
    const controller = await startController({ namespace: ns, name: `${ns}-invalid` });
    t.after(() => controller.kill());

    const invalid = async (name: string): Promise<string> => {
      const ro2 = await ro.waitFor(name, `InvalidSpec on ${name}`, (r) => r.status?.phase === 'Degraded');
      const condition = ro2.status?.conditions?.find((c) => c.type === 'InvalidSpec');
      assert.equal(condition?.status, 'True');
      assert.equal(ro2.status?.message, `InvalidSpec: ${condition?.message}`);
      return condition?.message ?? '';
    };
    assert.match(await invalid('overweight'), /^The Rollout "overweight" is invalid: spec\.strategy\.canary\.steps\[0\]\.setWeight: Invalid value: 150: SetWeight needs to be between 0 and 100/);
    // The CRD's structural schema prunes the unknown `wait` on the way in (as for Argo), so the
    // controller sees an empty step: the message names the step and the kinds a step may have.
    assert.match(
      await invalid('unknown-step'),
      /^The Rollout "unknown-step" is invalid: spec\.strategy\.canary\.steps\[1\]: Invalid value: \{\}: Step must have one of the following set: experiment, setWeight, setCanaryScale or pause/,
    );
    assert.match(await invalid('no-stable-ingress'), /^The Rollout "no-stable-ingress" is invalid: spec\.strategy\.canary\.trafficRouting\.nginx: .*Either StableIngress or StableIngresses must be configured/);
    assert.match(
      await invalid('missing-ingress'),
      /^The Rollout "missing-ingress" is invalid: spec\.strategy\.canary\.trafficRouting\.nginx\.stableIngress: Invalid value: "no-such-ingress": ingresses\.networking\.k8s\.io "no-such-ingress" not found/,
    );
    assert.deepEqual((await ro.replicaSets()).filter((rs) => rs.metadata?.name?.startsWith('overweight') || rs.metadata?.name?.startsWith('unknown-step')), [], 'an invalid Rollout gets no ReplicaSet');

    await ro.waitFor('good', 'the valid canary deploys', (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash);
    await ro.setImage('good', 'registry.local/app:v2');
    const paused = await ro.waitFor('good', 'the valid canary pauses after setWeight 50', (r) => r.status?.currentStepIndex === 1 && r.status.phase === 'Paused');
    assert.notEqual(paused.status?.currentPodHash, paused.status?.stableRS);

    // The Ingress appearing re-runs the Rollout that names it.
    await createAll(ro.client, ns, [ingress('no-such-ingress', 'mi-stable')]);
    const fixed = await ro.waitFor('missing-ingress', 'the canary deploys once its stable Ingress exists', (r) => r.status?.phase === 'Healthy');
    assert.equal(fixed.status?.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });
  test('a missing Istio VirtualService or DestinationRule gets InvalidSpec naming the field; the canary deploys once they exist', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await installIstioCrds(ro.client);
    const virtualService = (name: string, route: unknown[]): KubeObject =>
      ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name }, spec: { hosts: [name], http: [{ name: 'primary', route }] } }) as KubeObject;
    await createAll(ro.client, ns, [
      service('mv-stable', 'missing-vs'),
      service('mv-canary', 'missing-vs'),
      service('missing-dr', 'missing-dr'),
      canaryRollout('missing-vs', { stableService: 'mv-stable', canaryService: 'mv-canary', trafficRouting: { istio: { virtualService: { name: 'no-such-vs', routes: ['primary'] } } } }),
      virtualService('dr-vs', [{ destination: { host: 'missing-dr', subset: 'stable' }, weight: 100 }, { destination: { host: 'missing-dr', subset: 'canary' }, weight: 0 }]),
      canaryRollout('missing-dr', {
        trafficRouting: { istio: { virtualService: { name: 'dr-vs', routes: ['primary'] }, destinationRule: { name: 'no-such-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' } } },
      }),
    ]);
    const controller = await startController({ namespace: ns, name: `${ns}-istio-invalid` });
    t.after(() => controller.kill());

    const invalid = async (name: string): Promise<string> => {
      const r = await ro.waitFor(name, `InvalidSpec on ${name}`, (x) => x.status?.phase === 'Degraded');
      const condition = r.status?.conditions?.find((c) => c.type === 'InvalidSpec');
      assert.equal(condition?.status, 'True');
      assert.equal(r.status?.message, `InvalidSpec: ${condition?.message}`);
      return condition?.message ?? '';
    };
    assert.match(
      await invalid('missing-vs'),
      /^The Rollout "missing-vs" is invalid: spec\.strategy\.canary\.trafficRouting\.istio\.virtualService\.name: Invalid value: "no-such-vs": virtualservices\.networking\.istio\.io "no-such-vs" not found/,
    );
    assert.match(
      await invalid('missing-dr'),
      /^The Rollout "missing-dr" is invalid: spec\.strategy\.canary\.trafficRouting\.istio\.destinationRule\.name: Invalid value: "no-such-dr": destinationrules\.networking\.istio\.io "no-such-dr" not found/,
    );
    assert.deepEqual((await ro.replicaSets()).map((rs) => rs.metadata?.name), [], 'an invalid Rollout gets no ReplicaSet');

    // Nothing watches Istio objects: the controller looks again on its own and finds them.
    await createAll(ro.client, ns, [
      virtualService('no-such-vs', [{ destination: { host: 'mv-stable' }, weight: 100 }, { destination: { host: 'mv-canary' }, weight: 0 }]),
      {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'DestinationRule',
        metadata: { name: 'no-such-dr' },
        spec: { host: 'missing-dr', subsets: [{ name: 'stable', labels: { app: 'missing-dr' } }, { name: 'canary', labels: { app: 'missing-dr' } }] },
      } as KubeObject,
    ]);
    for (const name of ['missing-vs', 'missing-dr']) {
      const fixed = await ro.waitFor(name, `${name} deploys once its Istio objects exist`, (r) => r.status?.phase === 'Healthy');
      assert.equal(fixed.status?.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    }
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });

  test('a missing Ambassador Mapping or an App Mesh VirtualRouter that cannot split gets InvalidSpec before any ReplicaSet; each deploys once fixed', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    await installAmbassadorCrds(ro.client);
    await installAppMeshCrds(ro.client);
    const mesh = appMeshProvider.objects.filter((o) => o.kind !== 'Service');
    const router = mesh.find((o) => o.kind === 'VirtualRouter') as KubeObject & { spec: { routes: Array<{ httpRoute: { action: { weightedTargets: unknown[] } } }> } };
    const oneTarget = structuredClone(router);
    oneTarget.spec.routes[0]!.httpRoute.action.weightedTargets.splice(1);
    await createAll(ro.client, ns, [
      ...appMeshProvider.objects.filter((o) => o.kind === 'Service'),
      ...mesh.filter((o) => o.kind !== 'VirtualRouter'),
      oneTarget,
      service('amb-stable', 'amb'),
      service('amb-canary', 'amb'),
      canaryRollout('amb', { stableService: 'amb-stable', canaryService: 'amb-canary', trafficRouting: { ambassador: { mappings: ['no-such-mapping'] } } }),
      // The App Mesh walk's objects select the pods of a Rollout named APP.
      canaryRollout(APP, { ...appMeshProvider.canary }),
    ]);
    const controller = await startController({ namespace: ns, name: `${ns}-mesh-invalid` });
    t.after(() => controller.kill());

    const invalid = async (name: string): Promise<string> => {
      const r = await ro.waitFor(name, `InvalidSpec on ${name}`, (x) => x.status?.phase === 'Degraded');
      return r.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message ?? '';
    };
    assert.match(
      await invalid('amb'),
      /^The Rollout "amb" is invalid: spec\.strategy\.canary\.trafficRouting\.ambassador\.mappings: Invalid value: "no-such-mapping": mappings\.getambassador\.io "no-such-mapping" not found/,
    );
    assert.match(
      await invalid(APP),
      /^The Rollout "app" is invalid: spec\.strategy\.canary\.trafficRouting\.appMesh\.virtualService: Invalid value: ".*": Invalid number of weightedTargets \(1\) for AppMesh virtual-router .* and route primary, expected 2/,
    );
    assert.deepEqual((await ro.replicaSets()).map((rs) => rs.metadata?.name), [], 'an invalid Rollout gets no ReplicaSet');

    await createAll(ro.client, ns, [{ apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: 'no-such-mapping' }, spec: { prefix: '/', service: 'amb-stable:80' } } as KubeObject]);
    await ro.client.replace(APPMESH_VIRTUAL_ROUTERS, { ...router, metadata: { ...(await ro.client.get<KubeObject>(APPMESH_VIRTUAL_ROUTERS, ns, router.metadata!.name!)).metadata } });
    for (const name of ['amb', APP]) {
      const fixed = await ro.waitFor(name, `${name} deploys once its routing objects are right`, (r) => r.status?.phase === 'Healthy');
      assert.equal(fixed.status?.conditions?.find((c) => c.type === 'InvalidSpec'), undefined);
    }
    assert.equal(controller.process.exitCode, null, 'the controller is still running');
  });
});
