import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { KubeConfig, ResponseContext, wrapHttpLibrary, type RequestContext } from '@kubernetes/client-node';
import { KubeClient } from '../../../../controller/kube/client.ts';
import { Informer } from '../../../../controller/kube/informer.ts';
import {
  AMBASSADOR_MAPPINGS,
  ISTIO_DESTINATION_RULES,
  ISTIO_VIRTUAL_SERVICES,
  type KubeObject,
  type ResourceType,
} from '../../../../controller/kube/resources.ts';
import { InformerSet } from '../../../../controller/runtime/caches.ts';
import { OptionalInformers } from '../../../../controller/runtime/optional-informers.ts';
import { clientTrafficKube, istioWatched, optionalRoutingKinds, type RoutingCaches } from '../../../../controller/reconcile/edge/traffic-kube.ts';
import type { StoredObject } from '../../../../controller/traffic/router.ts';
import { FakeClock } from '../../kube/fake-clock.ts';

const API = 'networking.istio.io/v1alpha3';
const logger = pino({ level: 'silent' });

const vs = (namespace: string, name: string, weight: number, resourceVersion = '5'): StoredObject => ({
  apiVersion: API,
  kind: 'VirtualService',
  metadata: { namespace, name, resourceVersion },
  spec: { http: [{ name: 'primary', route: [{ weight: 100 - weight }, { weight }] }] },
});

/** The apiserver as the client's transport: answers GETs and PATCHes from `objects` and records each request. */
function apiserver(objects: StoredObject[]) {
  const requests: string[] = [];
  const http = wrapHttpLibrary({
    async send(req: RequestContext): Promise<ResponseContext> {
      const url = new URL(req.getUrl());
      requests.push(`${req.getHttpMethod()} ${url.pathname}`);
      const name = url.pathname.split('/').pop();
      const found = objects.find((o) => o.metadata.name === name);
      let status = found ? 200 : 404;
      let body: unknown = found ?? { kind: 'Status', code: 404, reason: 'NotFound', message: `"${name}" not found` };
      if (found && req.getHttpMethod() === 'PATCH') {
        const patch = JSON.parse(req.getBody() as string) as { spec?: unknown };
        body = { ...found, metadata: { ...found.metadata, resourceVersion: '6' }, spec: patch.spec ?? found.spec };
        status = 200;
      }
      const text = JSON.stringify(body);
      return new ResponseContext(status, { 'content-type': 'application/json' }, { text: async () => text, binary: async () => Buffer.from(text) });
    },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: 'https://127.0.0.1:6443' }],
    users: [{ name: 'admin', token: 't' }],
    contexts: [{ name: 'dev', cluster: 'local', user: 'admin' }],
    currentContext: 'dev',
  });
  return { client: new KubeClient(kc, { http }), requests };
}

/** Caches whose informers for the served kinds list `cached` and then wait; other kinds are not served. */
async function caches(served: ResourceType[], cached: KubeObject[]): Promise<InformerSet> {
  const clock = new FakeClock();
  const create = (type: ResourceType): Informer<KubeObject> =>
    new Informer<KubeObject>({
      name: type.plural,
      clock,
      logger,
      watchTimeoutSeconds: () => 300,
      source: {
        list: async () => ({ items: cached.filter((o) => o.kind === type.kind), resourceVersion: '1' }),
        watch: (opts) => new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true })),
      },
    });
  const probe = async (group: string, version: string) =>
    new Set(served.filter((t) => t.group === group && t.version === version).map((t) => t.plural));
  const optionals = new OptionalInformers({ create, probe, clock, logger });
  const set = new InformerSet(create, optionals);
  for (const type of served) set.optional(type);
  await optionals.refresh();
  for (const type of served) assert.ok(await waitSynced(set, type), `${type.plural} synced`);
  return set;
}

