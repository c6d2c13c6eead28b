// Reads argo-rollouts-notification-configmap and its Secret into services,
// templates, triggers, default triggers and subscriptions, as Argo's
// notifications engine does. Every error names the key it came from; a key
// that fails is left out and reported, the rest still works.
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { compile, type Program } from '../expr/index.ts';
import { CATALOG, catalogAttachments } from './catalog.ts';
import { compileTemplate, type Template } from './template/index.ts';

export interface ServiceConfig {
  type: string;
  // The name subscriptions use: `webhook.<name>` is `<name>`, `slack` is `slack`.
  name: string;
  settings: Record<string, unknown>;
}

// A template's shape with every string leaf compiled.
export type TemplateTree = Template | TemplateTree[] | { [key: string]: TemplateTree } | number | boolean | null;

export interface NotificationTemplate {
  name: string;
  tree: { [key: string]: TemplateTree };
  /** The template as written (what `notifications template get -o yaml` prints). */
  source: Record<string, unknown>;
}

export interface TriggerCondition {
  when?: Program;
  send: string[];
  oncePer?: Program;
  /** Argo's free-text description of the condition, shown by `notifications trigger get`. */
  description?: string;
  // Argo's condition key: [index].<hash of when>, the oncePer state is keyed by it.
  key: string;
}

export interface Subscription {
  recipients: string[];
  triggers: string[];
  selector?: Record<string, string>;
}

export interface NotificationConfig {
  services: Map<string, ServiceConfig>;
  templates: Map<string, NotificationTemplate>;
  triggers: Map<string, TriggerCondition[]>;
  defaultTriggers: string[];
  /** `defaultTriggers.<service>`: what a subscription to that service without a trigger means. */
  serviceDefaultTriggers: Map<string, string[]>;
  subscriptions: Subscription[];
  errors: string[];
}

export const NOTIFICATION_CONFIGMAP = 'argo-rollouts-notification-configmap';
export const NOTIFICATION_SECRET = 'argo-rollouts-notification-secret';

export const CONDITION_NAMES = ['rollout', 'analysisRun'] as const;

export function parseConfig(data: Record<string, string>, secret: Record<string, string> = {}): NotificationConfig {
  const config: NotificationConfig = { services: new Map(), templates: new Map(), triggers: new Map(), defaultTriggers: [], serviceDefaultTriggers: new Map(), subscriptions: [], errors: [] };
  for (const entry of CATALOG) {
    config.triggers.set(entry.trigger, [{ send: [entry.template], key: conditionKey(0, '') }]);
    config.templates.set(entry.template, notificationTemplate(entry.template, { message: entry.message, email: { subject: entry.message }, slack: { attachments: catalogAttachments(entry) } }));
  }
  for (const [key, raw] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) {
    try {
      readKey(config, key, raw, secret);
    } catch (err) {
      config.errors.push(`${key}: ${(err as Error).message}`);
    }
  }
  return config;
}

function readKey(config: NotificationConfig, key: string, raw: string, secret: Record<string, string>): void {
  if (key.startsWith('service.')) {
    const [type = '', ...rest] = key.slice('service.'.length).split('.');
    const name = rest.length > 0 ? rest.join('.') : type;
    config.services.set(name, { type, name, settings: withSecrets(mapping(parseYaml(raw)), secret) });
  } else if (key.startsWith('template.')) {
    const name = key.slice('template.'.length);
    config.templates.set(name, notificationTemplate(name, mapping(parseYaml(raw))));
  } else if (key.startsWith('trigger.')) {
    const list = parseYaml(raw) as unknown;
    if (!Array.isArray(list)) throw new Error('a trigger is a list of conditions');
    config.triggers.set(key.slice('trigger.'.length), list.map((c, i) => condition(mapping(c), i)));
  } else if (key === 'defaultTriggers') {
    config.defaultTriggers = strings(parseYaml(raw), 'defaultTriggers');
  } else if (key.startsWith('defaultTriggers.')) {
    config.serviceDefaultTriggers.set(key.slice('defaultTriggers.'.length), strings(parseYaml(raw), key));
  } else if (key === 'subscriptions') {
    const list = parseYaml(raw) as unknown;
    if (!Array.isArray(list)) throw new Error('subscriptions is a list');
    config.subscriptions = list.map((s) => {
      const m = mapping(s);
      const selector = m.selector === undefined ? undefined : selectorOf(m.selector);
      return { recipients: strings(m.recipients, 'recipients'), triggers: strings(m.triggers ?? [], 'triggers'), ...(selector ? { selector } : {}) };
    });
  } else if (key === 'context') {
    throw new Error("not read: it is Argo CD's, and Argo Rollouts' templates have no .context");
  } else throw new Error('unknown key');
}

