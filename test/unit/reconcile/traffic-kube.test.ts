import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfig, ResponseContext, wrapHttpLibrary, type RequestContext } from '@kubernetes/client-node';
import { KubeClient } from '../../../controller/kube/client.ts';
import { clientTrafficKube, routingResource } from '../../../controller/reconcile/edge/traffic-kube.ts';
import { isAlreadyExists } from '../../../controller/traffic/router.ts';

interface Sent {
  method: string;
  url: URL;
  contentType: string | undefined;
  body: unknown;
}

/** A transport double: records requests and answers from a script. */
function kubeWith(responses: Array<{ status: number; body: unknown }>) {
  const sent: Sent[] = [];
  const http = wrapHttpLibrary({
    async send(req: RequestContext): Promise<ResponseContext> {
      const raw = req.getBody();
      sent.push({
        method: req.getHttpMethod(),
        url: new URL(req.getUrl()),
        contentType: req.getHeaders()['Content-Type'],
        body: typeof raw === 'string' && raw ? JSON.parse(raw) : undefined,
      });
      const next = responses.shift() ?? { status: 200, body: {} };
      const text = JSON.stringify(next.body);
      return new ResponseContext(next.status, { 'content-type': 'application/json' }, { text: async () => text, binary: async () => Buffer.from(text) });
    },
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
    users: [{ name: 'admin', token: 't' }],
    contexts: [{ name: 'dev', cluster: 'local', user: 'admin' }],
    currentContext: 'dev',
  });
  const kube = clientTrafficKube(new KubeClient(kc, { http }), { fieldManager: 'ramp-controller' });
  return { kube, sent };
}

const status = (code: number, reason: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message: reason });

describe('the routers\' TrafficKube over the controller client', () => {
  it('reads a missing object as null and other failures as errors', async () => {
    const { kube, sent } = kubeWith([
      { status: 404, body: status(404, 'NotFound') },
      { status: 403, body: status(403, 'Forbidden') },
    ]);
    assert.equal(await kube.get('networking.k8s.io/v1', 'Ingress', 'shop', 'web'), null);
    assert.equal(sent[0]?.url.pathname, '/apis/networking.k8s.io/v1/namespaces/shop/ingresses/web');
    await assert.rejects(kube.get('networking.istio.io/v1alpha3', 'VirtualService', 'shop', 'web-vs'), /403 Forbidden/);
    assert.equal(sent[1]?.url.pathname, '/apis/networking.istio.io/v1alpha3/namespaces/shop/virtualservices/web-vs');
  });

  it('addresses Istio objects at the version asked for', async () => {
    const { kube, sent } = kubeWith([{ status: 200, body: { apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'dr' } } }]);
    await kube.get('networking.istio.io/v1beta1', 'DestinationRule', 'shop', 'dr');
    assert.equal(sent[0]?.url.pathname, '/apis/networking.istio.io/v1beta1/namespaces/shop/destinationrules/dr');
  });

  it('creates with the field manager, and an existing object rejects as already existing', async () => {
    const { kube, sent } = kubeWith([{ status: 409, body: status(409, 'AlreadyExists') }]);
    const canary = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web-web-canary', namespace: 'shop' } };
    await assert.rejects(kube.create(canary), (err: unknown) => isAlreadyExists(err));
    assert.equal(sent[0]?.method, 'POST');
    assert.equal(sent[0]?.url.pathname, '/apis/networking.k8s.io/v1/namespaces/shop/ingresses');
    assert.equal(sent[0]?.url.searchParams.get('fieldManager'), 'ramp-controller');
  });

  it('patches with a JSON merge patch and deletes, a missing object being already deleted', async () => {
    const { kube, sent } = kubeWith([
      { status: 200, body: { apiVersion: 'networking.istio.io/v1alpha3', kind: 'VirtualService', metadata: { name: 'vs' } } },
      { status: 404, body: status(404, 'NotFound') },
    ]);
    await kube.patch('networking.istio.io/v1alpha3', 'VirtualService', 'shop', 'vs', { metadata: { resourceVersion: '7' }, spec: { http: [] } });
    assert.equal(sent[0]?.method, 'PATCH');
    assert.equal(sent[0]?.contentType, 'application/merge-patch+json');
    assert.deepEqual(sent[0]?.body, { metadata: { resourceVersion: '7' }, spec: { http: [] } });
    await kube.delete('networking.k8s.io/v1', 'Ingress', 'shop', 'gone');
    assert.equal(sent[1]?.method, 'DELETE');
  });

  it('refuses kinds that are not routing objects', () => {
    assert.throws(() => routingResource('v1', 'Secret'), /Secret v1 is not a routing object the controller edits/);
    assert.throws(() => routingResource('networking.k8s.io/v1', 'NetworkPolicy'), /not a routing object/);
  });
});
