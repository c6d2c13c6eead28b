import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { KubeClient } from '../kube/client.ts';
import { sleep, type Clock } from '../kube/clock.ts';
import { Informer, kubeListWatch, type ListWatchSource } from '../kube/informer.ts';
import { qualifiedName, type KubeObject, type ResourceType } from '../kube/resources.ts';
import type { Caches } from './types.ts';
import { OptionalInformers, type OptionalInformer } from './optional-informers.ts';
import { INSTANCE_ID_LABEL } from '../api/labels.ts';
export { INSTANCE_ID_LABEL };


/** Argo's rule: with an instance id, only objects carrying it; without one, only objects carrying none. */
export function instanceIdSelector(instanceId: string | undefined): string {
  return instanceId ? `${INSTANCE_ID_LABEL}=${instanceId}` : `!${INSTANCE_ID_LABEL}`;
}

export function informerScope(type: ResourceType, config: Pick<Config, 'namespace' | 'instanceId'>): { namespace?: string; labelSelector?: string } {
  return {
    namespace: type.namespaced ? config.namespace : undefined,
    labelSelector: type.instanceScoped ? instanceIdSelector(config.instanceId) : undefined,
  };
}

/** Whether the controller reads this kind at all: --namespaced reads no cluster-scoped kinds. */
export function readsKind(type: ResourceType, config: Pick<Config, 'namespaced'>): boolean {
  return type.namespaced || !config.namespaced;
}

/**
 * The source of a kind the controller does not read: an empty list, and watches that see nothing
 * until their timeout. Its informer syncs at once, so the caches that are read never wait on a
 * list a namespaced Role would forbid; references to such objects are reported as not found.
 */
export function unreadSource<T>(clock: Clock): ListWatchSource<T> {
  return {
    list: () => Promise.resolve({ items: [], resourceVersion: '0' }),
    watch: (opts) => sleep(clock, opts.timeoutSeconds * 1000, opts.signal),
  };
}

export type InformerFactory = (type: ResourceType) => Informer<KubeObject>;

export function kubeInformerFactory(deps: { client: KubeClient; config: Config; clock: Clock; logger: Logger }): InformerFactory {
  return (type) =>
    new Informer<KubeObject>({
      name: qualifiedName(type),
      source: readsKind(type, deps.config) ? kubeListWatch(deps.client, type, informerScope(type, deps.config)) : unreadSource(deps.clock),
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.config.resyncSeconds * 1000,
    });
}

/** Optional informers over the client, scoped as the others; discovery through the client. */
export function kubeOptionalInformers(deps: { client: KubeClient; config: Config; clock: Clock; logger: Logger }): OptionalInformers {
  return new OptionalInformers({
    create: kubeInformerFactory(deps),
    probe: (group, version, signal) => deps.client.servedResources(group, version, { signal }),
    probeAll: (signal) => deps.client.servedByGroupVersion({ signal }),
    clock: deps.clock,
    logger: deps.logger,
  });
}

function typeKey(type: ResourceType): string {
  return `${type.group}/${type.version}/${type.plural}`;
}

/**
 * One shared informer per resource type, created on first request; optional kinds (served only
 * when a CRD defines them) are handed to `optionals`, which starts and stops them by discovery.
 */
export class InformerSet implements Caches {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  constructor(
    private readonly create: InformerFactory,
    private readonly optionals?: OptionalInformers,
  ) {}

  optional<T extends KubeObject>(type: ResourceType): OptionalInformer<T> | undefined {
    return this.optionals?.optional<T>(type);
  }

  informer<T extends KubeObject>(type: ResourceType): Informer<T> {
    const key = typeKey(type);
    let informer = this.informers.get(key);
    if (!informer) {
      informer = this.create(type);
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  startAll(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
    this.optionals?.start();
  }

  async stopAll(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    await this.optionals?.stop();
  }

  unsynced(): string[] {
    return [...this.informers.values()].filter((i) => !i.hasSynced()).map((i) => i.name);
  }

  async waitForSync(signal: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }
}
