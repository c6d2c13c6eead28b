// Argo's Microsoft Teams service: an incoming-webhook MessageCard (or the
// template's own `teams.template` JSON as is) posted to the URL configured
// for the recipient in `recipientUrls`; Teams answers "1" when it took it.
import { requestWithTimeout } from '../../http/client.ts';
import { section, text, type Notification, type Rendered } from '../render.ts';
import { boolSetting, SEND_TIMEOUT_MS, ServiceConfigError, type NotificationService, type ServiceDeps } from './types.ts';

function json(v: Rendered | undefined, what: string): unknown {
  try {
    return JSON.parse(text(v));
  } catch (err) {
    throw new Error(`teams ${what} unmarshalling error ${(err as Error).message}`, { cause: err });
  }
}

/** The body Teams receives for a notification. */
export function teamsCard(n: Notification): string {
  const own = section(n, 'teams') ?? {};
  if (text(own.template)) return text(own.template);
  const card: Record<string, unknown> = { '@type': 'MessageCard', context: 'https://schema.org/extensions', title: text(own.title), summary: text(own.summary), text: text(own.text) || n.message };
  if (text(own.themeColor)) card.themeColor = text(own.themeColor);
  const sections = text(own.sections) ? (json(own.sections, 'sections') as unknown[]) : [];
  if (text(own.facts)) sections.push({ facts: json(own.facts, 'facts') });
  if (text(own.potentialAction)) card.potentialAction = json(own.potentialAction, 'potential action');
  if (sections.length > 0) card.sections = sections;
  return JSON.stringify(card);
}

export function teamsService(name: string, settings: Record<string, unknown>, deps: ServiceDeps): NotificationService {
  const urls = settings.recipientUrls ?? {};
  if (urls === null || typeof urls !== 'object' || Array.isArray(urls) || !Object.values(urls).every((u) => typeof u === 'string')) {
    throw new ServiceConfigError(`service ${name}: recipientUrls maps recipient names to webhook URLs`);
  }
  const recipientUrls = urls as Record<string, string>;
  const insecureSkipVerify = boolSetting(settings, 'insecureSkipVerify', name);
  return {
    async send(n: Notification, recipient) {
      if (!Object.hasOwn(recipientUrls, recipient)) throw new Error(`no teams webhook configured for recipient ${recipient}`);
      const res = await requestWithTimeout(
        deps.http,
        recipientUrls[recipient]!,
        { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: teamsCard(n), tls: { insecureSkipVerify } },
        SEND_TIMEOUT_MS,
      );
      if (res.body !== '1') throw new Error(`teams webhook post error: ${res.body.slice(0, 1000)}`);
    },
  };
}
