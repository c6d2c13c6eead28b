import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpPort } from '../../../controller/http/client.ts';
import { parseConfig } from '../../../controller/notifications/config.ts';
import { parseDestination, renderFor, sendTo } from '../../../controller/notifications/manual.ts';

const config = parseConfig(
  {
    'service.webhook.hook': 'url: http://hook.example\nheaders:\n- name: X-Token\n  value: $token\n',
    'template.custom': 'message: "{{.rollout.metadata.name}}"\nwebhook:\n  hook:\n    method: POST\n    path: /rollouts/{{.rollout.metadata.name}}\n    body: "{{.secrets.token}}"\n',
  },
  { token: 's3cret' },
);
const rollout = { metadata: { name: 'guestbook', namespace: 'shop' } };

describe('a template tried by hand', () => {
  it('renders with the variables the controller gives: .rollout and .secrets', () => {
    const n = renderFor(config, 'custom', rollout, { token: 's3cret' }, new Date('2026-03-04T05:06:07Z'));
    assert.equal(n.message, 'guestbook');
    assert.deepEqual(n['webhook'], { hook: { method: 'POST', path: '/rollouts/guestbook', body: 's3cret' } });
  });

  it('sends through the configured service as the controller does: the webhook section, the Secret in the headers', async () => {
    const requests: Array<{ url: string; method?: string; headers?: Record<string, string>; body?: string }> = [];
    const http: HttpPort = async (url, init) => {
      requests.push({ url, method: init?.method, headers: init?.headers, body: init?.body });
      return { status: 200, text: async () => '' };
    };
    const n = renderFor(config, 'custom', rollout, { token: 's3cret' }, new Date(0));
    await sendTo(config, n, parseDestination('hook'), { http, smtp: async () => undefined, sleep: async () => undefined });
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.url, 'http://hook.example/rollouts/guestbook');
    assert.equal(requests[0]!.method, 'POST');
    assert.equal(requests[0]!.body, 's3cret');
    assert.equal(requests[0]!.headers?.['X-Token'], 's3cret');
  });

  it('--recipient is service:recipient, the recipient optional', () => {
    assert.deepEqual(parseDestination('slack:my-channel'), { service: 'slack', recipient: 'my-channel' });
    assert.deepEqual(parseDestination('hook'), { service: 'hook', recipient: '' });
  });
});
