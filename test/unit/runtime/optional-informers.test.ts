import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Informer, type ListWatchSource } from '../../../controller/kube/informer.ts';
import { APISIX_ROUTES, ISTIO_DESTINATION_RULES, ISTIO_VIRTUAL_SERVICES, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { InformerSet } from '../../../controller/runtime/caches.ts';
import { DISCOVERY_INTERVAL_MS, OptionalInformers } from '../../../controller/runtime/optional-informers.ts';
import { FakeClock } from '../kube/fake-clock.ts';

const logger = pino({ level: 'silent' });

/** A cluster whose served plurals per group/version change as a test installs and deletes CRDs. */
class Discovery {
  readonly served = new Map<string, Set<string>>();
  failing = false;
  probes = 0;

  install(type: ResourceType): void {
    const gv = `${type.group}/${type.version}`;
    this.served.set(gv, new Set([...(this.served.get(gv) ?? []), type.plural]));
  }

  remove(type: ResourceType): void {
    const left = [...(this.served.get(`${type.group}/${type.version}`) ?? [])].filter((p) => p !== type.plural);
    if (left.length > 0) this.served.set(`${type.group}/${type.version}`, new Set(left));
    else this.served.delete(`${type.group}/${type.version}`);
  }

  probe = async (group: string, version: string): Promise<Set<string> | undefined> => {
    this.probes += 1;
    if (this.failing) throw new Error('connection refused');
    return this.served.get(`${group}/${version}`);
  };
}

/** Informers over fixed lists whose watches wait until stopped; records which start and stop. */
function informers(clock: FakeClock, objects: Record<string, KubeObject[]>) {
  const log: string[] = [];
  const create = (type: ResourceType): Informer<KubeObject> => {
    const source: ListWatchSource<KubeObject> = {
      list: async () => ({ items: objects[type.plural] ?? [], resourceVersion: '1' }),
      watch: (opts) => new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true })),
    };
    const informer = new Informer<KubeObject>({ name: type.plural, source, clock, logger, watchTimeoutSeconds: () => 300 });
    log.push(`create ${type.plural}`);
    const stop = informer.stop.bind(informer);
    informer.stop = async () => {
      log.push(`stop ${type.plural}`);
      await stop();
    };
    return informer;
  };
  return { create, log };
}

const vs = (name: string): KubeObject => ({ apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { namespace: 'shop', name } });

