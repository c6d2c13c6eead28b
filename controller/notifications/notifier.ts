// Delivers the notifications the controller's events call for, off the
// reconcile path: notify() only queues. Each object's events are delivered in
// the order they were recorded (its own chain); a failed or refused send is
// logged, counted and recorded as a Warning event, and never reaches the
// reconcile that recorded the event.
import type { Logger } from 'pino';
import { NOTIFIED_ANNOTATION } from '../api/labels.ts';
import type { KubeObject } from '../kube/resources.ts';
import type { RecordedEvent } from '../runtime/events.ts';
import { parseConfig, type NotificationConfig } from './config.ts';
import { planNotifications, planStateNotifications, type NotificationPlan } from './decide.ts';
import { NOTIFICATION_REASONS, type NotificationWarning } from './messages.ts';
import { renderNotification, templateVars } from './render.ts';
import { createService, ServiceConfigError, type NotificationService, type ServiceDeps } from './services/index.ts';
import { TemplateError } from './template/index.ts';

/** The ConfigMap's data and the Secret's decoded data, with versions that change when either does. */
export interface NotificationSource {
  /** Undefined while there is no ConfigMap (nothing is subscribed to then) or its cache has not synced. */
  read(namespace: string): Promise<{ data: Record<string, string>; secret: Record<string, string>; version: string } | undefined>;
}

export interface NotifierPorts {
  source: NotificationSource;
  services: ServiceDeps;
  /** Writes the notified annotation (oncePer state) onto the object. */
  patchNotified(kind: string, object: KubeObject, value: string): Promise<void>;
  /** Records an event on the object, without notifying about it. */
  record(kind: string, object: KubeObject, event: RecordedEvent): Promise<void>;
  /** The AnalysisRuns of a Rollout's current revision, newest first, for templates' `.analysisRuns`. */
  analysisRuns?(rollout: KubeObject): unknown[] | undefined;
  metrics?: NotificationMetrics;
  now(): number;
  logger: Logger;
}

export interface NotificationMetrics {
  sent(object: KubeObject, event: RecordedEvent): void;
  failed(object: KubeObject, event: RecordedEvent): void;
  duration(object: KubeObject, seconds: number): void;
}

/** How many events of one object may wait for delivery; beyond it they are dropped and counted as errors. */
const MAX_PENDING_PER_OBJECT = 100;

interface Parsed {
  version: string;
  config: NotificationConfig;
  secret: Record<string, string>;
  services: Map<string, NotificationService | ServiceConfigError>;
}

export class Notifier {
  private readonly chains = new Map<string, { tail: Promise<void>; pending: number }>();
  /** What this process wrote to an object's notified annotation, until the cache shows it. */
  private readonly written = new Map<string, { uid: string | undefined; value: string }>();
  private readonly parsed = new Map<string, Parsed>();
  private readonly stateWarnings = new Map<string, Set<string>>();
  private readonly observations = new Map<string, KubeObject>();

  constructor(
    private readonly ports: NotifierPorts,
    /** Where the ConfigMap and Secret are read: the controller's namespace. */
    private readonly namespace: string,
    /** Argo's --self-service-notification-enabled: the object's own namespace's configuration too. */
    private readonly selfService = false,
  ) {}

  /** Queues the notifications of one recorded event; returns at once. */
  notify(kind: string, object: KubeObject, event: RecordedEvent): void {
    this.enqueue(kind, object, event, (key) => this.deliverEvent(key, kind, object, event));
  }

  /**
   * Queues a look at the object's state for the triggers whose conditions have `when` (after each
   * Rollout pass, as Argo's notification controller looks at each Rollout change); returns at once.
   */
  observe(kind: string, object: KubeObject): void {
    const key = objectKey(kind, object);
    const waiting = this.observations.has(key);
    // Level-triggered: one look waits per object, at the latest state handed in.
    this.observations.set(key, object);
    if (waiting) return;
    this.enqueue(kind, object, undefined, async () => {
      const latest = this.observations.get(key) ?? object;
      this.observations.delete(key);
      await this.deliverState(key, kind, latest);
    });
  }

