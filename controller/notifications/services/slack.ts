// Argo's Slack service: chat.postMessage with the bot token from the Secret,
// the message as text and the template's `slack` section (attachments and
// blocks as JSON, username, icon). With a groupingKey the first message of a
// key opens a thread the later ones reply in (notifyBroadcast also shows them
// in the channel); deliveryPolicy PostAndUpdate and Update edit that first
// message with chat.update. Thread timestamps live in memory, as in Argo.
import { requestWithTimeout } from '../../http/client.ts';
import { section, text, type Notification, type Rendered } from '../render.ts';
import { boolSetting, SEND_TIMEOUT_MS, ServiceConfigError, stringSetting, type NotificationService, type ServiceDeps } from './types.ts';

const SLACK_API = 'https://slack.com/api/';
const DELIVERY_POLICIES = ['Post', 'PostAndUpdate', 'Update'] as const;

function jsonList(v: Rendered | undefined, what: string): unknown[] | undefined {
  const s = text(v);
  if (s.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch (err) {
    throw new Error(`failed to unmarshal ${what} '${s}' : ${(err as Error).message}`, { cause: err });
  }
  if (!Array.isArray(parsed)) throw new Error(`failed to unmarshal ${what} '${s}' : not a JSON list`);
  return parsed;
}

function iconField(icon: string): Record<string, string> {
  if (/^:.+:$/.test(icon)) return { icon_emoji: icon };
  try {
    const u = new URL(icon);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.host) return { icon_url: icon };
  } catch {
    // Neither an emoji nor a URL: Argo logs it and sends without an icon.
  }
  return {};
}

export function slackService(name: string, settings: Record<string, unknown>, deps: ServiceDeps): NotificationService {
  const token = stringSetting(settings, 'token', name, true);
  const apiUrl = stringSetting(settings, 'apiURL', name) || SLACK_API;
  const username = stringSetting(settings, 'username', name);
  const icon = stringSetting(settings, 'icon', name);
  const disableUnfurl = boolSetting(settings, 'disableUnfurl', name);
  const insecureSkipVerify = boolSetting(settings, 'insecureSkipVerify', name);
  const threads = new Map<string, { ts: string; channel: string }>();

  const call = async (method: string, body: Record<string, unknown>): Promise<{ ts?: string; channel?: string }> => {
    const url = `${apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`}${method}`;
    const res = await requestWithTimeout(
      deps.http,
      url,
      { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8', Authorization: `Bearer ${token}` }, body: JSON.stringify(body), tls: { insecureSkipVerify } },
      SEND_TIMEOUT_MS,
    );
    let answer: { ok?: boolean; error?: string; ts?: string; channel?: string };
    try {
      answer = JSON.parse(res.body) as typeof answer;
    } catch {
      throw new Error(`slack ${method}: HTTP ${res.status}: ${res.body.slice(0, 200)}`);
    }
    if (res.status !== 200 || answer.ok !== true) throw new Error(`slack ${method}: ${answer.error ?? `HTTP ${res.status}`}`);
    return answer;
  };

  return {
    async send(n: Notification, recipient) {
      const own = section(n, 'slack') ?? {};
      const policy = text(own.deliveryPolicy) || 'Post';
      if (!(DELIVERY_POLICIES as readonly string[]).includes(policy)) throw new ServiceConfigError(`slack deliveryPolicy ${policy} is not one of ${DELIVERY_POLICIES.join(', ')}`);
      const attachments = jsonList(own.attachments, 'attachments');
      const blocks = jsonList(own.blocks, 'blocks');
      const message: Record<string, unknown> = {
        text: n.message,
        ...(text(own.username) || username ? { username: text(own.username) || username } : {}),
        ...iconField(text(own.icon) || icon),
        ...(attachments ? { attachments } : {}),
        ...(blocks ? { blocks } : {}),
        ...(disableUnfurl ? { unfurl_links: false, unfurl_media: false } : {}),
      };
      const groupingKey = text(own.groupingKey);
      const threadKey = `${recipient}\u0000${groupingKey}`;
      const thread = groupingKey ? threads.get(threadKey) : undefined;
      if (!thread || policy === 'Post' || policy === 'PostAndUpdate') {
        const posted = await call('chat.postMessage', {
          channel: recipient,
          ...message,
          ...(thread ? { thread_ts: thread.ts } : {}),
          ...(own.notifyBroadcast === true ? { reply_broadcast: true } : {}),
        });
        if (groupingKey && !thread && posted.ts) threads.set(threadKey, { ts: posted.ts, channel: posted.channel ?? recipient });
      }
      if (thread && (policy === 'Update' || policy === 'PostAndUpdate')) {
        await call('chat.update', { channel: thread.channel, ts: thread.ts, ...message });
      }
    },
  };
}
