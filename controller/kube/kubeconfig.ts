import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.ts';

/** Where the cluster credentials come from. */
export type KubeConfigSource =
  | { kind: 'files'; paths: string[] }
  | { kind: 'in-cluster'; host: string; port: string };

/** The file system the loader reads; tests give an in-memory one. */
export interface KubeConfigFiles {
  readFile(path: string): string;
  exists(path: string): boolean;
}

export const diskFiles: KubeConfigFiles = {
  readFile: (path) => readFileSync(path, 'utf8'),
  exists: existsSync,
};

/** kubectl's flags and environment, as the loader needs them. */
export interface KubeConfigOptions {
  /** --kubeconfig */
  path?: string;
  /** --context */
  context?: string;
  env: Readonly<Record<string, string | undefined>>;
  files?: KubeConfigFiles;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * kubectl's rules: --kubeconfig, else every file in KUBECONFIG, else ~/.kube/config when it
 * exists, else the in-cluster service account.
 */
export function resolveKubeConfigSource(opts: KubeConfigOptions): KubeConfigSource {
  const files = opts.files ?? diskFiles;
  if (opts.path) return { kind: 'files', paths: [opts.path] };
  const fromEnv = (opts.env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) return { kind: 'files', paths: fromEnv };
  const home = join(opts.env.HOME ?? homedir(), '.kube', 'config');
  if (files.exists(home)) return { kind: 'files', paths: [home] };
  const host = opts.env.KUBERNETES_SERVICE_HOST;
  if (host) return { kind: 'in-cluster', host, port: opts.env.KUBERNETES_SERVICE_PORT || '443' };
  throw new KubeConfigError(home, 'does not exist', { problem: { kind: 'none-found', path: home } });
}

function loadFile(path: string, files: KubeConfigFiles): KubeConfig {
  let text: string;
  try {
    text = files.readFile(path);
  } catch (err) {
    throw new KubeConfigError(path, 'cannot be read or parsed', { cause: err, problem: { kind: 'unreadable', path } });
  }
  const kc = new KubeConfig();
  // An empty file is an empty config to kubectl (`--kubeconfig=/dev/null` with --server): no error here.
  if (text.trim() === '') {
    kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
    return kc;
  }
  try {
    kc.loadFromString(text);
  } catch (err) {
    throw new KubeConfigError(path, 'cannot be read or parsed', { cause: err, problem: { kind: 'invalid', path } });
  }
  kc.makePathsAbsolute(dirname(path));
  return kc;
}

/**
 * Several files merge as kubectl merges KUBECONFIG: the first file that sets current-context wins,
 * and a later file that does not exist is skipped.
 */
function loadFiles(paths: readonly string[], files: KubeConfigFiles): KubeConfig {
  const kc = loadFile(paths[0] ?? '', files);
  for (const extra of paths.slice(1)) {
    if (!files.exists(extra)) continue;
    const next = loadFile(extra, files);
    kc.mergeConfig(next, kc.getCurrentContext() !== '');
  }
  return kc;
}

function loadInCluster(host: string, port: string, files: KubeConfigFiles): KubeConfig {
  const kc = new KubeConfig();
  const address = host.includes(':') ? `[${host}]` : host;
  let namespace: string | undefined;
  try {
    namespace = files.readFile(`${SERVICE_ACCOUNT_DIR}/namespace`).trim();
  } catch {
    namespace = undefined;
  }
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server: `https://${address}:${port}`, caFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`, skipTLSVerify: false }],
    // A token file, not the token: the kubelet rotates it and client-node re-reads it.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  });
  return kc;
}

/**
 * Loads credentials from a resolved source (the controller resolves its own from its flags), or
 * from kubectl's flags and environment by kubectl's rules; throws KubeConfigError saying what is
 * wrong.
 */
export function loadKubeConfig(from: KubeConfigSource | KubeConfigOptions, context?: string): KubeConfig {
  const files = ('kind' in from ? undefined : from.files) ?? diskFiles;
  const source = 'kind' in from ? from : resolveKubeConfigSource(from);
  const kc = source.kind === 'files' ? loadFiles(source.paths, files) : loadInCluster(source.host, source.port, files);
  return selectContext(kc, source, context ?? ('kind' in from ? undefined : from.context));
}

function selectContext(kc: KubeConfig, source: KubeConfigSource, context: string | undefined): KubeConfig {
  const where = source.kind === 'files' ? source.paths.join(':') : 'in-cluster';
  const known = kc.getContexts().map((c) => c.name);
  if (context) {
    if (!kc.getContextObject(context)) {
      throw new KubeConfigError(where, `context "${context}" not found (known: ${known.join(', ') || 'none'})`, {
        problem: { kind: 'unknown-context', where, context, known },
      });
    }
    kc.setCurrentContext(context);
  }
  const current = kc.getCurrentContext();
  const contextObject = current ? kc.getContextObject(current) : null;
  if (!contextObject) {
    throw new KubeConfigError(where, 'has no current-context: pass --context', { problem: { kind: 'no-current-context', where, known } });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new KubeConfigError(where, `context "${current}" names no known cluster`, {
      problem: { kind: 'unknown-cluster', where, context: current, cluster: contextObject.cluster },
    });
  }
  try {
    new URL(cluster.server);
  } catch (err) {
    throw new KubeConfigError(where, `cluster "${cluster.name}" has an invalid server address ${JSON.stringify(cluster.server)}`, { cause: err });
  }
  return kc;
}
