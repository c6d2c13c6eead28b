import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONFIG_MAPS, EVENTS, ROLLOUTS, SECRETS, type KubeObject } from '../../controller/kube/resources.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { httpReceiver } from '../support/notification-receivers.ts';
import { canaryRollout, RolloutHelper } from '../support/rollouts.ts';

/**
 * Notifications on the real control plane: the Rollout subscribes by annotation to Argo's built-in
 * triggers through a webhook service configured in argo-rollouts-notification-configmap (its
 * token header from argo-rollouts-notification-secret), and a test HTTP server in this process
 * receives what the controller sends as the rollout pauses, completes and aborts.
 */
describe('notifications', () => {
  test('pause, completion and abort each deliver the built-in template text to a webhook; a when trigger fires as its condition starts to hold', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const receiver = await httpReceiver();
    t.after(() => receiver.close());
    await ro.client.create(CONFIG_MAPS, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argo-rollouts-notification-configmap', namespace: ns },
      data: {
        'service.webhook.hook': `url: ${receiver.url}/rollouts\nheaders:\n- name: X-Token\n  value: $hook-token\n`,
        // A trigger on the Rollout's state, as Argo's notification controller runs it: sent as its condition starts to hold.
        'trigger.on-degraded': "- when: rollout.status.phase == 'Degraded'\n  send: [phase]\n",
        'template.phase': 'message: "{{.rollout.metadata.name}} is {{.rollout.status.phase}}: {{.rollout.status.message}}"\n',
        // A configured service Ramp does not send through is reported on the Rollout.
        'service.opsgenie': 'apiUrl: https://api.opsgenie.com\n',
      },
    } as KubeObject);
    await ro.client.create(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argo-rollouts-notification-secret', namespace: ns },
      stringData: { 'hook-token': 's3cret' },
    } as KubeObject);
    const manifest = canaryRollout('app', { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 2 });
    manifest.metadata!.annotations = {
      'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.opsgenie': 'team',
      'notifications.argoproj.io/subscribe.on-degraded.hook': '',
    };
    await ro.create(manifest);
    const controller = await startController({ namespace: ns, name: `${ns}-notifications` });
    t.after(() => controller.kill());

    const bodies = (): string[] => receiver.requests.map((r) => r.body);
    const received = (text: string, count: number): Promise<true> =>
      eventually(`${count} × "${text}" received (got ${JSON.stringify(bodies())})`, async () => bodies().filter((b) => b === text).length >= count || undefined, 60_000);

    await received('Rollout app has been completed.', 1);
    const first = receiver.requests[0]!;
    assert.equal(first.method, 'GET', "Argo's webhook default when the template has no webhook section");
    assert.equal(first.path, '/rollouts');
    assert.equal(first.headers['x-token'], 's3cret', 'the $hook-token reference is read from the Secret');

    await ro.setImage('app', 'registry.local/app:v2');
    await received('Rollout app has been paused.', 1);
    await ro.promote('app');
    await received('Rollout app has been completed.', 2);

    await ro.setImage('app', 'registry.local/app:v3');
    await received('Rollout app has been paused.', 2);
    await ro.abort('app');
    await received('Rollout app has been aborted.', 1);
    const degraded = await eventually('the on-degraded trigger fired', async () => bodies().find((b) => b.startsWith('app is Degraded: ')));
    assert.match(degraded, /RolloutAborted/);
    const notified = await eventually('the notified annotation records it', async () => {
      const annotation = (await ro.get('app')).metadata?.annotations?.['notified.notifications.argoproj.io'];
      return annotation && Object.keys(JSON.parse(annotation) as object).find((k) => k.startsWith('on-degraded:[0].') && k.endsWith(':hook:'));
    });
    assert.ok(notified);

    const warning = await eventually('a NotificationServiceUnsupported event on the Rollout', async () => {
      const events = await ro.client.list<KubeObject & { reason?: string; message?: string; type?: string }>(EVENTS, { namespace: ns });
      return events.items.find((e) => e.reason === 'NotificationServiceUnsupported');
    });
    assert.equal(warning.type, 'Warning');
    assert.match(warning.message ?? '', /opsgenie/);
    assert.deepEqual(bodies().filter((b) => !/^Rollout app has been (completed|paused|aborted)\.$/.test(b)), [degraded], `only the subscribed triggers: ${JSON.stringify(bodies())}`);
    // What was sent stays sent: the Rollout is still readable and the controller did not fail a pass over it.
    assert.ok(await ro.client.get(ROLLOUTS, ns, 'app'));
  });

  test("self-service: the Rollout's own namespace's configuration applies as well as the controller's", async (t) => {
    const ns = await testNamespace(t);
    const controllerNs = await testNamespace({ after: (fn) => t.after(fn), name: `${t.name} controller` });
    const ro = new RolloutHelper(ns);
    const [team, central] = await Promise.all([httpReceiver(), httpReceiver()]);
    t.after(() => Promise.all([team.close(), central.close()]));
    const configMap = (namespace: string, url: string): KubeObject =>
      ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argo-rollouts-notification-configmap', namespace }, data: { 'service.webhook.hook': `url: ${url}` } }) as KubeObject;
    await ro.client.create(CONFIG_MAPS, configMap(ns, team.url));
    await ro.client.create(CONFIG_MAPS, configMap(controllerNs, central.url));
    const manifest = canaryRollout('app', { steps: [{ setWeight: 50 }, { pause: {} }] }, { replicas: 1 });
    manifest.metadata!.annotations = { 'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '' };
    await ro.create(manifest);
    const controller = await startController({ namespace: ns, leaseNamespace: controllerNs, args: ['--self-service-notification-enabled'], name: `${ns}-self-service` });
    t.after(() => controller.kill());

    for (const [who, receiver] of [['the team', team], ['the central', central]] as const) {
      await eventually(`${who} webhook gets the completion`, async () => receiver.requests.some((r) => r.body === 'Rollout app has been completed.') || undefined, 60_000);
    }
  });
});