  private enqueue(kind: string, object: KubeObject, event: RecordedEvent | undefined, work: (key: string) => Promise<void>): void {
    const key = objectKey(kind, object);
    const chain = this.chains.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    if (chain.pending >= MAX_PENDING_PER_OBJECT) {
      if (event) this.ports.metrics?.failed(object, event);
      this.ports.logger.warn({ object: key, reason: event?.reason }, 'notification dropped: too many waiting for this object');
      return;
    }
    chain.pending += 1;
    chain.tail = chain.tail
      .then(() => work(key))
      .catch((err: unknown) => this.ports.logger.error({ object: key, reason: event?.reason, err }, 'notification delivery failed'))
      .finally(() => {
        chain.pending -= 1;
        if (chain.pending === 0 && this.chains.get(key) === chain) this.chains.delete(key);
      });
    this.chains.set(key, chain);
  }

  /** Resolves once everything queued so far was delivered or given up on (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()].map((c) => c.tail));
  }

  private async configFor(namespace: string): Promise<Parsed | undefined> {
    const read = await this.ports.source.read(namespace);
    if (!read) return undefined;
    const cached = this.parsed.get(namespace);
    if (cached?.version === read.version) return cached;
    const config = parseConfig(read.data, read.secret);
    const services = new Map<string, NotificationService | ServiceConfigError>();
    for (const [name, s] of config.services) {
      try {
        const service = createService(s.type, name, s.settings, this.ports.services);
        if (service) services.set(name, service);
      } catch (err) {
        services.set(name, err instanceof ServiceConfigError ? err : new ServiceConfigError(`service ${name}: ${(err as Error).message}`));
      }
    }
    const parsed = { version: read.version, config, secret: read.secret, services };
    this.parsed.set(namespace, parsed);
    return parsed;
  }

  /**
   * The configurations that apply to an object, as Argo's GetAPIsFromNamespace: with self-service,
   * its own namespace's first (its notified keys prefixed by that namespace), then the controller's.
   */
  private async configsFor(objectNamespace: string): Promise<Array<{ parsed: Parsed; apiNamespace?: string }>> {
    const own = this.selfService && objectNamespace !== '' && objectNamespace !== this.namespace ? [objectNamespace] : [];
    const out: Array<{ parsed: Parsed; apiNamespace?: string }> = [];
    for (const ns of [...own, this.namespace]) {
      const parsed = await this.configFor(ns);
      if (parsed) out.push({ parsed, ...(ns !== this.namespace ? { apiNamespace: ns } : {}) });
    }
    return out;
  }

  private async deliverEvent(key: string, kind: string, object: KubeObject, event: RecordedEvent): Promise<void> {
    for (const { parsed, apiNamespace } of await this.configsFor(object.metadata?.namespace ?? '')) {
      const started = this.ports.now();
      const plan = planNotifications(parsed.config, object as KubeObject & Record<string, unknown>, event.reason, this.notifiedOf(key, object), started, apiNamespace);
      await this.carryOut(key, kind, object, event, parsed, plan, started);
      for (const w of plan.warnings) await this.warn(kind, object, key, w);
    }
  }

  private async deliverState(key: string, kind: string, object: KubeObject): Promise<void> {
    const seen = this.stateWarnings.get(key) ?? new Set<string>();
    for (const { parsed, apiNamespace } of await this.configsFor(object.metadata?.namespace ?? '')) {
      const started = this.ports.now();
      const plan = planStateNotifications(parsed.config, object as KubeObject & Record<string, unknown>, this.notifiedOf(key, object), started, apiNamespace);
      await this.carryOut(key, kind, object, undefined, parsed, plan, started);
      // Looked at after every pass: a condition that fails to evaluate is reported once, not each pass.
      for (const w of plan.warnings) {
        if (seen.has(w.message)) continue;
        seen.add(w.message);
        await this.warn(kind, object, key, w);
      }
    }
    if (seen.size > 0) this.stateWarnings.set(key, seen);
  }

