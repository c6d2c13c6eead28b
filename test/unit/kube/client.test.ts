import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, ResponseContext, wrapHttpLibrary, type RequestContext } from '@kubernetes/client-node';
import { KubeClient, mergePatchOptions } from '../../../controller/kube/client.ts';
import { loadKubeConfig } from '../../../controller/kube/kubeconfig.ts';
import { describeKubeError, KubeApiError, KubeConfigError } from '../../../controller/kube/errors.ts';
import { REPLICA_SETS, ROLLOUTS } from '../../../controller/kube/resources.ts';

interface Sent {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: unknown;
}

/** A transport double: records requests and answers from a script. */
function fakeTransport(responses: Array<{ status: number; body: unknown }>) {
  const sent: Sent[] = [];
  const http = wrapHttpLibrary({
    async send(req: RequestContext): Promise<ResponseContext> {
      const raw = req.getBody();
      sent.push({ method: req.getHttpMethod(), url: new URL(req.getUrl()), headers: req.getHeaders(), body: typeof raw === 'string' && raw ? JSON.parse(raw) : undefined });
      const next = responses.shift() ?? { status: 200, body: {} };
      const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
      return new ResponseContext(next.status, { 'content-type': 'application/json' }, { text: async () => text, binary: async () => Buffer.from(text) });
    },
  });
  return { http, sent };
}

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: 'https://127.0.0.1:6443/', skipTLSVerify: false }],
    users: [{ name: 'admin', token: 's3cret' }],
    contexts: [{ name: 'dev', cluster: 'local', user: 'admin', namespace: 'team' }],
    currentContext: 'dev',
  });
  return kc;
}

function client(responses: Array<{ status: number; body: unknown }> = []) {
  const { http, sent } = fakeTransport(responses);
  const observed: string[] = [];
  const c = new KubeClient(kubeConfig(), { http, observe: ({ verb, kind, statusCode }) => observed.push(`${verb} ${kind} ${statusCode}`) });
  return { c, sent, observed };
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

describe('KubeClient', () => {
  it('sends merge patches as application/merge-patch+json with the credentials', async () => {
    const { c, sent } = client([{ status: 200, body: { metadata: { name: 'web' } } }]);
    await c.mergePatch(ROLLOUTS, 'shop', 'web', { spec: { paused: true } }, { fieldManager: 'ramp-controller' });
    const [req] = sent;
    assert.equal(req?.method, 'PATCH');
    assert.equal(req?.url.pathname, '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web');
    assert.equal(req?.url.searchParams.get('fieldManager'), 'ramp-controller');
    assert.equal(req?.headers['Content-Type'], 'application/merge-patch+json');
    assert.equal(req?.headers.Authorization, 'Bearer s3cret');
    assert.deepEqual(req?.body, { spec: { paused: true } });
  });

  it('patches status through the status subresource', async () => {
    const { c, sent } = client();
    await c.mergePatchStatus(ROLLOUTS, 'shop', 'web', { status: { phase: 'Paused' } });
    assert.equal(sent[0]?.url.pathname, '/apis/argoproj.io/v1alpha1/namespaces/shop/rollouts/web/status');
    assert.equal(sent[0]?.headers['Content-Type'], 'application/merge-patch+json');
  });

  it('sends undo as a JSON patch (application/json-patch+json)', async () => {
    const { c, sent } = client();
    const ops = [{ op: 'replace', path: '/spec/template', value: { metadata: {} } }];
    await c.jsonPatch(ROLLOUTS, 'shop', 'web', ops);
    assert.equal(sent[0]?.method, 'PATCH');
    assert.equal(sent[0]?.headers['Content-Type'], 'application/json-patch+json');
    assert.deepEqual(sent[0]?.body, ops);
  });

  it('reads an error status\'s reason, message and details', async () => {
    const body = { ...status(404, 'NotFound', 'rollouts.argoproj.io "web" not found'), details: { name: 'web', group: 'argoproj.io', kind: 'rollouts' } };
    const { c } = client([{ status: 404, body }]);
    const err = await c.get(ROLLOUTS, 'shop', 'web').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof KubeApiError);
    assert.deepEqual([err.statusCode, err.reason, err.serverMessage, err.details.name], [404, 'NotFound', 'rollouts.argoproj.io "web" not found', 'web']);
  });

  it('turns an error status into a KubeApiError naming the object', async () => {
    const { c } = client([{ status: 409, body: status(409, 'Conflict', 'Operation cannot be fulfilled on rollouts.argoproj.io "web": the object has been modified') }]);
    await assert.rejects(c.mergePatch(ROLLOUTS, 'shop', 'web', {}), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.equal(err.statusCode, 409);
      assert.deepEqual(err.target, { verb: 'patch', group: 'argoproj.io', resource: 'rollouts', namespace: 'shop', name: 'web' });
      assert.match(err.message, /^kube: patch rollouts.argoproj.io shop\/web: 409 Conflict: Operation cannot be fulfilled/);
      return true;
    });
  });

  it('a 404 without a Status body on an Argo collection says the CRDs are missing', async () => {
    const { c } = client([{ status: 404, body: '404 page not found' }]);
    await assert.rejects(c.list(ROLLOUTS, { namespace: 'shop' }), (err: unknown) => {
      assert.equal(describeKubeError(err), 'not found: rollouts.argoproj.io is not served by the apiserver: install the Argo Rollouts CRDs (kubectl apply -f crds/)');
      return true;
    });
  });

  it('lists every page and fills in apiVersion and kind', async () => {
    const { c, sent } = client([
      { status: 200, body: { metadata: { resourceVersion: '7', continue: 'page2' }, items: [{ metadata: { name: 'a' } }] } },
      { status: 200, body: { metadata: { resourceVersion: '8' }, items: [{ metadata: { name: 'b' } }] } },
    ]);
    const listed = await c.listAll(REPLICA_SETS, { namespace: 'shop', labelSelector: 'app=web' });
    assert.deepEqual(listed, {
      resourceVersion: '8',
      items: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'a' } },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'b' } },
      ],
    });
    assert.equal(sent[0]?.url.searchParams.get('limit'), '500');
    assert.equal(sent[0]?.url.searchParams.get('labelSelector'), 'app=web');
    assert.equal(sent[1]?.url.searchParams.get('continue'), 'page2');
  });

  it('lists in one request when a continue token expires', async () => {
    const { c, sent } = client([
      { status: 200, body: { metadata: { resourceVersion: '7', continue: 'page2' }, items: [{ metadata: { name: 'a' } }] } },
      { status: 410, body: status(410, 'Expired', 'The provided continue parameter is too old') },
      { status: 200, body: { metadata: { resourceVersion: '9' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } },
    ]);
    const listed = await c.listAll(REPLICA_SETS, { namespace: 'shop' });
    assert.deepEqual(listed.items.map((i) => i.metadata?.name), ['a', 'b']);
    assert.equal(listed.resourceVersion, '9');
    assert.equal(sent[2]?.url.searchParams.get('limit'), null);
  });

  it('counts every response by verb, kind and status code', async () => {
    const { c, observed } = client([{ status: 200, body: {} }, { status: 403, body: status(403, 'Forbidden', 'no') }]);
    await c.get(ROLLOUTS, 'shop', 'web');
    await c.mergePatchStatus(ROLLOUTS, 'shop', 'web', {}).catch(() => undefined);
    assert.deepEqual(observed, ['Get rollouts 200', 'Patch rollouts 403']);
  });

  it('typed client-node APIs share the counted transport; mergePatchOptions fixes their patch content type', async () => {
    const { c, sent, observed } = client([
      { status: 200, body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } },
      { status: 200, body: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1' } } },
    ]);
    await c.api(CoreV1Api).readNamespace({ name: 'shop' });
    await c.api(AppsV1Api).patchNamespacedReplicaSet({ namespace: 'shop', name: 'web-1', body: { spec: { replicas: 2 } } }, mergePatchOptions());
    assert.deepEqual(observed, ['Get namespaces 200', 'Patch replicasets 200']);
    assert.equal(sent[1]?.headers['Content-Type'], 'application/merge-patch+json');
  });

  it('knows the context namespace', () => {
    assert.equal(client().c.contextNamespace, 'team');
    assert.equal(client().c.server, 'https://127.0.0.1:6443');
  });
});

