import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ANALYSIS_TEMPLATES, CONFIG_MAPS, EVENTS, ROLLOUTS, SECRETS, type KubeObject } from '../../controller/kube/resources.ts';
import { freePort } from '../cluster/processes.ts';
import { eventually, testNamespace } from '../support/cluster.ts';
import { startController } from '../support/controller.ts';
import { httpReceiver, smtpReceiver, type HttpReceiver } from '../support/notification-receivers.ts';
import { canaryRollout, RolloutHelper, type RolloutLike } from '../support/rollouts.ts';
import { ramp, rampOk } from './support/cli.ts';

const NOTIFIED = 'notified.notifications.argoproj.io';

/** argo-rollouts-notification-configmap and -secret in `ns`. */
async function configure(ro: RolloutHelper, data: Record<string, string>, secret: Record<string, string> = {}): Promise<void> {
  const metadata = (name: string) => ({ name, namespace: ro.namespace });
  await ro.client.create(CONFIG_MAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('argo-rollouts-notification-configmap'), data } as KubeObject);
  await ro.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: metadata('argo-rollouts-notification-secret'), stringData: secret } as KubeObject);
}

/** A canary `app` (a 50% step, then an indefinite pause) subscribed by the given annotations. */
function subscribedCanary(annotations: Record<string, string>, canary: Record<string, unknown> = { steps: [{ setWeight: 50 }, { pause: {} }] }): KubeObject {
  const manifest = canaryRollout('app', canary, { replicas: 2 });
  manifest.metadata!.annotations = annotations;
  return manifest;
}

const bodies = (receiver: HttpReceiver, path = '/'): string[] => receiver.requests.filter((r) => r.path.startsWith(path)).map((r) => r.body);

function received(receiver: HttpReceiver, text: string, count = 1, path = '/'): Promise<true> {
  return eventually(`${count} × "${text}" received (got ${JSON.stringify(bodies(receiver, path))})`, async () => bodies(receiver, path).filter((b) => b === text).length >= count || undefined, 90_000);
}

async function eventsOf(ro: RolloutHelper, reason: string): Promise<Array<{ message?: string; type?: string }>> {
  const events = await ro.client.list<KubeObject & { reason?: string; message?: string; type?: string }>(EVENTS, { namespace: ro.namespace });
  return events.items.filter((e) => e.reason === reason);
}

