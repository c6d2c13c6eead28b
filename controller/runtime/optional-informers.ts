import type { Logger } from 'pino';
import { sleep, type Clock } from '../kube/clock.ts';
import { describeKubeError } from '../kube/errors.ts';
import type { Informer, InformerHandlers } from '../kube/informer.ts';
import { apiVersionOf, qualifiedName, type KubeObject, type ResourceType } from '../kube/resources.ts';

/**
 * Informers for kinds a CustomResourceDefinition may or may not provide (the traffic routers'
 * VirtualServices, HTTPRoutes, Mappings, …). Each runs only while the apiserver serves its kind:
 * discovery of the group/version is polled, an informer starts when the kind appears and is stopped
 * and dropped (its cache with it) when the kind goes away. Discovery needs no RBAC rule, so this
 * works under a namespaced Role, and a cluster without any of these CRDs starts as before. They
 * never hold up readiness: until one is synced its readers fall back to direct GETs.
 */

/** The plurals served in a group/version; undefined when none is (404). Rejects on other failures. */
export type DiscoveryProbe = (group: string, version: string, signal: AbortSignal) => Promise<Set<string> | undefined>;

/**
 * The plurals served in every group/version at once (aggregated discovery, one request); undefined
 * when the apiserver does not offer it, and each group/version is probed instead.
 */
export type DiscoveryProbeAll = (signal: AbortSignal) => Promise<Map<string, Set<string>> | undefined>;

/** How often discovery is polled: a CRD installed later is picked up within this, GETs serve meanwhile. */
export const DISCOVERY_INTERVAL_MS = 30_000;

export interface OptionalInformer<T extends KubeObject> {
  readonly type: ResourceType;
  /** Handlers are kept across restarts: each new informer of this kind gets them. */
  addHandlers(handlers: InformerHandlers<T>): void;
  /** The cache, only while the kind is served and its first list is in. */
  synced(): Informer<T> | undefined;
}

interface Entry {
  readonly type: ResourceType;
  readonly handlers: InformerHandlers<KubeObject>[];
  informer: Informer<KubeObject> | undefined;
}

export interface OptionalInformersDeps {
  create: (type: ResourceType) => Informer<KubeObject>;
  probe: DiscoveryProbe;
  probeAll?: DiscoveryProbeAll;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
}

const keyOf = (type: ResourceType): string => `${type.group}/${type.version}/${type.plural}`;

export class OptionalInformers {
  private readonly entries = new Map<string, Entry>();
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: OptionalInformersDeps) {}

  optional<T extends KubeObject>(type: ResourceType): OptionalInformer<T> {
    const key = keyOf(type);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { type, handlers: [], informer: undefined };
      this.entries.set(key, entry);
    }
    const held = entry;
    return {
      type,
      addHandlers: (handlers) => {
        held.handlers.push(handlers as InformerHandlers<KubeObject>);
        held.informer?.addHandlers(handlers as InformerHandlers<KubeObject>);
      },
      synced: () => (held.informer?.hasSynced() ? (held.informer as unknown as Informer<T>) : undefined),
    };
  }

  /** Names of the kinds whose informer runs now (for logs and tests). */
  running(): string[] {
    return [...this.entries.values()].filter((e) => e.informer).map((e) => qualifiedName(e.type));
  }

  start(): void {
    if (this.loop) return;
    const abort = new AbortController();
    this.abort = abort;
    this.loop = (async () => {
      while (!abort.signal.aborted) {
        await this.refresh(abort.signal);
        await sleep(this.deps.clock, this.deps.intervalMs ?? DISCOVERY_INTERVAL_MS, abort.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
    await Promise.all([...this.entries.values()].map((e) => this.drop(e, 'shutting down')));
  }

  /** One discovery pass: start what is served and not running, stop what runs and is no longer served. */
  async refresh(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const byGroupVersion = new Map<string, Entry[]>();
    for (const entry of this.entries.values()) {
      const gv = apiVersionOf(entry.type);
      byGroupVersion.set(gv, [...(byGroupVersion.get(gv) ?? []), entry]);
    }
    if (byGroupVersion.size === 0) return;
    let all: Map<string, Set<string>> | undefined;
    try {
      all = await this.deps.probeAll?.(signal);
    } catch (err) {
      if (!signal.aborted) this.deps.logger.debug(`aggregated discovery failed: ${describeKubeError(err)}`);
      return;
    }
    for (const [gv, entries] of byGroupVersion) {
      const { group, version } = entries[0]!.type;
      let served: Set<string> | undefined;
      try {
        served = all ? all.get(gv) : await this.deps.probe(group, version, signal);
      } catch (err) {
        // Unknown is not absent: keep what runs, look again next time.
        if (!signal.aborted) this.deps.logger.debug({ groupVersion: `${group}/${version}` }, `discovery failed: ${describeKubeError(err)}`);
        continue;
      }
      if (signal.aborted) return;
      for (const entry of entries) {
        if (served?.has(entry.type.plural)) this.begin(entry);
        else await this.drop(entry, 'no longer served');
      }
    }
  }

  private begin(entry: Entry): void {
    if (entry.informer) return;
    const informer = this.deps.create(entry.type);
    for (const handlers of entry.handlers) informer.addHandlers(handlers);
    entry.informer = informer;
    informer.start();
    this.deps.logger.info({ informer: informer.name }, `${informer.name} is served: watching it`);
  }

  private async drop(entry: Entry, why: string): Promise<void> {
    const informer = entry.informer;
    if (!informer) return;
    entry.informer = undefined;
    await informer.stop();
    this.deps.logger.info({ informer: informer.name }, `${informer.name}: ${why}, stopped watching it`);
  }
}
