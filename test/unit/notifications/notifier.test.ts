import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pino from 'pino';
import type { HttpPort } from '../../../controller/http/client.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { Notifier, type NotifierPorts } from '../../../controller/notifications/notifier.ts';
import type { RecordedEvent } from '../../../controller/runtime/events.ts';

/** A world of fake ports: the ConfigMap and Secret, an HTTP endpoint, and what the notifier wrote. */
interface WorldOptions {
  answer?: (url: string, body: string) => number;
  configRead?: Promise<void>;
  /** ConfigMaps of other namespaces, for self-service. */
  elsewhere?: Record<string, Record<string, string>>;
  selfService?: boolean;
}

function world(data: Record<string, string> | undefined, { answer = () => 200, configRead = Promise.resolve(), elsewhere = {}, selfService = false }: WorldOptions = {}) {
  const requests: Array<{ url: string; body: string }> = [];
  const written = { notified: [] as string[], warnings: [] as RecordedEvent[], delivered: [] as RecordedEvent[], sent: [] as string[], failed: [] as string[] };
  const http: HttpPort = async (url, init) => {
    requests.push({ url, body: init?.body ?? '' });
    const status = answer(url, init?.body ?? '');
    return { status, text: async () => '' };
  };
  const ports: NotifierPorts = {
    source: {
      read: async (namespace) => {
        await configRead;
        const found = namespace === 'ramp' ? data : elsewhere[namespace];
        return found ? { data: found, secret: { token: 's3cret' }, version: '1' } : undefined;
      },
    },
    services: { http, smtp: async () => undefined, sleep: async () => undefined },
    patchNotified: async (_kind, _object, value) => void written.notified.push(value),
    record: async (_kind, _object, event) => void (event.type === 'Warning' ? written.warnings : written.delivered).push(event),
    metrics: { sent: (_o, e) => void written.sent.push(e.reason), failed: (_o, e) => void written.failed.push(e.reason), duration: () => undefined },
    now: () => 1_700_000_000_000,
    logger: pino({ level: 'silent' }),
  };
  return { notifier: new Notifier(ports, 'ramp', selfService), requests, written };
}

const paused: RecordedEvent = { type: 'Normal', reason: 'RolloutPaused', message: 'Rollout is paused (CanaryPauseStep)' };
const rollout = (annotations: Record<string, string>, status: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 'app', namespace: 'shop', annotations }, status } as KubeObject);
const SUBSCRIBED = { 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '' };