  private async carryOut(key: string, kind: string, object: KubeObject, event: RecordedEvent | undefined, parsed: Parsed, plan: NotificationPlan, started: number): Promise<void> {
    const before = JSON.stringify(this.notifiedOf(key, object));
    // Sends that failed to deliver are taken back out of the notified record, so the condition is
    // sent again at the next look, as Argo's notification controller retries them; a wrong template
    // or service setting is not, as it fails the same way each time.
    const retry = new Set<string>();
    if (plan.sends.length > 0) {
      const runs = kind === 'Rollout' ? this.ports.analysisRuns?.(object) : undefined;
      const vars = { ...templateVars(object, new Date(started), parsed.secret), ...(runs ? { analysisRuns: runs } : {}) };
      for (const send of plan.sends) {
        const service = parsed.services.get(send.service.name);
        // A send no event caused (a condition that started to hold) is counted under its trigger.
        const counted = event ?? { type: 'Normal' as const, reason: send.trigger, message: '' };
        const what = `${send.template.name} via ${send.service.type === send.service.name ? send.service.type : `${send.service.type}.${send.service.name}`}${send.recipient ? ` to ${send.recipient}` : ''}`;
        try {
          if (service instanceof ServiceConfigError) throw service;
          if (!service) throw new Error(`service ${send.service.name} cannot send`);
          await service.send(renderNotification(send.template, vars), send.recipient);
          this.ports.metrics?.sent(object, counted);
          this.ports.logger.info({ object: key, trigger: send.trigger, template: send.template.name, service: send.service.name }, 'notification sent');
          await this.ports.record(kind, object, { type: 'Normal', reason: NOTIFICATION_REASONS.sent, message: `${send.trigger}: ${what} sent` }).catch(() => undefined);
        } catch (err) {
          const configError = err instanceof ServiceConfigError || err instanceof TemplateError;
          if (!configError && send.recorded !== undefined) retry.add(send.recorded);
          this.ports.metrics?.failed(object, counted);
          this.ports.logger.warn({ object: key, trigger: send.trigger, template: send.template.name, service: send.service.name, error: (err as Error).message }, 'notification not sent');
          await this.warn(kind, object, key, {
            reason: configError ? NOTIFICATION_REASONS.configError : NOTIFICATION_REASONS.sendFailed,
            message: `${send.trigger}: ${what} failed: ${(err as Error).message}`,
          });
        }
      }
      this.ports.metrics?.duration(object, (this.ports.now() - started) / 1000);
    }
    const notified = plan.notified && Object.fromEntries(Object.entries(plan.notified).filter(([k]) => !retry.has(k)));
    if (notified && JSON.stringify(notified) !== before) {
      // Remembered before the write lands, so the next look at this object sees it either way.
      const value = JSON.stringify(notified);
      this.written.set(key, { uid: object.metadata?.uid, value });
      await this.ports.patchNotified(kind, object, value).catch((err: unknown) => {
        this.ports.logger.warn({ object: key, error: (err as Error).message }, `could not record ${NOTIFIED_ANNOTATION}`);
      });
    }
  }

  /** The object's notified state: ours while the cache has not caught up with our write, the annotation's after. */
  private notifiedOf(key: string, object: KubeObject): Record<string, number> {
    const annotation = object.metadata?.annotations?.[NOTIFIED_ANNOTATION];
    const ours = this.written.get(key);
    if (ours && ours.uid === object.metadata?.uid && ours.value !== annotation) return parseNotified(ours.value);
    this.written.delete(key);
    return parseNotified(annotation);
  }

  private async warn(kind: string, object: KubeObject, key: string, w: NotificationWarning): Promise<void> {
    this.ports.logger.warn({ object: key, reason: w.reason }, w.message);
    await this.ports.record(kind, object, { type: 'Warning', reason: w.reason, message: w.message }).catch(() => undefined);
  }
}

function objectKey(kind: string, object: KubeObject): string {
  return `${kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function parseNotified(raw: string | undefined): Record<string, number> {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}
