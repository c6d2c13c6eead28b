import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../../controller/kube/resources.ts';
import { FakeKube } from '../../support/fake-kube.ts';
import { run } from './cli-env.ts';

const DATA = {
  'service.webhook.hook': 'url: http://hook.example/x\nheaders:\n- name: X-Token\n  value: $token\n',
  'service.opsgenie': 'apiUrl: https://api.opsgenie.com\n',
  'template.my-template': 'message: |\n  {{.rollout.metadata.name}} runs {{(index .rollout.spec.template.spec.containers 0).image}}\n  second line\nwebhook:\n  hook:\n    method: POST\n    body: \'{"name": "{{.rollout.metadata.name}}", "token": "{{.secrets.token}}"}\'\n',
  'template.no-message': 'email:\n  subject: "{{.rollout.metadata.name}} changed"\n',
  'trigger.on-big': "- when: rollout.spec.replicas > 3\n  oncePer: rollout.metadata.generation\n  description: big rollouts\n  send: [my-template]\n- when: rollout.spec.replicas > 10\n  send: [my-template, no-message]\n",
};

const configMap = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'argo-rollouts-notification-configmap', namespace: 'demo' }, data }) as unknown as KubeObject;
const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'argo-rollouts-notification-secret', namespace: 'demo' }, data: { token: Buffer.from('s3cret').toString('base64') } } as unknown as KubeObject;
const rollout: KubeObject = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'guestbook', namespace: 'demo', generation: 2 },
  spec: { replicas: 4, strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } }, template: { spec: { containers: [{ name: 'app', image: 'registry/app:v2' }] } } },
  status: { currentStepIndex: 1 },
} as unknown as KubeObject;

const cluster = (objects: KubeObject[] = [configMap(DATA), secret, rollout]) => new FakeKube(objects);