describe('loadKubeConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ramp-kubeconfig-'));
  const good = join(dir, 'config');
  writeFileSync(
    good,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: local, cluster: {server: "https://127.0.0.1:6443"}}]',
      'users: [{name: admin, user: {token: abc}}]',
      'contexts: [{name: dev, context: {cluster: local, user: admin}}, {name: prod, context: {cluster: local, user: admin, namespace: ops}}]',
      'current-context: dev',
    ].join('\n'),
  );

  it('loads the current context, or the one asked for', () => {
    assert.equal(loadKubeConfig({ kind: 'files', paths: [good] }).getCurrentContext(), 'dev');
    assert.equal(loadKubeConfig({ kind: 'files', paths: [good] }, 'prod').getCurrentContext(), 'prod');
  });

  it('a missing file is a KubeConfigError naming it', () => {
    const missing = join(dir, 'missing');
    assert.throws(() => loadKubeConfig({ kind: 'files', paths: [missing] }), (err: unknown) => {
      assert.ok(err instanceof KubeConfigError);
      assert.match(describeKubeError(err), new RegExp(`^bad kubeconfig ${missing}: cannot be read or parsed: ENOENT`));
      return true;
    });
  });

  it('an unknown context lists the known ones', () => {
    assert.throws(() => loadKubeConfig({ kind: 'files', paths: [good] }, 'staging'), /context "staging" not found \(known: dev, prod\)/);
  });

  it('an invalid server address is reported', () => {
    const bad = join(dir, 'bad-server');
    writeFileSync(bad, readFileSync(good, 'utf8').replace('https://127.0.0.1:6443', 'not a url'));
    assert.throws(() => loadKubeConfig({ kind: 'files', paths: [bad] }), /cluster "local" has an invalid server address "not a url"/);
  });
});
