// Which notifications one recorded event sends: pure, from the config, the
// Rollout and what its notified annotation says was already sent.
import { parse as parseYaml } from 'yaml';
import { SUBSCRIBE_ANNOTATION_PREFIX, SUBSCRIPTIONS_ANNOTATION } from '../api/labels.ts';
import { notificationServiceSupported } from '../api/support.ts';
import { triggerForReason } from './catalog.ts';
import { NOTIFICATION_REASONS, type NotificationWarning } from './messages.ts';
import type { NotificationConfig, NotificationTemplate, ServiceConfig } from './config.ts';

export interface Destination {
  service: string;
  recipient: string;
}

export interface Send {
  trigger: string;
  template: NotificationTemplate;
  service: ServiceConfig;
  recipient: string;
}

export interface NotificationPlan {
  sends: Send[];
  // The notified annotation's next value when oncePer recorded something new.
  notified?: Record<string, number>;
  warnings: NotificationWarning[];
}

interface ObjectMeta {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

// Global subscriptions whose selector matches, then the object's own annotations, read as Argo's
// notifications engine reads them: `subscribe.<trigger>.<service>` (or `subscribe.<service>`, for
// the service's or the default triggers) with `;`-separated recipients, and the YAML list of
// `subscriptions`.
export function destinations(config: NotificationConfig, object: ObjectMeta): Map<string, Destination[]> {
  const out = new Map<string, Destination[]>();
  const add = (trigger: string, d: Destination): void => {
    const list = out.get(trigger) ?? [];
    if (!list.some((e) => e.service === d.service && e.recipient === d.recipient)) list.push(d);
    out.set(trigger, list);
  };
  const subscribe = (trigger: string, service: string, recipients: readonly string[]): void => {
    const triggers = trigger ? [trigger] : (config.serviceDefaultTriggers.get(service) ?? config.defaultTriggers);
    for (const t of triggers) for (const r of recipients) add(t, { service, recipient: r });
  };
  const labels = object.metadata?.labels ?? {};
  for (const sub of config.subscriptions) {
    if (sub.selector && !Object.entries(sub.selector).every(([k, v]) => labels[k] === v)) continue;
    const triggers = sub.triggers.length > 0 ? sub.triggers : config.defaultTriggers;
    for (const r of sub.recipients) {
      const [service = '', ...rest] = r.split(':');
      for (const t of triggers) add(t, { service, recipient: rest.join(':') });
    }
  }
  for (const [key, value] of Object.entries(object.metadata?.annotations ?? {})) {
    if (key.startsWith(SUBSCRIBE_ANNOTATION_PREFIX)) {
      const parts = key.slice(SUBSCRIBE_ANNOTATION_PREFIX.length).split('.');
      const [trigger, service] = parts.length >= 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
      const recipients = value.split(';').map((r) => r.trim()).filter(Boolean);
      subscribe(trigger, service, value === '' ? [''] : recipients);
    } else if (key === SUBSCRIPTIONS_ANNOTATION) {
      for (const s of subscriptionList(value)) for (const t of s.triggers.length > 0 ? s.triggers : ['']) for (const d of s.destinations) subscribe(t, d.service, d.recipients);
    }
  }
  return out;
}

// The `subscriptions` annotation: [{trigger: [..], destinations: [{service, recipients: [..]}]}].
function subscriptionList(raw: string): Array<{ triggers: string[]; destinations: Array<{ service: string; recipients: string[] }> }> {
  let parsed: unknown;
  try {
    parsed = parseYaml(raw);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return parsed
    .filter((s): s is Record<string, unknown> => s !== null && typeof s === 'object')
    .map((s) => ({
      triggers: strs(s.trigger),
      destinations: (Array.isArray(s.destinations) ? s.destinations : [])
        .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object' && typeof d.service === 'string')
        .map((d) => ({ service: d.service as string, recipients: strs(d.recipients) })),
    }));
}

export function planNotifications(config: NotificationConfig, object: ObjectMeta & Record<string, unknown>, reason: string, notified: Record<string, number>, now: number): NotificationPlan {
  const trigger = triggerForReason(reason);
  const targets = destinations(config, object).get(trigger) ?? [];
  if (targets.length === 0) return { sends: [], warnings: [] };
  // Only a subscribed object hears about a broken configuration, once per event it would have sent for.
  const warnings: NotificationWarning[] = config.errors.map((e) => ({ reason: NOTIFICATION_REASONS.configError, message: `argo-rollouts-notification-configmap: ${e}` }));
  const conditions = config.triggers.get(trigger);
  if (!conditions) return { sends: [], warnings: [...warnings, { reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger} is subscribed to but not configured` }] };
  const sends: Send[] = [];
  let next: Record<string, number> | undefined;
  for (const c of conditions) {
    let fired = true;
    let oncePer: string | undefined;
    try {
      fired = c.when === undefined || c.when.run({ rollout: object }) === true;
      if (fired && c.oncePer) oncePer = String(c.oncePer.run({ rollout: object }) ?? '');
    } catch (err) {
      warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger} condition ${c.key}: ${(err as Error).message}` });
      continue;
    }
    if (!fired) continue;
    for (const d of targets) {
      const service = config.services.get(d.service);
      if (!service) {
        warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger}: service ${d.service} is not configured` });
        continue;
      }
      if (!notificationServiceSupported(service.type)) {
        warnings.push({ reason: NOTIFICATION_REASONS.serviceUnsupported, message: `notification service ${service.type} (${d.service}) is not supported by Ramp; nothing was sent for ${trigger} (see docs/support.md)` });
        continue;
      }
      if (oncePer !== undefined) {
        const key = `${oncePer}:${trigger}:${c.key}:${d.service}:${d.recipient}`;
        if (Object.hasOwn(notified, key) || (next && Object.hasOwn(next, key))) continue;
        next = { ...(next ?? notified), [key]: Math.floor(now / 1000) };
      }
      for (const name of c.send) {
        const template = config.templates.get(name);
        if (!template) warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger}: template ${name} is not configured` });
        else sends.push({ trigger, template, service, recipient: d.recipient });
      }
    }
  }
  return { sends, warnings, ...(next ? { notified: next } : {}) };
}
