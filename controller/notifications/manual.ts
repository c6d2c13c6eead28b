// One template tried by hand against one object (`kubectl ramp notifications
// template notify`): rendered with the variables the controller gives it and,
// for a recipient, sent through the configured service, the same code paths
// the Notifier takes. Argo's CLI has no AnalysisRun informer, so `.analysisRuns`
// is absent here, as it is there.
import { notificationServiceSupported } from '../api/support.ts';
import { NOTIFICATION_CONFIGMAP, type NotificationConfig } from './config.ts';
import { renderNotification, templateVars, type Notification } from './render.ts';
import { createService, type ServiceDeps } from './services/index.ts';

export interface ManualDestination {
  service: string;
  recipient: string;
}

/** Argo's `--recipient service:recipient`; a bare service has an empty recipient. */
export function parseDestination(value: string): ManualDestination {
  const [service = '', recipient = ''] = value.split(':');
  return { service, recipient };
}

/** The template rendered for `object`; throws naming the template when it is unknown or fails. */
export function renderFor(config: NotificationConfig, templateName: string, object: unknown, secret: Record<string, string>, now: Date): Notification {
  const template = config.templates.get(templateName);
  if (!template) throw new Error(`template ${templateName} is not configured (configured: ${[...config.templates.keys()].sort().join(', ')})`);
  return renderNotification(template, templateVars(object, now, secret));
}

/** Sends a rendered notification through one configured service; throws saying why it could not. */
export async function sendTo(config: NotificationConfig, notification: Notification, to: ManualDestination, deps: ServiceDeps): Promise<void> {
  const service = config.services.get(to.service);
  if (!service) throw new Error(`service ${to.service} is not configured in ${NOTIFICATION_CONFIGMAP} (configured: ${[...config.services.keys()].sort().join(', ') || 'none'})`);
  const sender = notificationServiceSupported(service.type) ? createService(service.type, service.name, service.settings, deps) : undefined;
  if (!sender) throw new Error(`notification service ${service.type} (${to.service}) is not supported by Ramp (see docs/support.md)`);
  await sender.send(notification, to.recipient);
}
