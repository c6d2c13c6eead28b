import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { nodeHttp } from '../../controller/http/client.ts';
import { parseConfig } from '../../controller/notifications/config.ts';
import { renderNotification, templateVars, type Notification } from '../../controller/notifications/render.ts';
import { createService, type ServiceDeps } from '../../controller/notifications/services/index.ts';
import { nodeSmtp } from '../../controller/notifications/services/smtp.ts';
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from '../support/notification-receivers.ts';

/**
 * Each notification service over the real network stack against an in-process server that
 * answers as the real one does: what arrives is what the service would have received.
 */

const waits: number[] = [];
const deps: ServiceDeps = { http: nodeHttp, smtp: nodeSmtp, sleep: async (ms) => void waits.push(ms) };

const rollout = {
  metadata: { name: 'guestbook', namespace: 'shop' },
  spec: { replicas: 3, strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }] } }, template: { spec: { containers: [{ name: 'web', image: 'guestbook:v2' }] } } },
  status: { currentStepIndex: 0, updatedReplicas: 1 },
};

/** The notification a template of the config renders for the rollout. */
function rendered(data: Record<string, string>, template: string, secret: Record<string, string> = {}): Notification {
  const config = parseConfig(data, secret);
  assert.deepEqual(config.errors, []);
  return renderNotification(config.templates.get(template)!, templateVars(rollout, new Date('2026-01-02T03:04:05Z'), secret));
}

function service(data: Record<string, string>, name: string, secret: Record<string, string> = {}) {
  const s = parseConfig(data, secret).services.get(name)!;
  return createService(s.type, s.name, s.settings, deps)!;
}

describe('webhook', () => {
  let hook: HttpReceiver;
  before(async () => {
    hook = await httpReceiver((req, i) => (req.path.startsWith('/flaky') && i % 3 < 2 ? { status: 503, body: 'busy' } : req.path.startsWith('/broken') ? { status: 400, body: 'bad payload' } : { status: 204, body: '' }));
  });
  after(() => hook.close());

  it("sends the template's webhook section: method, path appended to the url, body; with headers and basic auth", async () => {
    hook.requests.length = 0;
    const data = {
      'service.webhook.github': `url: ${hook.url}/api/\nheaders:\n- name: Content-Type\n  value: application/json\nbasicAuth:\n  username: bot\n  password: $pw\n`,
      'template.status': 'webhook:\n  github:\n    method: POST\n    path: /repos/{{.rollout.metadata.namespace}}/statuses\n    body: |\n      {"state": "success", "description": "{{.rollout.metadata.name}} step {{add .rollout.status.currentStepIndex 1}}"}\n',
    };
    await service(data, 'github', { pw: 'hunter2' }).send(rendered(data, 'status', { pw: 'hunter2' }), '');
    assert.equal(hook.requests.length, 1);
    const [req] = hook.requests;
    assert.equal(req!.method, 'POST');
    assert.equal(req!.path, '/api/repos/shop/statuses');
    assert.equal(req!.headers['content-type'], 'application/json');
    assert.equal(req!.headers.authorization, `Basic ${Buffer.from('bot:hunter2').toString('base64')}`);
    assert.deepEqual(JSON.parse(req!.body), { state: 'success', description: 'guestbook step 1' });
  });

  it('sends the message as a GET body when the template has no section for the service', async () => {
    hook.requests.length = 0;
    const data = { 'service.webhook.plain': `url: ${hook.url}/plain` };
    await service(data, 'plain').send(rendered(data, 'rollout-paused'), '');
    assert.deepEqual(hook.requests.map((r) => [r.method, r.path, r.body]), [['GET', '/plain', 'Rollout guestbook has been paused.']]);
  });

  it('retries 5xx answers with growing waits, up to retryMax', async () => {
    hook.requests.length = 0;
    waits.length = 0;
    const data = { 'service.webhook.flaky': `url: ${hook.url}/flaky\nretryWaitMin: 10ms\nretryWaitMax: 15ms\nretryMax: 2\n` };
    await service(data, 'flaky').send(rendered(data, 'rollout-paused'), '');
    assert.equal(hook.requests.length, 3, 'two 503s, then the 204');
    assert.deepEqual(waits, [10, 15]);
  });

  it('gives up on a 4xx at once, with the answer in the error', async () => {
    hook.requests.length = 0;
    const data = { 'service.webhook.broken': `url: ${hook.url}/broken` };
    await assert.rejects(service(data, 'broken').send(rendered(data, 'rollout-paused'), ''), /failed with error code 400 : bad payload/);
    assert.equal(hook.requests.length, 1);
  });
});

