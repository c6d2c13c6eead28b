// Argo's email service: the template's `email.subject` and `email.body` (the
// message when there is no body) to the recipients of the subscription, a
// comma-separated list, through the configured SMTP server.
import { section, text, type Notification } from '../render.ts';
import { boolSetting, SEND_TIMEOUT_MS, ServiceConfigError, stringSetting, type NotificationService, type ServiceDeps } from './types.ts';

export function emailService(name: string, settings: Record<string, unknown>, deps: ServiceDeps): NotificationService {
  const host = stringSetting(settings, 'host', name, true);
  const port = settings.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535) throw new ServiceConfigError(`service ${name}: port must be a port number`);
  const from = stringSetting(settings, 'from', name, true);
  const server = {
    host,
    port,
    username: stringSetting(settings, 'username', name),
    password: stringSetting(settings, 'password', name),
    insecureSkipVerify: boolSetting(settings, 'insecure_skip_verify', name),
  };
  const html = boolSetting(settings, 'html', name);
  return {
    async send(n: Notification, recipient) {
      const own = section(n, 'email') ?? {};
      const to = recipient.split(',').map((r) => r.trim()).filter(Boolean);
      if (to.length === 0) throw new Error('email: no recipient');
      await deps.smtp(server, { from, to, subject: text(own.subject), body: text(own.body) || n.message, html }, SEND_TIMEOUT_MS);
    },
  };
}