async function waitSynced(set: InformerSet, type: ResourceType): Promise<boolean> {
  for (let i = 0; i < 100 && !set.optional(type)?.synced(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  return set.optional(type)?.synced() !== undefined;
}

describe('TrafficKube get: the informer cache first', () => {
  it('answers from a synced informer without a request, with a copy the router may edit', async () => {
    const { client, requests } = apiserver([vs('shop', 'web', 0)]);
    const from: RoutingCaches = { caches: await caches([ISTIO_VIRTUAL_SERVICES], [vs('shop', 'web', 20)]) };
    const kube = clientTrafficKube(client, {}, from);
    const read = await kube.get(API, 'VirtualService', 'shop', 'web');
    assert.deepEqual(requests, []);
    assert.deepEqual((read?.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route[1], { weight: 20 }, 'the cached object, not the apiserver one');
    (read!.spec as { http: unknown[] }).http.length = 0;
    const again = await kube.get(API, 'VirtualService', 'shop', 'web');
    assert.equal((again!.spec as { http: unknown[] }).http.length, 1, 'editing what was read leaves the cache alone');
    assert.equal(await kube.get(API, 'VirtualService', 'shop', 'missing'), null, 'not in a synced cache: not found, still no request');
    assert.deepEqual(requests, []);
  });

  it('falls back to a GET when the kind has no running informer (its CRD is not served) or no informer at all', async () => {
    const { client, requests } = apiserver([vs('shop', 'web', 0), { ...vs('shop', 'dr', 0), kind: 'DestinationRule' }]);
    const from: RoutingCaches = { caches: await caches([ISTIO_VIRTUAL_SERVICES], []) };
    await clientTrafficKube(client, {}, from).get(API, 'DestinationRule', 'shop', 'dr');
    await clientTrafficKube(client).get(API, 'VirtualService', 'shop', 'web');
    assert.deepEqual(requests, [
      'GET /apis/networking.istio.io/v1alpha3/namespaces/shop/destinationrules/dr',
      'GET /apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices/web',
    ]);
  });

  it('reads with a GET at another version than the informer holds, and outside the --namespace it watches', async () => {
    const { client, requests } = apiserver([vs('other', 'web', 0)]);
    const from: RoutingCaches = { caches: await caches([ISTIO_VIRTUAL_SERVICES], [vs('shop', 'web', 20)]), namespace: 'shop' };
    const kube = clientTrafficKube(client, {}, from);
    assert.ok(await kube.get(API, 'VirtualService', 'other', 'web'));
    assert.ok(await kube.get('networking.istio.io/v1beta1', 'VirtualService', 'other', 'web'));
    assert.deepEqual(requests, [
      'GET /apis/networking.istio.io/v1alpha3/namespaces/other/virtualservices/web',
      'GET /apis/networking.istio.io/v1beta1/namespaces/other/virtualservices/web',
    ]);
  });

  it('reads back what it wrote in the same pass, even before the informer has seen the write', async () => {
    const { client, requests } = apiserver([vs('shop', 'web', 0)]);
    const from: RoutingCaches = { caches: await caches([ISTIO_VIRTUAL_SERVICES], [vs('shop', 'web', 0)]) };
    const kube = clientTrafficKube(client, {}, from);
    await kube.patch(API, 'VirtualService', 'shop', 'web', { metadata: { resourceVersion: '5' }, spec: vs('shop', 'web', 30).spec as Record<string, never> });
    const read = await kube.get(API, 'VirtualService', 'shop', 'web');
    assert.equal(read?.metadata.resourceVersion, '6');
    assert.deepEqual((read?.spec as { http: Array<{ route: Array<{ weight: number }> }> }).http[0]!.route[1], { weight: 30 });
    await kube.delete(API, 'VirtualService', 'shop', 'web');
    assert.equal(await kube.get(API, 'VirtualService', 'shop', 'web'), null, 'deleted in this pass');
    assert.deepEqual(requests, [
      'PATCH /apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices/web',
      'DELETE /apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices/web',
    ]);
  });
});

describe('routing kinds and the Istio watch', () => {
  it('are the routing kinds but Ingresses, at the configured versions', () => {
    const kinds = optionalRoutingKinds(['networking.istio.io/v1beta1', 'getambassador.io/v3alpha1']);
    assert.ok(!kinds.some((t) => t.kind === 'Ingress'), 'Ingresses always have an informer');
    assert.equal(kinds.find((t) => t.kind === 'VirtualService')?.version, 'v1beta1');
    assert.equal(kinds.find((t) => t.kind === 'DestinationRule')?.version, 'v1beta1');
    assert.equal(kinds.find((t) => t.kind === AMBASSADOR_MAPPINGS.kind)?.version, 'v3alpha1');
    assert.equal(kinds.find((t) => t.kind === 'HTTPRoute')?.version, 'v1');
  });

  it('Istio is watched only when both of its kinds are synced for the namespace', async () => {
    assert.equal(istioWatched({ caches: await caches([ISTIO_VIRTUAL_SERVICES], []) }, API, 'shop'), false);
    const both = await caches([ISTIO_VIRTUAL_SERVICES, ISTIO_DESTINATION_RULES], []);
    assert.equal(istioWatched({ caches: both }, API, 'shop'), true);
    assert.equal(istioWatched({ caches: both, namespace: 'shop' }, API, 'other'), false);
    assert.equal(istioWatched(undefined, API, 'shop'), false);
  });
});
