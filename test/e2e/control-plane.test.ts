import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clients, eventually, loadKubeConfig, testNamespace } from '../support/cluster.ts';

test('a Deployment on the local control plane gets pods that kwok makes Ready', async (t) => {
  const c = clients();
  const ns = await testNamespace(t, c);
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    },
  });
  const ready = await eventually('3 ready replicas', async () => {
    const d = await c.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    return d.status?.readyReplicas === 3 ? d : undefined;
  }, 60_000);
  assert.equal(ready.status?.availableReplicas, 3);

  const pods = await c.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' });
  assert.equal(pods.items.length, 3);
  for (const pod of pods.items) {
    assert.equal(pod.status?.phase, 'Running', `pod ${pod.metadata?.name} is Running`);
    assert.match(pod.spec?.nodeName ?? '', /^kwok-node-/, 'the scheduler placed the pod on a kwok node');
    const readyCondition = pod.status?.conditions?.find((cond) => cond.type === 'Ready');
    assert.equal(readyCondition?.status, 'True');
  }
});

test('the restricted user is refused by RBAC', async () => {
  const path = process.env.RAMP_RESTRICTED_KUBECONFIG;
  assert.ok(path, 'the test runner provides RAMP_RESTRICTED_KUBECONFIG');
  const restricted = clients(loadKubeConfig(path));
  await assert.rejects(restricted.core.listNamespace(), (err: unknown) => {
    assert.equal((err as { code?: number }).code, 403);
    return true;
  });
});