describe('optional informers', () => {
  it('start only for kinds the apiserver serves: a cluster without the CRDs runs none', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery();
    const made = informers(clock, {});
    const set = new OptionalInformers({ create: made.create, probe: discovery.probe, clock, logger });
    const routes = set.optional(APISIX_ROUTES);
    await set.refresh();
    assert.deepEqual(made.log, []);
    assert.equal(routes.synced(), undefined, 'readers fall back to GETs');
    assert.deepEqual(set.running(), []);
  });

  it('a CRD appearing starts its informer with the handlers given before; its going away stops and drops it', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery();
    const made = informers(clock, { virtualservices: [vs('web')] });
    const set = new OptionalInformers({ create: made.create, probe: discovery.probe, clock, logger });
    const virtualServices = set.optional(ISTIO_VIRTUAL_SERVICES);
    const added: string[] = [];
    virtualServices.addHandlers({ add: (obj) => added.push(obj.metadata?.name ?? '') });

    discovery.install(ISTIO_VIRTUAL_SERVICES);
    await set.refresh();
    assert.deepEqual(made.log, ['create virtualservices']);
    const cache = virtualServices.synced() ?? (await waitSynced(virtualServices));
    assert.equal(cache.get('shop/web')?.metadata?.name, 'web');
    assert.deepEqual(added, ['web'], 'the handler registered before the CRD existed sees the objects');

    await set.refresh();
    assert.deepEqual(made.log, ['create virtualservices'], 'a kind still served keeps its one informer');

    discovery.remove(ISTIO_VIRTUAL_SERVICES);
    await set.refresh();
    assert.deepEqual(made.log, ['create virtualservices', 'stop virtualservices']);
    assert.equal(virtualServices.synced(), undefined, 'the cache of a kind no longer served is gone');

    discovery.install(ISTIO_VIRTUAL_SERVICES);
    await set.refresh();
    await waitSynced(virtualServices);
    assert.deepEqual(made.log, ['create virtualservices', 'stop virtualservices', 'create virtualservices']);
    assert.deepEqual(added, ['web', 'web'], 'a new informer gets the same handlers');
    await set.stop();
  });

  it('one discovery request per group/version, and a failed one stops nothing', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery();
    const made = informers(clock, {});
    const set = new OptionalInformers({ create: made.create, probe: discovery.probe, clock, logger });
    set.optional(ISTIO_VIRTUAL_SERVICES);
    set.optional(ISTIO_DESTINATION_RULES);
    discovery.install(ISTIO_VIRTUAL_SERVICES);
    discovery.install(ISTIO_DESTINATION_RULES);
    await set.refresh();
    assert.equal(discovery.probes, 1);
    assert.deepEqual(set.running(), ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io']);

    discovery.failing = true;
    await set.refresh();
    assert.deepEqual(set.running(), ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io'], 'unknown is not absent');
    await set.stop();
    assert.deepEqual(made.log.filter((l) => l.startsWith('stop')).sort(), ['stop destinationrules', 'stop virtualservices']);
  });

  it('with aggregated discovery, one request per pass covers every group/version; without it, each is probed', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery();
    let aggregated = 0;
    let offered = true;
    const probeAll = async (): Promise<Map<string, Set<string>> | undefined> => {
      aggregated += 1;
      return offered ? new Map(discovery.served) : undefined;
    };
    const made = informers(clock, {});
    const set = new OptionalInformers({ create: made.create, probe: discovery.probe, probeAll, clock, logger });
    set.optional(ISTIO_VIRTUAL_SERVICES);
    set.optional(ISTIO_DESTINATION_RULES);
    set.optional(APISIX_ROUTES);
    discovery.install(ISTIO_VIRTUAL_SERVICES);
    await set.refresh();
    assert.deepEqual([aggregated, discovery.probes], [1, 0]);
    assert.deepEqual(set.running(), ['virtualservices.networking.istio.io']);
    offered = false;
    discovery.install(APISIX_ROUTES);
    await set.refresh();
    assert.deepEqual([aggregated, discovery.probes], [2, 2], 'an apiserver without it is asked per group/version');
    assert.deepEqual(set.running().sort(), ['apisixroutes.apisix.apache.org', 'virtualservices.networking.istio.io']);
  });

  it('polls discovery on the clock once started with the other caches, and stops with them', async () => {
    const clock = new FakeClock();
    const discovery = new Discovery();
    const made = informers(clock, {});
    const optionals = new OptionalInformers({ create: made.create, probe: discovery.probe, clock, logger });
    const set = new InformerSet(() => assert.fail('no required kinds here'), optionals);
    const routes = set.optional(APISIX_ROUTES)!;
    set.startAll();
    await clock.advance(0);
    assert.deepEqual(made.log, []);
    discovery.install(APISIX_ROUTES);
    await clock.advance(DISCOVERY_INTERVAL_MS);
    assert.deepEqual(made.log, ['create apisixroutes']);
    await waitSynced(routes);
    assert.deepEqual(set.unsynced(), [], 'optional kinds never hold up readiness');
    await set.stopAll();
    assert.deepEqual(made.log, ['create apisixroutes', 'stop apisixroutes']);
  });
});

async function waitSynced<T extends KubeObject>(optional: { synced(): Informer<T> | undefined }): Promise<Informer<T>> {
  for (let i = 0; i < 100; i += 1) {
    const informer = optional.synced();
    if (informer) return informer;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('the informer never synced');
}