const healthy = (image: string) => (r: RolloutLike): boolean =>
  r.status?.phase === 'Healthy' && r.spec.template?.spec?.containers?.[0]?.image === image && r.status.stableRS === r.status.currentPodHash;

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

  test('kubectl ramp notifications: template get, trigger get|run and template notify read the namespace\'s configuration and the live Rollout', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const receiver = await httpReceiver();
    t.after(() => receiver.close());
    await configure(ro, {
      'service.webhook.hook': `url: ${receiver.url}/tried\nheaders:\n- name: X-Token\n  value: $token\n`,
      'template.custom': 'message: "{{.rollout.metadata.name}} runs {{(index .rollout.spec.template.spec.containers 0).image}}"\n',
      'trigger.on-big': '- when: rollout.spec.replicas > 1\n  send: [custom]\n',
    }, { token: 's3cret' });
    // No controller: the commands read the objects as they are.
    await ro.create(canaryRollout('app', { steps: [{ pause: {} }] }, { replicas: 2 }));

    const templates = JSON.parse(await rampOk(['notifications', 'template', 'get', '-o', 'json'], { namespace: ns })) as Record<string, { message?: string }>;
    assert.equal(templates['custom']?.message, '{{.rollout.metadata.name}} runs {{(index .rollout.spec.template.spec.containers 0).image}}');
    assert.equal(templates['rollout-completed']?.message, 'Rollout {{.rollout.metadata.name}} has been completed.', "Argo's catalog is there too");
    const table = (await rampOk(['notifications', 'trigger', 'get', 'on-big'], { namespace: ns })).trimEnd().split('\n');
    assert.deepEqual(table.map((l) => l.split(/ {2,}/)), [['NAME', 'TEMPLATE', 'CONDITION'], ['on-big', 'custom', 'rollout.spec.replicas > 1']]);
    const evaluated = (await rampOk(['notifications', 'trigger', 'run', 'on-big', 'app'], { namespace: ns })).trimEnd().split('\n');
    assert.deepEqual(evaluated.map((l) => l.split(/ {2,}/)), [['CONDITION', 'RESULT'], ['rollout.spec.replicas > 1', 'true']]);

    const printed = parse(await rampOk(['notifications', 'template', 'notify', 'custom', 'app'], { namespace: ns })) as { message: string };
    assert.deepEqual(printed, { message: 'app runs registry.local/app:v1' });
    assert.equal(receiver.requests.length, 0, 'printing sends nothing');

    const sent = await ramp(['notifications', 'template', 'notify', 'custom', 'app', '--recipient', 'hook'], { namespace: ns });
    assert.equal(sent.code, 0, sent.stderr);
    assert.equal(sent.stdout, '');
    assert.deepEqual(receiver.requests.map((r) => [r.method, r.path, r.headers['x-token'], r.body]), [['GET', '/tried', 's3cret', 'app runs registry.local/app:v1']]);

    const refused = await ramp(['notifications', 'template', 'notify', 'custom', 'app', '--recipient', 'slack:ops'], { namespace: ns });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: failed to notify 'slack:ops': service slack is not configured in argo-rollouts-notification-configmap \(configured: hook\)\n$/);
  });

  test('a webhook that answers 503 and then 200 gets the notification once: the retry, then nothing more', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const receiver = await httpReceiver((_req, i) => ({ status: i === 0 ? 503 : 200, body: '' }));
    t.after(() => receiver.close());
    await configure(ro, { 'service.webhook.hook': `url: ${receiver.url}\nretryWaitMin: 50ms\nretryWaitMax: 100ms\n` });
    await ro.create(subscribedCanary({
      'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '',
    }));
    const controller = await startController({ namespace: ns, name: `${ns}-retry` });
    t.after(() => controller.kill());

    await received(receiver, 'Rollout app has been completed.', 2);
    // The next event of the same Rollout is delivered after the first one is done with, retries included.
    await ro.setImage('app', 'registry.local/app:v2');
    await received(receiver, 'Rollout app has been paused.');
    assert.deepEqual(bodies(receiver), ['Rollout app has been completed.', 'Rollout app has been completed.', 'Rollout app has been paused.'], 'the 503 was retried once, nothing was sent twice after a 200');
    const metrics = await (await fetch(controller.metricsUrl)).text();
    assert.match(metrics, new RegExp(`notification_send_success\\{namespace="${ns}",name="app",type="Normal",reason="RolloutCompleted"\\} 1\\n`));
    assert.doesNotMatch(metrics, /notification_send_error\{/);
    assert.deepEqual(await eventsOf(ro, 'NotificationFailed'), []);
    const sent = await eventually('a NotificationSent event per delivery', async () => {
      const events = await eventsOf(ro, 'NotificationSent');
      return events.length >= 2 ? events : undefined;
    });
    assert.deepEqual(
      sent.map((e) => [e.type, e.message]).sort(),
      [['Normal', 'on-rollout-completed: rollout-completed via webhook.hook sent'], ['Normal', 'on-rollout-paused: rollout-paused via webhook.hook sent']],
    );
  });

  test('a controller SIGKILLed between a trigger and its delivery: a when trigger is delivered once after the restart; a send cut off before its answer is sent again', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const port = await freePort();
    await configure(ro, {
      // Nothing listens there at first: the send is refused and retried until the controller dies.
      'service.webhook.hook': `url: http://127.0.0.1:${port}/hook\nretryMax: 1000\nretryWaitMin: 200ms\nretryWaitMax: 200ms\n`,
      'trigger.on-paused-state': "- when: rollout.status.phase == 'Paused'\n  send: [paused-state]\n",
      'template.paused-state': 'message: "{{.rollout.metadata.name}} paused running {{(index .rollout.spec.template.spec.containers 0).image}}"\n',
    });
    await ro.create(subscribedCanary({
      'notifications.argoproj.io/subscribe.on-paused-state.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
    }));
    let controller = await startController({ namespace: ns, name: `${ns}-kill-1` });
    t.after(() => controller.kill());
    await ro.waitFor('app', 'v1 Healthy', healthy('registry.local/app:v1'));
    await ro.setImage('app', 'registry.local/app:v2');
    await ro.waitFor('app', 'v2 paused', (r) => r.status?.phase === 'Paused');
    await controller.kill();
    const recorded = async (): Promise<string | undefined> => {
      const annotation = (await ro.get('app')).metadata?.annotations?.[NOTIFIED];
      return annotation ? Object.keys(JSON.parse(annotation) as object).find((k) => k.startsWith('on-paused-state:[0].')) : undefined;
    };
    assert.equal(await recorded(), undefined, 'what was not delivered is not recorded as sent');

    let hold = false;
    const receiver = await httpReceiver((req) => (hold && req.body.includes(' paused running ') ? undefined : { status: 200, body: '' }), '127.0.0.1', port);
    t.after(() => receiver.close());
    controller = await startController({ namespace: ns, name: `${ns}-kill-2` });
    await received(receiver, 'app paused running registry.local/app:v2');
    await eventually('the notified annotation records the delivery', recorded);
    await ro.promote('app');
    await received(receiver, 'Rollout app has been completed.');
    // v1's completion was an event recorded before the kill: a send an event caused is made at most
    // once, by the process that recorded it (as Argo's recorder), so it is not made again.
    assert.deepEqual(bodies(receiver), ['app paused running registry.local/app:v2', 'Rollout app has been completed.']);

    // Killed while the receiver holds the request: the controller never saw it answered, so the
    // restarted one sends it again (at least once, as Argo records after sending).
    hold = true;
    await ro.setImage('app', 'registry.local/app:v3');
    await received(receiver, 'app paused running registry.local/app:v3');
    await controller.kill();
    hold = false;
    controller = await startController({ namespace: ns, name: `${ns}-kill-3` });
    await received(receiver, 'app paused running registry.local/app:v3', 2);
    await eventually('the notified annotation records the second delivery', recorded);
    await ro.promote('app');
    await received(receiver, 'Rollout app has been completed.', 2);
    assert.deepEqual(bodies(receiver).slice(2), ['app paused running registry.local/app:v3', 'app paused running registry.local/app:v3', 'Rollout app has been completed.']);
  });

  test('a template that does not parse or fails to execute is a Warning event naming it, and the rollout goes on', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const receiver = await httpReceiver();
    t.after(() => receiver.close());
    await configure(ro, {
      'service.webhook.hook': `url: ${receiver.url}\n`,
      'template.unclosed': 'message: "{{.rollout.metadata.name"\n',
      'template.out-of-range': 'message: "{{(index .rollout.spec.template.spec.containers 5).image}}"\n',
      'trigger.on-rollout-paused': '- send: [out-of-range, rollout-paused]\n',
    });
    await ro.create(subscribedCanary({
      'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '',
      'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
    }));
    const controller = await startController({ namespace: ns, name: `${ns}-bad-template` });
    t.after(() => controller.kill());
    await received(receiver, 'Rollout app has been completed.');
    await ro.setImage('app', 'registry.local/app:v2');
    await received(receiver, 'Rollout app has been paused.');
    await ro.promote('app');
    await ro.waitFor('app', 'v2 Healthy', healthy('registry.local/app:v2'));
    await received(receiver, 'Rollout app has been completed.', 2);
    assert.deepEqual(bodies(receiver), ['Rollout app has been completed.', 'Rollout app has been paused.', 'Rollout app has been completed.'], 'the good template of the same trigger still went');
    const events = await eventually('config errors naming both templates', async () => {
      const found = (await eventsOf(ro, 'NotificationConfigError')).map((e) => e.message ?? '');
      return found.some((m) => m.includes('template.unclosed')) && found.some((m) => m.includes('out-of-range')) ? found : undefined;
    });
    assert.ok(events.some((m) => /^on-rollout-paused: out-of-range via webhook\.hook failed: template out-of-range: executing: /.test(m)), events.join('\n'));
  });

  test('a canary whose analysis fails delivers on-analysis-run-failed, then on-rollout-aborted', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const [receiver, metric] = await Promise.all([httpReceiver(), httpReceiver(() => ({ status: 200, body: '{"ok": 0}' }))]);
    t.after(() => Promise.all([receiver.close(), metric.close()]));
    await ro.client.create(ANALYSIS_TEMPLATES, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'always-fails', namespace: ns },
      spec: { metrics: [{ name: 'ok', successCondition: 'result == 1', provider: { web: { url: `${metric.url}/ok`, jsonPath: '{$.ok}' } } }] },
    } as KubeObject);
    await configure(ro, { 'service.webhook.hook': `url: ${receiver.url}\n` });
    await ro.create(subscribedCanary(
      {
        'notifications.argoproj.io/subscribe.on-rollout-completed.hook': '',
        'notifications.argoproj.io/subscribe.on-analysis-run-failed.hook': '',
        'notifications.argoproj.io/subscribe.on-rollout-aborted.hook': '',
      },
      { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'always-fails' }] } }] },
    ));
    const controller = await startController({ namespace: ns, name: `${ns}-analysis-failed` });
    t.after(() => controller.kill());
    await received(receiver, 'Rollout app has been completed.');
    await ro.setImage('app', 'registry.local/app:v2');
    await received(receiver, 'Rollout app has been aborted.');
    assert.deepEqual(bodies(receiver), ['Rollout app has been completed.', "Rollout app's analysis run failed.", 'Rollout app has been aborted.']);
  });

  test('email: the template\'s subject and body over SMTP, after STARTTLS, authenticated with the Secret\'s credentials', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const smtp = await smtpReceiver({ user: 'ramp', password: 'pa55' });
    t.after(() => smtp.close());
    await configure(ro, {
      'service.email': `host: 127.0.0.1\nport: ${smtp.port}\nfrom: ramp@example.com\nusername: $email-user\npassword: $email-password\ninsecure_skip_verify: true\n`,
      'template.completed-mail': 'message: done\nemail:\n  subject: "{{.rollout.metadata.name}} completed"\n  body: "{{.rollout.metadata.name}} runs {{(index .rollout.spec.template.spec.containers 0).image}}"\n',
      'trigger.on-rollout-completed': '- send: [completed-mail]\n',
    }, { 'email-user': 'ramp', 'email-password': 'pa55' });
    await ro.create(subscribedCanary({ 'notifications.argoproj.io/subscribe.on-rollout-completed.email': 'dev@example.com' }));
    const controller = await startController({ namespace: ns, name: `${ns}-email` });
    t.after(() => controller.kill());
    const mail = await eventually(`a mail (got ${smtp.mails.length})`, async () => smtp.mails[0], 90_000);
    assert.deepEqual(
      { from: mail.from, to: mail.to, secure: mail.secure, user: mail.user, subject: mail.subject, body: mail.body.trim() },
      { from: 'ramp@example.com', to: ['dev@example.com'], secure: true, user: 'ramp', subject: 'app completed', body: 'app runs registry.local/app:v1' },
    );
  });
});
