import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOG, triggerForReason } from '../../../controller/notifications/catalog.ts';
import { parseConfig } from '../../../controller/notifications/config.ts';
import { renderNotification, templateVars } from '../../../controller/notifications/render.ts';

const rollout = {
  metadata: { name: 'guestbook', namespace: 'shop' },
  spec: { replicas: 3, strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 60 }] } }, template: { spec: { containers: [{ name: 'web', image: 'guestbook:v2' }] } } },
  status: { currentStepIndex: 1, updatedReplicas: 2 },
};
const vars = templateVars(rollout, new Date('2026-01-02T03:04:05Z'), {});

describe("Argo's catalog", () => {
  it('turns event reasons into trigger names as record.go does', () => {
    assert.equal(triggerForReason('RolloutPaused'), 'on-rollout-paused');
    assert.equal(triggerForReason('RolloutStepCompleted'), 'on-rollout-step-completed');
    assert.equal(triggerForReason('ScalingReplicaSet'), 'on-scaling-replica-set');
    assert.equal(triggerForReason('AnalysisRunFailed'), 'on-analysis-run-failed');
  });

  it('has every built-in trigger and template of Argo Rollouts, rendering their messages', () => {
    const config = parseConfig({});
    assert.deepEqual([...config.triggers.keys()].sort(), CATALOG.map((e) => e.trigger).sort());
    const message = (template: string): string => renderNotification(config.templates.get(template)!, vars).message;
    assert.equal(message('rollout-paused'), 'Rollout guestbook has been paused.');
    assert.equal(message('rollout-step-completed'), 'Rollout guestbook step number 2/3 has been completed.');
    assert.equal(message('scaling-replicaset'), "Scaling Rollout guestbook's replicaset to 3.");
    assert.equal(message('analysis-run-failed'), "Rollout guestbook's analysis run failed.");
    const scaling = renderNotification(config.templates.get('scaling-replicaset')!, vars);
    const attachments = JSON.parse((scaling.slack as { attachments: string }).attachments) as Array<{ fields: Array<{ title: string; value: string }> }>;
    assert.deepEqual(attachments[0]!.fields.map((f) => `${f.title}=${f.value}`), ['Strategy=Canary', 'Desired replica=3', 'Updated replicas=2', 'web=guestbook:v2']);
  });

  it('lets the ConfigMap replace a built-in template by name', () => {
    const config = parseConfig({ 'template.rollout-paused': 'message: "{{.rollout.metadata.name}} waits"' });
    assert.equal(renderNotification(config.templates.get('rollout-paused')!, vars).message, 'guestbook waits');
  });
});

describe('parseConfig', () => {
  it('reads services with $secret references anywhere in a value, by type and name', () => {
    const config = parseConfig(
      {
        'service.slack': 'token: $slack-token',
        'service.webhook.github': 'url: https://api.github.com\nheaders:\n- name: Authorization\n  value: token $github-token\n- name: X-Price\n  value: costs $5 or $unknown\n',
      },
      { 'slack-token': 'xoxb-1', 'github-token': 'ghp-2' },
    );
    assert.deepEqual(config.errors, []);
    assert.deepEqual(config.services.get('slack'), { type: 'slack', name: 'slack', settings: { token: 'xoxb-1' } });
    assert.deepEqual(config.services.get('github')?.settings.headers, [
      { name: 'Authorization', value: 'token ghp-2' },
      { name: 'X-Price', value: 'costs $5 or $unknown' },
    ], 'a reference to no key inside a longer value is left as written, as Argo leaves it');
  });

  it('reports a $reference to a key the Secret lacks, naming the key, and keeps the rest', () => {
    const config = parseConfig({ 'service.slack': 'token: $missing', 'service.webhook.a': 'url: http://a' });
    assert.deepEqual(config.errors, ['service.slack: $missing names no key of argo-rollouts-notification-secret']);
    assert.ok(config.services.has('a'));
  });

  it('reads triggers with when, send and oncePer, and default triggers, global and per service', () => {
    const config = parseConfig({
      'trigger.on-big-step': '- when: rollout.status.currentStepIndex > 1\n  send: [rollout-paused]\n  oncePer: rollout.metadata.name\n- send: [rollout-updated]\n',
      defaultTriggers: '[on-rollout-paused]',
      'defaultTriggers.slack': '- on-rollout-aborted\n- on-rollout-completed\n',
      subscriptions: '- recipients: [slack:deploys]\n  triggers: [on-rollout-aborted]\n  selector: team=web\n',
    });
    assert.deepEqual(config.errors, []);
    const [first, second] = config.triggers.get('on-big-step')!;
    assert.deepEqual(first!.send, ['rollout-paused']);
    assert.equal(first!.when?.run({ rollout }), false);
    assert.equal(first!.when?.run({ rollout: { status: { currentStepIndex: 2 } } }), true);
    assert.equal(first!.oncePer?.run({ rollout }), 'guestbook');
    assert.equal(second!.when, undefined);
    assert.notEqual(first!.key, second!.key);
    assert.deepEqual(config.defaultTriggers, ['on-rollout-paused']);
    assert.deepEqual(config.serviceDefaultTriggers.get('slack'), ['on-rollout-aborted', 'on-rollout-completed']);
    assert.deepEqual(config.subscriptions, [{ recipients: ['slack:deploys'], triggers: ['on-rollout-aborted'], selector: { team: 'web' } }]);
  });

  it('names the key of a bad condition, template or entry', () => {
    const config = parseConfig({
      'trigger.bad': '- when: rollout.status ==\n  send: [x]\n',
      'template.broken': 'message: "{{define \\"x\\"}}{{end}}"',
      'trigger.notalist': 'send: [x]',
      nonsense: 'x',
      context: 'argocdUrl: https://cd.example.com',
    });
    assert.equal(config.errors.length, 5);
    assert.ok(config.errors.includes("context: not read: it is Argo CD's, and Argo Rollouts' templates have no .context"));
    assert.match(config.errors.find((e) => e.startsWith('template.broken'))!, /template broken: \{\{define\}\} is not supported/);
    assert.ok(config.errors.some((e) => e.startsWith('trigger.bad: ')));
    assert.ok(config.errors.includes('trigger.notalist: a trigger is a list of conditions'));
    assert.ok(config.errors.includes('nonsense: unknown key'));
  });
});
