import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../controller/notifications/config.ts';
import { destinations, planNotifications, planStateNotifications } from '../../../controller/notifications/decide.ts';

const SERVICES = { 'service.webhook.hook': 'url: http://hook', 'service.slack': 'token: t', 'service.email': 'host: smtp\nport: 25\nfrom: a@b' };

function rollout(annotations: Record<string, string>, labels: Record<string, string> = {}, status: Record<string, unknown> = {}) {
  return { metadata: { name: 'app', namespace: 'ns', annotations, labels }, spec: { replicas: 2 }, status };
}

const summary = (plan: ReturnType<typeof planNotifications>) => plan.sends.map((s) => `${s.trigger} ${s.template.name} -> ${s.service.name}:${s.recipient}`);

describe('destinations', () => {
  it('reads subscribe annotations as the notifications engine: recipients split on ";" only, default triggers for a bare service', () => {
    const config = parseConfig({ ...SERVICES, defaultTriggers: '[on-rollout-completed, on-rollout-aborted]', 'defaultTriggers.slack': '[on-rollout-paused]' });
    const d = destinations(config, rollout({
      'notifications.argoproj.io/subscribe.on-rollout-paused.email': 'a@x.io,b@x.io; c@x.io',
      'notifications.argoproj.io/subscribe.hook': '',
      'notifications.argoproj.io/subscribe.slack': 'deploys',
      'unrelated/annotation': 'x',
    }));
    assert.deepEqual(Object.fromEntries(d), {
      'on-rollout-paused': [{ service: 'email', recipient: 'a@x.io,b@x.io' }, { service: 'email', recipient: 'c@x.io' }, { service: 'slack', recipient: 'deploys' }],
      'on-rollout-completed': [{ service: 'hook', recipient: '' }],
      'on-rollout-aborted': [{ service: 'hook', recipient: '' }],
    });
  });

  it('reads the subscriptions annotation and global subscriptions whose selector matches the labels', () => {
    const config = parseConfig({ ...SERVICES, subscriptions: '- recipients: [slack:ops]\n  triggers: [on-rollout-aborted]\n  selector: team=web\n- recipients: [slack:all]\n  triggers: [on-rollout-aborted]\n' });
    const annotated = rollout({ 'notifications.argoproj.io/subscriptions': '- trigger: [on-rollout-paused]\n  destinations:\n  - service: slack\n    recipients: [a, b]\n' }, { team: 'web' });
    assert.deepEqual(Object.fromEntries(destinations(config, annotated)), {
      'on-rollout-aborted': [{ service: 'slack', recipient: 'ops' }, { service: 'slack', recipient: 'all' }],
      'on-rollout-paused': [{ service: 'slack', recipient: 'a' }, { service: 'slack', recipient: 'b' }],
    });
    assert.deepEqual(destinations(config, rollout({}, { team: 'db' })).get('on-rollout-aborted'), [{ service: 'slack', recipient: 'all' }]);
  });
});

describe('planNotifications', () => {
  it('sends the built-in template of the trigger the event reason names, to each subscribed destination', () => {
    const config = parseConfig(SERVICES);
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '', 'notifications.argoproj.io/subscribe.on-rollout-paused.slack': 'c1;c2' });
    assert.deepEqual(summary(planNotifications(config, ro, 'RolloutPaused', {}, 0)), [
      'on-rollout-paused rollout-paused -> hook:',
      'on-rollout-paused rollout-paused -> slack:c1',
      'on-rollout-paused rollout-paused -> slack:c2',
    ]);
    assert.deepEqual(planNotifications(config, ro, 'RolloutCompleted', {}, 0), { sends: [], warnings: [] }, 'not subscribed to that trigger');
  });

  it("an event sends the trigger's unconditional conditions; those with when are left to the state", () => {
    const config = parseConfig({
      ...SERVICES,
      'trigger.on-rollout-step-completed': '- when: rollout.status.currentStepIndex >= 2\n  send: [rollout-step-completed]\n- send: [rollout-updated]\n',
    });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-rollout-step-completed.hook': '' }, {}, { currentStepIndex: 2 });
    assert.deepEqual(summary(planNotifications(config, ro, 'RolloutStepCompleted', {}, 0)), ['on-rollout-step-completed rollout-updated -> hook:']);
  });

  it('sends a oncePer condition once per value, keeping what was sent in the notified annotation', () => {
    const config = parseConfig({ ...SERVICES, 'trigger.on-rollout-paused': '- send: [rollout-paused]\n  oncePer: rollout.status.currentPodHash\n' });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '' }, {}, { currentPodHash: 'abc' });
    const first = planNotifications(config, ro, 'RolloutPaused', {}, 1_700_000_000_000);
    assert.equal(first.sends.length, 1);
    const keys = Object.keys(first.notified ?? {});
    assert.equal(keys.length, 1);
    assert.equal(keys[0], 'abc:on-rollout-paused:[0].2jmj7l5rSw0yVb_vlWAYkK_YBwk:hook:', "Argo's key: the condition's index and the sha1 of its (empty) when");
    assert.equal(first.notified![keys[0]!], 1_700_000_000);
    const again = planNotifications(config, ro, 'RolloutPaused', first.notified!, 1_700_000_100_000);
    assert.deepEqual(again, { sends: [], warnings: [] }, 'the same hash is not sent twice, even after a restart that reads the annotation');
    const next = planNotifications(config, { ...ro, status: { currentPodHash: 'def' } }, 'RolloutPaused', first.notified!, 1_700_000_200_000);
    assert.equal(next.sends.length, 1);
    assert.equal(Object.keys(next.notified ?? {}).length, 2);
  });

  it('warns about an unsupported service, an unknown service or template, and config errors, only when subscribed', () => {
    const config = parseConfig({
      ...SERVICES,
      'service.opsgenie': 'apiUrl: x',
      'trigger.on-rollout-aborted': '- send: [nowhere]\n',
      'template.bad': 'message: "{{define \\"x\\"}}{{end}}"',
    });
    const ro = rollout({
      'notifications.argoproj.io/subscribe.on-rollout-aborted.opsgenie': 'team',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.ghost': 'x',
      'notifications.argoproj.io/subscribe.on-rollout-aborted.hook': '',
    });
    const plan = planNotifications(config, ro, 'RolloutAborted', {}, 0);
    assert.deepEqual(plan.sends, []);
    assert.deepEqual(plan.warnings.map((w) => w.reason), ['NotificationConfigError', 'NotificationServiceUnsupported', 'NotificationConfigError', 'NotificationConfigError']);
    assert.match(plan.warnings[0]!.message, /template\.bad/);
    assert.match(plan.warnings[1]!.message, /opsgenie .*not supported/);
    assert.match(plan.warnings[2]!.message, /service ghost is not configured/);
    assert.match(plan.warnings[3]!.message, /template nowhere is not configured/);
    assert.deepEqual(planNotifications(config, rollout({}), 'RolloutAborted', {}, 0).warnings, [], 'an object without subscriptions hears nothing');
  });
});

