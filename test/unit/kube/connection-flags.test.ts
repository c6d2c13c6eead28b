import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { applyConnectionFlags, hasConnectionFlags, loadConnection } from '../../../controller/kube/connection-flags.ts';
import { KubeConfigError } from '../../../controller/kube/errors.ts';

/** A kubeconfig with two clusters and two users, the current context on the first of each. */
function kubeconfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: 'prod', server: 'https://prod.example:6443', caData: 'UFJPRC1DQQ==', skipTLSVerify: false },
      { name: 'staging', server: 'https://staging.example:6443', caFile: '/etc/staging-ca.crt', skipTLSVerify: false },
    ],
    users: [
      { name: 'sso', exec: { command: 'sso-login', apiVersion: 'client.authentication.k8s.io/v1' }, certData: 'Q0VSVA==', keyData: 'S0VZ' },
      { name: 'robot', token: 'robot-token' },
    ],
    contexts: [{ name: 'prod', cluster: 'prod', user: 'sso', namespace: 'shop' }],
    currentContext: 'prod',
  });
  return kc;
}

/** The headers the client-node request path sends with `kc`'s credentials. */
async function headers(kc: KubeConfig): Promise<Record<string, string>> {
  const ctx = new RequestContext('https://x/api', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders();
}

describe('kubectl connection flags over the kubeconfig (kubectl options)', () => {
  it('changes nothing when no flag is given', () => {
    assert.equal(hasConnectionFlags({}), false);
    assert.equal(hasConnectionFlags({ asGroup: [], insecureSkipTlsVerify: false }), false);
    assert.equal(hasConnectionFlags({ server: 'https://x' }), true);
  });

  it('--server keeps the context\'s CA, user and namespace', () => {
    const kc = applyConnectionFlags(kubeconfig(), { server: 'https://10.0.0.9:6443' });
    assert.equal(kc.getCurrentCluster()?.server, 'https://10.0.0.9:6443');
    assert.equal(kc.getCurrentCluster()?.caData, 'UFJPRC1DQQ==');
    assert.equal(kc.getCurrentUser()?.exec?.command, 'sso-login');
    assert.equal(kc.getContextObject(kc.getCurrentContext())?.namespace, 'shop');
  });

  it('--cluster and --user pick other entries; an unknown name lists the known ones', () => {
    const kc = applyConnectionFlags(kubeconfig(), { cluster: 'staging', user: 'robot' });
    assert.equal(kc.getCurrentCluster()?.server, 'https://staging.example:6443');
    assert.equal(kc.getCurrentCluster()?.caFile, '/etc/staging-ca.crt');
    assert.equal(kc.getCurrentUser()?.token, 'robot-token');
    assert.throws(() => applyConnectionFlags(kubeconfig(), { cluster: 'dev' }), (err: unknown) =>
      err instanceof KubeConfigError && /--cluster "dev": no cluster of that name in the kubeconfig \(known: prod, staging\)/.test(err.message));
    assert.throws(() => applyConnectionFlags(kubeconfig(), { user: 'nobody' }), /--user "nobody": no user of that name in the kubeconfig \(known: sso, robot\)/);
  });

  it('--token replaces the exec plugin but keeps the client certificate; certificate flags replace the kubeconfig\'s', async () => {
    const kc = applyConnectionFlags(kubeconfig(), { token: 'abc' });
    const user = kc.getCurrentUser();
    assert.equal(user?.exec, undefined);
    assert.equal(user?.certData, 'Q0VSVA==');
    assert.equal((await headers(kc)).Authorization, 'Bearer abc');
    const certs = applyConnectionFlags(kubeconfig(), { clientCertificate: '/tmp/me.crt', clientKey: '/tmp/me.key' }).getCurrentUser();
    assert.equal(certs?.certFile, '/tmp/me.crt');
    assert.equal(certs?.certData, undefined);
    assert.equal(certs?.keyFile, '/tmp/me.key');
  });

  it('--certificate-authority and --insecure-skip-tls-verify replace the cluster\'s trust', () => {
    const ca = applyConnectionFlags(kubeconfig(), { certificateAuthority: '/tmp/ca.crt' }).getCurrentCluster();
    assert.equal(ca?.caFile, '/tmp/ca.crt');
    assert.equal(ca?.caData, undefined);
    const insecure = applyConnectionFlags(kubeconfig(), { insecureSkipTlsVerify: true }).getCurrentCluster();
    assert.equal(insecure?.skipTLSVerify, true);
    assert.equal(insecure?.caData, undefined);
  });

  it('--as and --as-group send the impersonation headers on requests and on watches', async () => {
    const kc = applyConnectionFlags(kubeconfig(), { user: 'robot', as: 'jane', asGroup: ['developers'] });
    const sent = await headers(kc);
    assert.equal(sent['Impersonate-User'], 'jane');
    assert.equal(sent['Impersonate-Group'], 'developers');
    const init = await kc.applyToFetchOptions({});
    const fetchHeaders = init.headers as unknown as { get(name: string): string | null };
    assert.equal(fetchHeaders.get('Impersonate-User'), 'jane');
    assert.equal(fetchHeaders.get('Impersonate-Group'), 'developers');
  });

  it('refuses --as-group without --as, and more than one group', () => {
    assert.throws(() => applyConnectionFlags(kubeconfig(), { asGroup: ['a'] }), /--as-group needs --as/);
    assert.throws(() => applyConnectionFlags(kubeconfig(), { as: 'jane', asGroup: ['a', 'b'] }), /--as-group was given 2 times/);
  });

  it('--server and --token need no kubeconfig; without --server a missing kubeconfig is still an error', async () => {
    const files = { exists: () => false, readFile: (): string => { throw new Error('no file'); } };
    const kc = loadConnection({ env: { HOME: '/nowhere' }, files }, { server: 'https://10.0.0.9:6443', token: 't0k', insecureSkipTlsVerify: true });
    assert.equal(kc.getCurrentCluster()?.server, 'https://10.0.0.9:6443');
    assert.equal((await headers(kc)).Authorization, 'Bearer t0k');
    assert.throws(() => loadConnection({ env: { HOME: '/nowhere' }, files }, { token: 't0k' }), /no kubeconfig found|does not exist/);
    assert.throws(() => applyConnectionFlags(undefined, { token: 't0k' }), /pass --kubeconfig, set KUBECONFIG, or pass --server/);
    assert.throws(() => applyConnectionFlags(undefined, { server: 'not a url' }), /--server "not a url" is not a URL/);
  });
});

describe('an empty kubeconfig file (--kubeconfig=/dev/null)', () => {
  it('is an empty config: an error naming the missing context alone, and nothing to --server and --token', () => {
    const files = { exists: () => true, readFile: () => '' };
    assert.throws(() => loadConnection({ path: '/dev/null', env: {}, files }, {}), (err: unknown) => err instanceof KubeConfigError && err.problem?.kind === 'no-current-context');
    const kc = loadConnection({ path: '/dev/null', env: {}, files }, { server: 'https://10.0.0.9:6443', token: 't0k' });
    assert.equal(kc.getCurrentUser()?.token, 't0k');
  });
});
