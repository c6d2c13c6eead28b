import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeConfigError } from '../../../controller/kube/errors.ts';
import { loadKubeConfig, resolveKubeConfigSource, type KubeConfigFiles } from '../../../controller/kube/kubeconfig.ts';

const config = (context: string, server: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: ${context}, cluster: {server: "${server}"}}]`,
    `users: [{name: ${context}, user: {token: abc}}]`,
    `contexts: [{name: ${context}, context: {cluster: ${context}, user: ${context}}}]`,
    `current-context: ${context}`,
  ].join('\n');

function memory(files: Record<string, string>): KubeConfigFiles {
  return {
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    exists: (path) => path in files,
  };
}

describe('kubeconfig resolution with kubectl\'s rules', () => {
  const files = memory({ '/home/u/.kube/config': config('home', 'https://home:6443') });

  it('--kubeconfig, then KUBECONFIG, then ~/.kube/config, then the in-cluster service account', () => {
    const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    assert.deepEqual(resolveKubeConfigSource({ path: '/a', env: { KUBECONFIG: '/b' }, files }), { kind: 'files', paths: ['/a'] });
    assert.deepEqual(resolveKubeConfigSource({ env: { KUBECONFIG: '/b::/c' }, files }), { kind: 'files', paths: ['/b', '/c'] });
    assert.deepEqual(resolveKubeConfigSource({ env: { HOME: '/home/u', ...inPod }, files }), { kind: 'files', paths: ['/home/u/.kube/config'] });
    assert.deepEqual(resolveKubeConfigSource({ env: { HOME: '/nobody', ...inPod }, files }), { kind: 'in-cluster', host: '10.96.0.1', port: '443' });
  });

  it('names the file it looked for when there is none', () => {
    assert.throws(
      () => resolveKubeConfigSource({ env: { HOME: '/nobody' }, files }),
      (err: unknown) => err instanceof KubeConfigError && err.problem?.kind === 'none-found' && err.problem.path === '/nobody/.kube/config',
    );
  });

  it('merges KUBECONFIG files: the first current-context wins and a missing later file is skipped', () => {
    const merged = memory({ '/a': config('first', 'https://a:6443'), '/b': config('second', 'https://b:6443') });
    const kc = loadKubeConfig({ env: { KUBECONFIG: '/a:/missing:/b' }, files: merged });
    assert.equal(kc.getCurrentContext(), 'first');
    assert.deepEqual(kc.getContexts().map((c) => c.name).sort(), ['first', 'second']);
    assert.equal(loadKubeConfig({ env: { KUBECONFIG: '/a:/b' }, files: merged }, 'second').getCurrentCluster()?.server, 'https://b:6443');
  });
});