function condition(m: Record<string, unknown>, index: number): TriggerCondition {
  const when = typeof m.when === 'string' && m.when.trim() !== '' ? m.when : undefined;
  const send = strings(m.send, 'send');
  return {
    send,
    key: conditionKey(index, when ?? ''),
    ...(when !== undefined ? { when: compile(when, { names: CONDITION_NAMES }) } : {}),
    ...(typeof m.oncePer === 'string' && m.oncePer !== '' ? { oncePer: compile(m.oncePer, { names: CONDITION_NAMES }) } : {}),
    ...(typeof m.description === 'string' && m.description !== '' ? { description: m.description } : {}),
  };
}

/** A trigger condition as written, with the field names and order of Argo's triggers.Condition. */
export function conditionSource(c: TriggerCondition): { oncePer?: string; when?: string; description?: string; send: string[] } {
  return { ...(c.oncePer ? { oncePer: c.oncePer.source } : {}), ...(c.when ? { when: c.when.source } : {}), ...(c.description ? { description: c.description } : {}), send: c.send };
}

/** A Secret's values as text: `data` base64-decoded, `stringData` (a manifest's) over it. */
export function secretText(secret: { data?: Record<string, string>; stringData?: Record<string, string> } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret?.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return Object.assign(out, secret?.stringData ?? {});
}

function notificationTemplate(name: string, source: Record<string, unknown>): NotificationTemplate {
  return { name, tree: compileTree(name, source) as NotificationTemplate['tree'], source };
}

// Argo's condition key, `[index].<sha1 of when, base64url>`: the notified annotation Argo wrote
// names the same conditions, so a Rollout moved from Argo is not notified again.
function conditionKey(index: number, when: string): string {
  return `[${index}].${createHash('sha1').update(when).digest('base64url')}`;
}

function compileTree(name: string, v: unknown): TemplateTree {
  if (typeof v === 'string') return compileTemplate(name, v);
  if (Array.isArray(v)) return v.map((e) => compileTree(name, e));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, compileTree(name, e)]));
  return (v ?? null) as TemplateTree;
}

// `$key` in a service's settings is the value of that key in the Secret, wherever it appears in a
// string (Argo's keyPattern, `[$][\w-]+`); one naming no key is left as written, as Argo leaves it,
// except a value that is nothing but the reference, which is reported: it cannot be meant literally.
const SECRET_REFERENCE = /[$][\w-]+/g;

function withSecrets(settings: Record<string, unknown>, secret: Record<string, string>): Record<string, unknown> {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (/^[$][\w-]+$/.test(v) && !Object.hasOwn(secret, v.slice(1))) throw new Error(`${v} names no key of argo-rollouts-notification-secret`);
      return v.replace(SECRET_REFERENCE, (ref) => (Object.hasOwn(secret, ref.slice(1)) ? secret[ref.slice(1)]! : ref));
    }
    if (Array.isArray(v)) return v.map(visit);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, visit(e)]));
    return v;
  };
  return visit(settings) as Record<string, unknown>;
}

function mapping(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('expected a mapping');
  return v as Record<string, unknown>;
}

function strings(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) throw new Error(`${what} is a list of strings`);
  return v;
}

function selectorOf(v: unknown): Record<string, string> {
  if (typeof v !== 'string') throw new Error('selector is a label selector string (a=b,c=d)');
  return Object.fromEntries(v.split(',').filter(Boolean).map((p) => p.split('=').map((s) => s.trim()) as [string, string]));
}
