import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { binDir, repoRoot } from '../../cluster/layout.ts';
import { clients, kubeconfigPath } from '../../support/cluster.ts';

/** Runs the control plane's kubectl as the admin; throws with its output when it fails. */
export function kubectl(...args: string[]): string {
  const result = spawnSync(join(binDir(), 'kubectl'), ['--kubeconfig', kubeconfigPath(), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

interface KubeconfigFile {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: { cluster: string } }>;
  'current-context': string;
}

/**
 * A kubeconfig that authenticates as a ServiceAccount, with a token minted by the TokenRequest
 * API, the way a pod's projected token does: the apiserver's own CA, the SA's token and nothing
 * of the admin's credentials.
 */
export async function serviceAccountKubeconfig(namespace: string, name: string, contextNamespace: string, file: string): Promise<string> {
  const { core } = clients();
  const minted = await core.createNamespacedServiceAccountToken({ name, namespace, body: { spec: { audiences: [], expirationSeconds: 3600 } } });
  const token = minted.status?.token;
  if (!token) throw new Error(`TokenRequest for serviceaccount ${namespace}/${name} returned no token`);
  const admin = parse(readFileSync(kubeconfigPath(), 'utf8')) as KubeconfigFile;
  const current = admin.contexts.find((c) => c.name === admin['current-context']);
  const cluster = admin.clusters.find((c) => c.name === current?.context.cluster);
  if (!cluster) throw new Error(`${kubeconfigPath()} names no cluster for its current context`);
  const user = `system:serviceaccount:${namespace}:${name}`;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'local', cluster: cluster.cluster }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: 'local', user, namespace: contextNamespace } }],
    'current-context': user,
  };
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, stringify(kubeconfig), { mode: 0o600 });
  return file;
}

/** A directory under .ramp/ for files one test writes (kubeconfigs, kustomize overlays). */
export function testDir(name: string): string {
  const dir = join(repoRoot, '.ramp', 'test-install', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
