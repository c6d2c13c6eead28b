import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../controller/notifications/config.ts';
import { destinations, planNotifications } from '../../../controller/notifications/decide.ts';

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

  it("sends what each condition whose when holds names, Argo's unconditional ones always", () => {
    const config = parseConfig({
      ...SERVICES,
      'trigger.on-rollout-step-completed': '- when: rollout.status.currentStepIndex >= 2\n  send: [rollout-step-completed]\n- send: [rollout-updated]\n',
    });
    const subscribed = (status: Record<string, unknown>) => rollout({ 'notifications.argoproj.io/subscribe.on-rollout-step-completed.hook': '' }, {}, status);
    assert.deepEqual(summary(planNotifications(config, subscribed({ currentStepIndex: 1 }), 'RolloutStepCompleted', {}, 0)), ['on-rollout-step-completed rollout-updated -> hook:']);
    assert.deepEqual(summary(planNotifications(config, subscribed({ currentStepIndex: 2 }), 'RolloutStepCompleted', {}, 0)), [
      'on-rollout-step-completed rollout-step-completed -> hook:',
      'on-rollout-step-completed rollout-updated -> hook:',
    ]);
  });

  it('sends a oncePer condition once per value, keeping what was sent in the notified annotation', () => {
    const config = parseConfig({ ...SERVICES, 'trigger.on-rollout-paused': '- send: [rollout-paused]\n  oncePer: rollout.status.currentPodHash\n' });
    const ro = rollout({ 'notifications.argoproj.io/subscribe.on-rollout-paused.hook': '' }, {}, { currentPodHash: 'abc' });
    const first = planNotifications(config, ro, 'RolloutPaused', {}, 1_700_000_000_000);
    assert.equal(first.sends.length, 1);
    const keys = Object.keys(first.notified ?? {});
    assert.equal(keys.length, 1);
    assert.match(keys[0]!, /^abc:on-rollout-paused:\[0\]\.[a-z0-9]+:hook:$/);
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