describe('slack', () => {
  let api: HttpReceiver;
  let ts = 0;
  before(async () => {
    api = await httpReceiver((req) => {
      if (req.headers.authorization !== 'Bearer xoxb-token') return { status: 200, body: JSON.stringify({ ok: false, error: 'invalid_auth' }) };
      ts += 1;
      return { status: 200, body: JSON.stringify({ ok: true, channel: 'C123', ts: `1700000000.00000${ts}` }) };
    });
  });
  after(() => api.close());

  it("posts chat.postMessage with the token from the Secret and the catalog template's attachments", async () => {
    api.requests.length = 0;
    const data = { 'service.slack': `token: $slack-token\napiURL: ${api.url}/api/\nusername: rollouts\nicon: ":rocket:"\n` };
    await service(data, 'slack', { 'slack-token': 'xoxb-token' }).send(rendered(data, 'rollout-completed', { 'slack-token': 'xoxb-token' }), 'deploys');
    assert.equal(api.requests.length, 1);
    const [req] = api.requests;
    assert.equal(req!.path, '/api/chat.postMessage');
    const body = JSON.parse(req!.body) as Record<string, unknown>;
    assert.equal(body.channel, 'deploys');
    assert.equal(body.text, 'Rollout guestbook has been completed.');
    assert.equal(body.username, 'rollouts');
    assert.equal(body.icon_emoji, ':rocket:');
    assert.deepEqual(body.attachments, [
      {
        title: 'guestbook',
        color: '#18be52',
        fields: [
          { title: 'Strategy', value: 'Canary', short: true },
          { title: 'web', value: 'guestbook:v2', short: true },
        ],
      },
    ]);
  });

  it('threads messages of one groupingKey under the first and updates it with PostAndUpdate', async () => {
    api.requests.length = 0;
    const data = {
      'service.slack': `token: xoxb-token\napiURL: ${api.url}/api/\n`,
      'template.threaded': 'message: "{{.rollout.metadata.name}} moved"\nslack:\n  groupingKey: "{{.rollout.metadata.name}}"\n  notifyBroadcast: true\n  deliveryPolicy: PostAndUpdate\n  blocks: |\n    [{"type": "section", "text": {"type": "mrkdwn", "text": "*{{.rollout.metadata.name}}*"}}]\n',
    };
    const slack = service(data, 'slack');
    await slack.send(rendered(data, 'threaded'), 'deploys');
    await slack.send(rendered(data, 'threaded'), 'deploys');
    const calls = api.requests.map((r): Record<string, unknown> => ({ path: r.path, ...(JSON.parse(r.body) as Record<string, unknown>) }));
    assert.deepEqual(calls.map((c) => c.path), ['/api/chat.postMessage', '/api/chat.postMessage', '/api/chat.update']);
    const first = calls[0]!;
    assert.deepEqual(first.blocks, [{ type: 'section', text: { type: 'mrkdwn', text: '*guestbook*' } }]);
    assert.equal(first.thread_ts, undefined);
    assert.equal(calls[1]!.thread_ts, calls[2]!.ts, 'the reply and the update both name the first message');
    assert.equal(calls[1]!.reply_broadcast, true);
    assert.equal(calls[2]!.channel, 'C123', 'updates address the channel id Slack answered with');
  });

  it("reports Slack's error", async () => {
    const data = { 'service.slack': `token: wrong\napiURL: ${api.url}/api/\n` };
    await assert.rejects(service(data, 'slack').send(rendered(data, 'rollout-completed'), 'deploys'), /chat.postMessage: invalid_auth/);
  });
});

