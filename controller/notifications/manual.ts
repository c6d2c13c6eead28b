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

export interface ConditionResult {
  /** The condition's `when` as written; empty for one that is sent on its event only. */
  when: string;
  triggered: boolean;
  error?: string;
}

/**
 * Argo's `trigger run`: each condition's `when` over the object, as the notification controller
 * evaluates it after a pass; a condition without `when` does not hold there (Argo compiles it as
 * false), it is sent on its event. A condition that fails to evaluate does not hold, and says why.
 */
export function runTrigger(config: NotificationConfig, triggerName: string, object: unknown): ConditionResult[] {
  const conditions = config.triggers.get(triggerName);
  if (!conditions) throw new Error(`trigger ${triggerName} is not configured (configured: ${[...config.triggers.keys()].sort().join(', ')})`);
  return conditions.map((c) => {
    if (!c.when) return { when: '', triggered: false };
    try {
      return { when: c.when.source, triggered: c.when.run({ rollout: object }) === true };
    } catch (err) {
      return { when: c.when.source, triggered: false, error: (err as Error).message };
    }
  });
}