describe('Notifier', () => {
  it('queues without waiting, then sends the rendered template and counts it', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const w = world({ 'service.webhook.hook': 'url: http://hook/x\nheaders:\n- name: T\n  value: $token\n' }, { configRead: gate });
    w.notifier.notify('Rollout', rollout(SUBSCRIBED), paused);
    assert.equal(w.requests.length, 0, 'notify() returned before anything was sent');
    release();
    await w.notifier.idle();
    assert.deepEqual(w.requests, [{ url: 'http://hook/x', body: 'Rollout app has been paused.' }]);
    assert.deepEqual(w.written.sent, ['RolloutPaused']);
    assert.deepEqual(w.written.warnings, []);
    assert.deepEqual(w.written.delivered, [{ type: 'Normal', reason: 'NotificationSent', message: 'on-rollout-paused: rollout-paused via webhook.hook sent' }]);
  });

  it('turns a failed send into a counted error and a Warning event, and keeps delivering', async () => {
    const w = world({ 'service.webhook.hook': 'url: http://hook/x\nretryMax: 1\n', 'service.webhook.ok': 'url: http://ok/y' }, { answer: (url) => (url.startsWith('http://hook') ? 500 : 200) });
    w.notifier.notify('Rollout', rollout({ ...SUBSCRIBED, 'notifications.argoproj.io/subscribe.on-rollout-paused.ok': '' }), paused);
    await w.notifier.idle();
    assert.equal(w.requests.filter((r) => r.url.startsWith('http://hook')).length, 2, 'one retry');
    assert.deepEqual(w.written.failed, ['RolloutPaused']);
    assert.deepEqual(w.written.sent, ['RolloutPaused'], 'the other destination still got it');
    assert.equal(w.written.warnings.length, 1);
    assert.equal(w.written.warnings[0]!.reason, 'NotificationFailed');
    assert.match(w.written.warnings[0]!.message, /on-rollout-paused: rollout-paused via webhook\.hook failed: request to GET http:\/\/hook\/x has failed with error code 500/);
  });

  it('records oncePer state and does not resend it for the next event of the same object', async () => {
    const w = world({ 'service.webhook.hook': 'url: http://hook/x', 'trigger.on-rollout-paused': '- send: [rollout-paused]\n  oncePer: rollout.status.currentPodHash\n' });
    const ro = rollout(SUBSCRIBED, { currentPodHash: 'abc' });
    w.notifier.notify('Rollout', ro, paused);
    w.notifier.notify('Rollout', ro, paused);
    await w.notifier.idle();
    assert.equal(w.requests.length, 1);
    assert.equal(w.written.notified.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(w.written.notified[0]!) as object).map((k) => k.split(':')[0]), ['abc']);
  });

  it('reports a bad service setting as a config error on the subscribed object', async () => {
    const w = world({ 'service.webhook.hook': 'headers: []' });
    w.notifier.notify('Rollout', rollout(SUBSCRIBED), paused);
    await w.notifier.idle();
    assert.deepEqual(w.written.warnings.map((e) => [e.type, e.reason]), [['Warning', 'NotificationConfigError']]);
    assert.match(w.written.warnings[0]!.message, /service hook: url is required/);
    assert.deepEqual(w.written.failed, ['RolloutPaused']);
  });

  it('sends nothing without the ConfigMap', async () => {
    const w = world(undefined);
    w.notifier.notify('Rollout', rollout(SUBSCRIBED), paused);
    await w.notifier.idle();
    assert.deepEqual([w.requests, w.written.warnings, w.written.failed], [[], [], []]);
  });

  it("looks at the state after passes: a when condition is sent once as it starts to hold, counted under its trigger", async () => {
    const w = world({ 'service.webhook.hook': 'url: http://hook/x', 'trigger.on-degraded': "- when: rollout.status.phase == 'Degraded'\n  send: [rollout-aborted]\n" });
    const ro = (phase: string) => rollout({ 'notifications.argoproj.io/subscribe.on-degraded.hook': '' }, { phase });
    w.notifier.observe('Rollout', ro('Progressing'));
    await w.notifier.idle();
    w.notifier.observe('Rollout', ro('Degraded'));
    w.notifier.observe('Rollout', ro('Degraded'));
    await w.notifier.idle();
    w.notifier.observe('Rollout', ro('Degraded'));
    await w.notifier.idle();
    assert.deepEqual(w.requests.map((r) => r.body), ['Rollout app has been aborted.']);
    assert.deepEqual(w.written.sent, ['on-degraded']);
    assert.equal(w.written.notified.length, 1);
  });

  it('a when condition whose send failed is not recorded, so the next look sends it again, as Argo retries it', async () => {
    let down = true;
    const w = world({ 'service.webhook.hook': 'url: http://hook/x\nretryMax: 1\n', 'trigger.on-degraded': "- when: rollout.status.phase == 'Degraded'\n  send: [rollout-aborted]\n" }, { answer: () => (down ? 503 : 200) });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-degraded.hook': '' }, { phase: 'Degraded' });
    w.notifier.observe('Rollout', ro);
    await w.notifier.idle();
    assert.deepEqual([w.written.failed, w.written.notified], [['on-degraded'], []], 'failed, and nothing recorded');
    down = false;
    w.notifier.observe('Rollout', ro);
    await w.notifier.idle();
    w.notifier.observe('Rollout', ro);
    await w.notifier.idle();
    assert.deepEqual(w.written.sent, ['on-degraded'], 'sent once it could be, then not again');
    assert.equal(w.written.notified.length, 1);
    assert.deepEqual(w.written.warnings.map((e) => e.reason), ['NotificationFailed']);
  });

  it('a template that fails to execute is a config error naming it, recorded as sent: it would fail the same way again', async () => {
    const w = world({ 'service.webhook.hook': 'url: http://hook/x', 'template.bad': 'message: "{{index .rollout.spec.missing 3}}"\n', 'trigger.on-degraded': "- when: rollout.status.phase == 'Degraded'\n  send: [bad]\n" });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-degraded.hook': '' }, { phase: 'Degraded' });
    w.notifier.observe('Rollout', ro);
    await w.notifier.idle();
    w.notifier.observe('Rollout', ro);
    await w.notifier.idle();
    assert.deepEqual(w.requests, []);
    assert.deepEqual(w.written.warnings.map((e) => e.reason), ['NotificationConfigError']);
    assert.match(w.written.warnings[0]!.message, /^on-degraded: bad via webhook\.hook failed: template bad: executing: /);
    assert.equal(w.written.notified.length, 1);
  });

  it('reports a condition that fails to evaluate once, not at every pass', async () => {
    const w = world({ 'service.webhook.hook': 'url: http://hook/x', 'trigger.on-odd': '- when: rollout.status.phase > 3\n  send: [rollout-aborted]\n' });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-odd.hook': '' }, { phase: 'Healthy' });
    for (let i = 0; i < 3; i++) {
      w.notifier.observe('Rollout', ro);
      await w.notifier.idle();
    }
    assert.equal(w.written.warnings.length, 1);
    assert.equal(w.written.warnings[0]!.reason, 'NotificationConfigError');
  });

  it("with self-service, also sends through the configuration in the object's namespace, its notified keys prefixed by it", async () => {
    const trigger = "- when: rollout.status.phase == 'Degraded'\n  send: [rollout-aborted]\n";
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-degraded.hook': '' }, { phase: 'Degraded' });
    const own = { 'service.webhook.hook': 'url: http://team-hook/x', 'trigger.on-degraded': trigger };
    const w = world({ 'service.webhook.hook': 'url: http://central/x', 'trigger.on-degraded': trigger }, { elsewhere: { shop: own }, selfService: true });
    w.notifier.observe('Rollout', ro);
    w.notifier.notify('Rollout', rollout({ 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '' }), paused);
    await w.notifier.idle();
    assert.deepEqual(w.requests.map((r) => r.url), ['http://team-hook/x', 'http://central/x', 'http://team-hook/x', 'http://central/x']);
    const keys = Object.keys(JSON.parse(w.written.notified.at(-1)!) as object);
    assert.equal(keys.length, 2);
    assert.ok(keys.some((k) => k.startsWith('shop:on-degraded:[0].')), `the object's own configuration's key: ${keys}`);
    assert.ok(keys.some((k) => k.startsWith('on-degraded:[0].')), `the controller's configuration's key: ${keys}`);
    const without = world({ 'service.webhook.hook': 'url: http://central/x' }, { elsewhere: { shop: own } });
    without.notifier.notify('Rollout', rollout({ 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '' }), paused);
    await without.notifier.idle();
    assert.deepEqual(without.requests.map((r) => r.url), ['http://central/x'], "without it, only the controller's namespace");
  });
});
