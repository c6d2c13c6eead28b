// Which notifications one recorded event sends: pure, from the config, the
// Rollout and what its notified annotation says was already sent.
import { parse as parseYaml } from 'yaml';
import { SUBSCRIBE_ANNOTATION_PREFIX, SUBSCRIPTIONS_ANNOTATION } from '../api/labels.ts';
import { notificationServiceSupported } from '../api/support.ts';
import { triggerForReason } from './catalog.ts';
import { NOTIFICATION_REASONS, type NotificationWarning } from './messages.ts';
import type { Program } from '../expr/index.ts';
import type { NotificationConfig, NotificationTemplate, ServiceConfig, TriggerCondition } from './config.ts';

export interface Destination {
  service: string;
  recipient: string;
}

export interface Send {
  trigger: string;
  template: NotificationTemplate;
  service: ServiceConfig;
  recipient: string;
  /** The notified annotation's key this send adds, to be taken back if the send fails (Argo retries it then). */
  recorded?: string;
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
      const [service = '', recipient = ''] = r.split(':');
      for (const t of triggers) add(t, { service, recipient });
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

/** What a plan reads and writes of the notified annotation: Argo's NotificationsState. */
class NotifiedState {
  private next: Record<string, number> | undefined;
  constructor(
    private readonly current: Record<string, number>,
    private readonly nowSeconds: number,
  ) {}
  has(key: string): boolean {
    return Object.hasOwn(this.next ?? this.current, key);
  }
  add(key: string): void {
    this.next = { ...(this.next ?? this.current), [key]: this.nowSeconds };
  }
  remove(key: string): void {
    if (!this.has(key)) return;
    const { [key]: _gone, ...rest } = this.next ?? this.current;
    this.next = rest;
  }
  /** The annotation's next value when it changed, its oldest entries dropped beyond Argo's 100. */
  changed(): Record<string, number> | undefined {
    if (!this.next) return undefined;
    const entries = Object.entries(this.next).sort(([, a], [, b]) => a - b);
    return Object.fromEntries(entries.slice(Math.max(0, entries.length - NOTIFIED_HISTORY_MAX)));
  }
}

const NOTIFIED_HISTORY_MAX = 100;

// Argo's StateItemKey: [oncePer:][apiNamespace:]trigger:conditionKey:service:recipient, the namespace
// for a self-service configuration (one in the object's own namespace).
function stateKey(p: Planning, trigger: string, c: TriggerCondition, d: Destination, oncePer: string | undefined): string {
  const key = `${p.apiNamespace ? `${p.apiNamespace}:` : ''}${trigger}:${c.key}:${d.service}:${d.recipient}`;
  return oncePer ? `${oncePer}:${key}` : key;
}

interface Planning {
  config: NotificationConfig;
  apiNamespace?: string | undefined;
  object: ObjectMeta & Record<string, unknown>;
  state: NotifiedState;
  sends: Send[];
  warnings: NotificationWarning[];
}

// Runs a condition's expression; a failure is a warning naming the trigger and the condition.
function evaluate(p: Planning, trigger: string, c: TriggerCondition, program: Program): unknown {
  try {
    return program.run({ rollout: p.object });
  } catch (err) {
    p.warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger} condition ${c.key}: ${(err as Error).message}` });
    return undefined;
  }
}

// The condition's templates to one destination, or the warning saying why they cannot go.
function send(p: Planning, trigger: string, c: TriggerCondition, d: Destination, recorded?: string): void {
  const service = p.config.services.get(d.service);
  if (!service) {
    p.warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger}: service ${d.service} is not configured` });
    return;
  }
  if (!notificationServiceSupported(service.type)) {
    p.warnings.push({ reason: NOTIFICATION_REASONS.serviceUnsupported, message: `notification service ${service.type} (${d.service}) is not supported by Ramp; nothing was sent for ${trigger} (see docs/support.md)` });
    return;
  }
  for (const name of c.send) {
    const template = p.config.templates.get(name);
    if (!template) p.warnings.push({ reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger}: template ${name} is not configured` });
    else p.sends.push({ trigger, template, service, recipient: d.recipient, ...(recorded !== undefined ? { recorded } : {}) });
  }
}

// Sends the condition to each destination; with `record`, only to those the notified state does not
// hold yet, adding them.
function sendOnce(p: Planning, trigger: string, c: TriggerCondition, targets: readonly Destination[], oncePer: string | undefined, record: boolean): void {
  for (const d of targets) {
    if (!record) {
      send(p, trigger, c, d);
      continue;
    }
    const key = stateKey(p, trigger, c, d, oncePer);
    if (p.state.has(key)) continue;
    p.state.add(key);
    send(p, trigger, c, d, key);
  }
}

function planOf(p: Planning): NotificationPlan {
  const changed = p.state.changed();
  return { sends: p.sends, warnings: p.warnings, ...(changed ? { notified: changed } : {}) };
}

/**
 * What one recorded event sends, as Argo's recorder (utils/record): the trigger its reason names,
 * each condition without `when` to every subscribed destination. Conditions with `when` are the
 * state's (planStateNotifications), so a condition that holds is sent once, not once per path.
 * Ramp honours `oncePer` here too: such a send is recorded and not repeated.
 */
export function planNotifications(config: NotificationConfig, object: ObjectMeta & Record<string, unknown>, reason: string, notified: Record<string, number>, now: number, apiNamespace?: string): NotificationPlan {
  const trigger = triggerForReason(reason);
  const targets = destinations(config, object).get(trigger) ?? [];
  if (targets.length === 0) return { sends: [], warnings: [] };
  // Only a subscribed object hears about a broken configuration, once per event it would have sent for.
  const source = `argo-rollouts-notification-configmap${apiNamespace ? ` in ${apiNamespace}` : ''}`;
  const warnings: NotificationWarning[] = config.errors.map((e) => ({ reason: NOTIFICATION_REASONS.configError, message: `${source}: ${e}` }));
  const conditions = config.triggers.get(trigger);
  if (!conditions) return { sends: [], warnings: [...warnings, { reason: NOTIFICATION_REASONS.configError, message: `trigger ${trigger} is subscribed to but not configured` }] };
  const p: Planning = { config, apiNamespace, object, state: new NotifiedState(notified, Math.floor(now / 1000)), sends: [], warnings };
  for (const c of conditions) {
    if (c.when) continue;
    const oncePer = c.oncePer ? String(evaluate(p, trigger, c, c.oncePer) ?? '') : undefined;
    sendOnce(p, trigger, c, targets, oncePer, oncePer !== undefined);
  }
  return planOf(p);
}

/**
 * What the Rollout's current state sends, as Argo's notification controller: every subscribed
 * trigger's conditions with `when`, each sent when it starts to hold and recorded in the notified
 * annotation; a condition that no longer holds is forgotten, so it is sent again when it next
 * holds (with `oncePer`, once per value, never forgotten).
 */
export function planStateNotifications(config: NotificationConfig, object: ObjectMeta & Record<string, unknown>, notified: Record<string, number>, now: number, apiNamespace?: string): NotificationPlan {
  const p: Planning = { config, apiNamespace, object, state: new NotifiedState(notified, Math.floor(now / 1000)), sends: [], warnings: [] };
  for (const [trigger, targets] of destinations(config, object)) {
    for (const c of config.triggers.get(trigger) ?? []) {
      if (!c.when) continue;
      if (evaluate(p, trigger, c, c.when) !== true) {
        for (const d of targets) p.state.remove(stateKey(p, trigger, c, d, undefined));
        continue;
      }
      sendOnce(p, trigger, c, targets, c.oncePer ? String(evaluate(p, trigger, c, c.oncePer) ?? '') : undefined, true);
    }
  }
  return planOf(p);
}