describe('teams', () => {
  let teams: HttpReceiver;
  before(async () => {
    teams = await httpReceiver((req) => (req.path === '/ok' ? { status: 200, body: '1' } : { status: 400, body: 'Summary or Text is required.' }));
  });
  after(() => teams.close());

  it('posts a MessageCard with the title, facts and theme color of the template to the recipient URL', async () => {
    teams.requests.length = 0;
    const data = {
      'service.teams': `recipientUrls:\n  ops: ${teams.url}/ok\n  bad: ${teams.url}/bad\n`,
      'template.card': 'message: "{{.rollout.metadata.name}} paused"\nteams:\n  title: Rollout paused\n  themeColor: "#FF0000"\n  facts: |\n    [{"name": "Rollout", "value": "{{.rollout.metadata.name}}"}]\n',
    };
    await service(data, 'teams').send(rendered(data, 'card'), 'ops');
    assert.equal(teams.requests.length, 1);
    assert.deepEqual(JSON.parse(teams.requests[0]!.body), {
      '@type': 'MessageCard',
      context: 'https://schema.org/extensions',
      title: 'Rollout paused',
      summary: '',
      text: 'guestbook paused',
      themeColor: '#FF0000',
      sections: [{ facts: [{ name: 'Rollout', value: 'guestbook' }] }],
    });
    await assert.rejects(service(data, 'teams').send(rendered(data, 'card'), 'bad'), /teams webhook post error: Summary or Text is required/);
    await assert.rejects(service(data, 'teams').send(rendered(data, 'card'), 'nobody'), /no teams webhook configured for recipient nobody/);
  });
});

describe('email', () => {
  let smtp: SmtpReceiver;
  before(async () => {
    smtp = await smtpReceiver({ user: 'bot', password: 'pw' });
  });
  after(() => smtp.close());

  it('delivers over STARTTLS with AUTH, the subject and the message to every recipient', async () => {
    const data = { 'service.email.ops': `host: 127.0.0.1\nport: ${smtp.port}\nfrom: rollouts@example.com\nusername: bot\npassword: $smtp-password\ninsecure_skip_verify: true\n` };
    await service(data, 'ops', { 'smtp-password': 'pw' }).send(rendered(data, 'rollout-aborted', { 'smtp-password': 'pw' }), 'a@example.com, b@example.com');
    assert.equal(smtp.mails.length, 1);
    const [mail] = smtp.mails;
    assert.equal(mail!.secure, true, 'the message went after STARTTLS');
    assert.equal(mail!.user, 'bot');
    assert.equal(mail!.from, 'rollouts@example.com');
    assert.deepEqual(mail!.to, ['a@example.com', 'b@example.com']);
    assert.equal(mail!.subject, 'Rollout guestbook has been aborted.');
    assert.equal(mail!.body, 'Rollout guestbook has been aborted.');
  });

  it("checks the server's certificate unless insecure_skip_verify", async () => {
    const before = smtp.mails.length;
    const data = { 'service.email': `host: 127.0.0.1\nport: ${smtp.port}\nfrom: rollouts@example.com\nusername: bot\npassword: pw\n` };
    await assert.rejects(service(data, 'email').send(rendered(data, 'rollout-aborted'), 'a@example.com'), /self-signed|certificate/);
    assert.equal(smtp.mails.length, before);
  });

  it('reports a refused login', async () => {
    const data = { 'service.email': `host: 127.0.0.1\nport: ${smtp.port}\nfrom: rollouts@example.com\nusername: bot\npassword: wrong\ninsecure_skip_verify: true\n` };
    await assert.rejects(service(data, 'email').send(rendered(data, 'rollout-aborted'), 'a@example.com'), /AUTH PLAIN: 535/);
  });
});