describe('notifications template get', () => {
  it('lists every template, the built-in catalog included, NAME and PREVIEW as Argo prints them', async () => {
    const result = await run(['notifications', 'template', 'get'], { kube: cluster() });
    assert.equal(result.code, 0, result.err);
    assert.equal(result.err, '');
    const lines = result.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME +PREVIEW$/);
    const names = lines.slice(1).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(names, [
      'analysis-run-error', 'analysis-run-failed', 'analysis-run-running', 'my-template', 'no-message',
      'rollout-aborted', 'rollout-completed', 'rollout-paused', 'rollout-step-completed', 'rollout-updated', 'scaling-replicaset',
    ]);
    const column = lines[0]!.indexOf('PREVIEW');
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))!;
    assert.equal(row('my-template').slice(column), '{{.rollout.metadata.name}} runs {{(index .rollout.spec.template.spec.containers 0).image}}', 'the first line of the message');
    assert.equal(row('no-message').slice(column), '{"email":{"subject":"{{.rollout.metadata.name}} changed"}}', 'no message: the template as JSON');
    assert.equal(row('rollout-paused').slice(column), 'Rollout {{.rollout.metadata.name}} has been paused.');
  });

  it('NAME -o yaml|json prints that template as written; -o name the names', async () => {
    const kube = cluster();
    const yaml = await run(['notifications', 'template', 'get', 'my-template', '-o', 'yaml'], { kube });
    assert.equal(yaml.code, 0, yaml.err);
    assert.deepEqual(parse(yaml.out), { 'my-template': parse(DATA['template.my-template']) });
    const json = await run(['notifications', 'template', 'get', 'rollout-completed', '-o', 'json'], { kube });
    const completed = (JSON.parse(json.out) as Record<string, { message: string; email: { subject: string }; slack: { attachments: string } }>)['rollout-completed']!;
    assert.equal(completed.message, 'Rollout {{.rollout.metadata.name}} has been completed.');
    assert.equal(completed.email.subject, completed.message);
    assert.match(completed.slack.attachments, /"color": "#18be52"/);
    const names = await run(['notifications', 'template', 'get', '-o', 'name'], { kube });
    assert.equal(names.out.split('\n').filter(Boolean).length, 11);
  });

  it('reads the ConfigMap from --config-map and no Secret with --secret :empty, without a cluster', async () => {
    const files = { 'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argo-rollouts-notification-configmap\ndata:\n  template.hello: "message: hello"\n` };
    const result = await run(['notifications', '--config-map', 'cm.yaml', '--secret', ':empty', 'template', 'get', 'hello'], { files });
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(result.out.split('\n').slice(1), ['hello  hello', '']);
  });

  it('errors say what is wrong: an unknown template, no ConfigMap, a file without it, a bad -o', async () => {
    const cases: Array<[string[], { kube?: FakeKube; files?: Record<string, string> }, RegExp]> = [
      [['notifications', 'template', 'get', 'nope'], { kube: cluster() }, /^error: template nope is not configured; configured: analysis-run-error, /],
      [['notifications', 'template', 'get'], { kube: cluster([]) }, /^error: configmap "argo-rollouts-notification-configmap" not found in namespace "demo"/],
      [['notifications', '--config-map', 'x.yaml', 'template', 'get'], { files: { 'x.yaml': 'kind: ConfigMap\nmetadata:\n  name: other\n' } }, /^error: file 'x\.yaml' does not have ConfigMap argo-rollouts-notification-configmap\n$/],
      [['notifications', 'trigger', 'get', '-o', 'table'], { kube: cluster() }, /^error: unknown output format "table"; use one of: wide, name, json, yaml\n$/],
    ];
    for (const [argv, opts, pattern] of cases) {
      const result = await run(argv, opts);
      assert.equal(result.code, 1, argv.join(' '));
      assert.match(result.err, pattern);
    }
  });

  it('a key that does not parse is a warning naming it; the rest is listed', async () => {
    const result = await run(['notifications', 'template', 'get', 'my-template'], { kube: cluster([configMap({ ...DATA, 'template.broken': 'message: "{{if .rollout}}"' }), secret]) });
    assert.equal(result.code, 0);
    assert.match(result.err, /^warning: argo-rollouts-notification-configmap: template\.broken: template broken: .*\n$/);
    assert.match(result.out, /^my-template /m);
  });
});

describe('notifications trigger get', () => {
  it('one line per condition, the name on the first, templates and condition as Argo prints them', async () => {
    const result = await run(['notifications', 'trigger', 'get'], { kube: cluster() });
    assert.equal(result.code, 0, result.err);
    const lines = result.out.trimEnd().split('\n').map((l) => l.split(/ {2,}/));
    assert.deepEqual(lines[0], ['NAME', 'TEMPLATE', 'CONDITION']);
    const at = lines.findIndex((l) => l[0] === 'on-big');
    assert.deepEqual(lines[at], ['on-big', 'my-template', 'rollout.spec.replicas > 3']);
    assert.deepEqual(lines[at + 1], ['', 'my-template, no-message', 'rollout.spec.replicas > 10']);
    assert.deepEqual(lines.find((l) => l[0] === 'on-rollout-paused'), ['on-rollout-paused', 'rollout-paused']);
    assert.equal(lines.length, 1 + 9 + 2, 'the nine built-in triggers and the two conditions of on-big');
  });

  it('-o yaml prints the conditions with Argo\'s field names', async () => {
    const result = await run(['notifications', 'trigger', 'get', 'on-big', '-o', 'yaml'], { kube: cluster() });
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(parse(result.out), {
      'on-big': [
        { oncePer: 'rollout.metadata.generation', when: 'rollout.spec.replicas > 3', description: 'big rollouts', send: ['my-template'] },
        { when: 'rollout.spec.replicas > 10', send: ['my-template', 'no-message'] },
      ],
    });
  });
});

