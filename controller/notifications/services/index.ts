// The notification services Ramp sends through, by Argo's type name. The
// table of what is supported is controller/api/support.ts; a configured
// service of another type is reported, never dropped silently.
import { emailService } from './email.ts';
import { slackService } from './slack.ts';
import { teamsService } from './teams.ts';
import type { NotificationService, ServiceDeps } from './types.ts';
import { webhookService } from './webhook.ts';

export type { NotificationService, ServiceDeps } from './types.ts';
export { ServiceConfigError } from './types.ts';

type Factory = (name: string, settings: Record<string, unknown>, deps: ServiceDeps) => NotificationService;

const FACTORIES: Record<string, Factory> = Object.assign(Object.create(null) as Record<string, Factory>, {
  webhook: webhookService,
  slack: slackService,
  teams: teamsService,
  email: emailService,
});

/** The service, or undefined for a type Ramp does not send through; throws ServiceConfigError on bad settings. */
export function createService(type: string, name: string, settings: Record<string, unknown>, deps: ServiceDeps): NotificationService | undefined {
  return Object.hasOwn(FACTORIES, type) ? FACTORIES[type]!(name, settings, deps) : undefined;
}