describe('planStateNotifications', () => {
  const config = parseConfig({
    ...SERVICES,
    'trigger.on-degraded': "- when: rollout.status.phase == 'Degraded'\n  send: [rollout-aborted]\n",
    'trigger.on-step': '- when: rollout.status.currentStepIndex >= 1\n  send: [rollout-step-completed]\n  oncePer: rollout.status.currentPodHash\n',
  });
  const subscribed = (status: Record<string, unknown>, notified?: Record<string, number>) =>
    rollout({ 'notifications.argoproj.io/subscribe.on-degraded.hook': '', 'notifications.argoproj.io/subscribe.on-step.slack': 'c', ...(notified ? { 'notified.notifications.argoproj.io': JSON.stringify(notified) } : {}) }, {}, status);

  it('sends a when condition as it starts to hold, once, and again after it stopped holding', () => {
    const healthy = planStateNotifications(config, subscribed({ phase: 'Healthy', currentStepIndex: 0 }), {}, 1000);
    assert.deepEqual(healthy, { sends: [], warnings: [] });
    const degraded = planStateNotifications(config, subscribed({ phase: 'Degraded', currentStepIndex: 0 }), {}, 2000);
    assert.deepEqual(summary(degraded), ['on-degraded rollout-aborted -> hook:']);
    const key = Object.keys(degraded.notified!)[0]!;
    assert.match(key, /^on-degraded:\[0\]\.[A-Za-z0-9_-]+:hook:$/);
    assert.deepEqual(planStateNotifications(config, subscribed({ phase: 'Degraded', currentStepIndex: 0 }), degraded.notified!, 3000), { sends: [], warnings: [] }, 'still degraded: already sent');
    const recovered = planStateNotifications(config, subscribed({ phase: 'Healthy', currentStepIndex: 0 }), degraded.notified!, 4000);
    assert.deepEqual(recovered.sends, []);
    assert.deepEqual(recovered.notified, {}, 'forgotten once it no longer holds');
    assert.equal(planStateNotifications(config, subscribed({ phase: 'Degraded', currentStepIndex: 0 }), recovered.notified!, 5000).sends.length, 1);
  });

  it('with oncePer, sends once per value and never forgets it', () => {
    const first = planStateNotifications(config, subscribed({ phase: 'Progressing', currentStepIndex: 1, currentPodHash: 'h1' }), {}, 1000);
    assert.deepEqual(summary(first), ['on-step rollout-step-completed -> slack:c']);
    const back = planStateNotifications(config, subscribed({ phase: 'Progressing', currentStepIndex: 0, currentPodHash: 'h1' }), first.notified!, 2000);
    assert.equal(back.notified, undefined, 'a oncePer entry is kept when the condition stops holding');
    assert.deepEqual(planStateNotifications(config, subscribed({ phase: 'Progressing', currentStepIndex: 1, currentPodHash: 'h1' }), first.notified!, 3000).sends, []);
    assert.equal(planStateNotifications(config, subscribed({ phase: 'Progressing', currentStepIndex: 1, currentPodHash: 'h2' }), first.notified!, 4000).sends.length, 1);
  });

  it('keeps the notified history to the newest 100 entries, as Argo', () => {
    const old = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x${i}:on-step:[0].k:slack:c`, i]));
    const plan = planStateNotifications(config, subscribed({ phase: 'Degraded', currentStepIndex: 0 }), old, 1_000_000);
    assert.equal(Object.keys(plan.notified!).length, 100);
    assert.ok(!Object.hasOwn(plan.notified!, 'x0:on-step:[0].k:slack:c'), 'the oldest entry went');
  });
});