describe('notifications trigger run', () => {
  it("evaluates each condition's when over the live Rollout; one without when does not hold, as Argo compiles it", async () => {
    const kube = cluster();
    const big = await run(['notifications', 'trigger', 'run', 'on-big', 'guestbook'], { kube });
    assert.equal(big.code, 0, big.err);
    assert.deepEqual(big.out.trimEnd().split('\n').map((l) => l.split(/ {2,}/)), [['CONDITION', 'RESULT'], ['rollout.spec.replicas > 3', 'true'], ['rollout.spec.replicas > 10', 'false']]);
    const paused = await run(['notifications', 'trigger', 'run', 'on-rollout-paused', 'guestbook'], { kube });
    assert.deepEqual(paused.out.trimEnd().split('\n').map((l) => l.trim().split(/ {2,}/)), [['CONDITION', 'RESULT'], ['false']]);
  });

  it('a condition that fails to evaluate does not hold and says why; an unknown trigger is an error', async () => {
    const kube = cluster([configMap({ 'trigger.on-odd': '- when: rollout.status.phase > 3\n  send: [rollout-paused]\n' }), rollout]);
    const odd = await run(['notifications', 'trigger', 'run', 'on-odd', 'guestbook'], { kube });
    assert.equal(odd.code, 0);
    assert.match(odd.err, /^warning: failed to evaluate "rollout\.status\.phase > 3": /);
    assert.match(odd.out, /^rollout\.status\.phase > 3 +false$/m);
    const nope = await run(['notifications', 'trigger', 'run', 'nope', 'guestbook'], { kube });
    assert.equal(nope.code, 1);
    assert.match(nope.err, /^error: trigger nope is not configured \(configured: on-analysis-run-error, /);
  });
});

describe('notifications template notify', () => {
  it('renders the template against the live Rollout and prints the notification, secrets and all', async () => {
    const result = await run(['notifications', 'template', 'notify', 'my-template', 'guestbook'], { kube: cluster() });
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(parse(result.out), {
      message: 'guestbook runs registry/app:v2\nsecond line\n',
      webhook: { hook: { method: 'POST', body: '{"name": "guestbook", "token": "s3cret"}' } },
    });
  });

  it('a built-in template renders as the controller sends it', async () => {
    const result = await run(['notifications', 'template', 'notify', 'rollout-step-completed', 'guestbook'], { kube: cluster() });
    assert.equal(result.code, 0, result.err);
    const n = parse(result.out) as { message: string; slack: { attachments: string } };
    assert.equal(n.message, 'Rollout guestbook step number 2/2 has been completed.');
    assert.deepEqual(JSON.parse(n.slack.attachments)[0].fields, [
      { title: 'Strategy', value: 'Canary', short: true },
      { title: 'app', value: 'registry/app:v2', short: true },
    ]);
  });

  it('reads the Rollout from a file of that name', async () => {
    const files = { 'ro.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: from-file\n' };
    const result = await run(['notifications', 'template', 'notify', 'rollout-paused', 'ro.yaml'], { kube: cluster(), files });
    assert.equal(result.code, 0, result.err);
    assert.equal((parse(result.out) as { message: string }).message, 'Rollout from-file has been paused.');
  });

  it('a recipient the configuration cannot send to is an error saying why; nothing is printed', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['my-template', 'guestbook', '--recipient', 'slack:team'], /^error: failed to notify 'slack:team': service slack is not configured in argo-rollouts-notification-configmap \(configured: hook, opsgenie\)\n$/],
      [['my-template', 'guestbook', '--recipient', 'opsgenie:team'], /^error: failed to notify 'opsgenie:team': notification service opsgenie \(opsgenie\) is not supported by Ramp/],
      [['nope', 'guestbook'], /^error: template nope is not configured \(configured: analysis-run-error, /],
      [['my-template', 'missing'], /^error: rollout "missing" not found in namespace "demo"/],
    ];
    for (const [args, pattern] of cases) {
      const result = await run(['notifications', 'template', 'notify', ...args], { kube: cluster() });
      assert.equal(result.code, 1, args.join(' '));
      assert.match(result.err, pattern);
      assert.equal(result.out, '');
    }
  });
});
