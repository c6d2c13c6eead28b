import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/** The kubeconfig could not be used: what was wrong with it and what to do. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

export interface KubeconfigOptions {
  /** --kubeconfig */
  path?: string;
  /** --context */
  context?: string;
  env: Record<string, string | undefined>;
  readFile: (path: string) => string;
  exists: (path: string) => boolean;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** The context's namespace, "default" when it names none. */
  namespace: string;
  context: string;
  /** Files read, for error messages. */
  sources: string[];
}

function describeReadError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}

function loadFile(opts: KubeconfigOptions, path: string): KubeConfig {
  let text: string;
  try {
    text = opts.readFile(path);
  } catch (err) {
    throw new KubeconfigError(`cannot read kubeconfig "${path}": ${describeReadError(err)}; pass --kubeconfig or set KUBECONFIG to a valid file`);
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new KubeconfigError(`kubeconfig "${path}" is not valid: ${reason}`);
  }
  kc.makePathsAbsolute(dirname(path));
  return kc;
}

/**
 * kubectl's rules: --kubeconfig, else every file in KUBECONFIG merged (the first one's current
 * context wins), else ~/.kube/config, else the in-cluster service account.
 */
export function loadKubeconfig(opts: KubeconfigOptions): LoadedKubeconfig {
  let kc: KubeConfig;
  let sources: string[];
  if (opts.path !== undefined && opts.path !== '') {
    sources = [opts.path];
    kc = loadFile(opts, opts.path);
  } else if (opts.env.KUBECONFIG) {
    sources = opts.env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
    kc = loadFile(opts, sources[0]!);
    for (const extra of sources.slice(1)) {
      if (opts.exists(extra)) kc.mergeConfig(loadFile(opts, extra), true);
    }
  } else {
    const home = opts.env.HOME ?? homedir();
    const file = join(home, '.kube', 'config');
    if (opts.exists(file)) {
      sources = [file];
      kc = loadFile(opts, file);
    } else if (opts.env.KUBERNETES_SERVICE_HOST) {
      sources = ['in-cluster service account'];
      kc = new KubeConfig();
      kc.loadFromCluster();
    } else {
      throw new KubeconfigError(`no kubeconfig found at "${file}"; pass --kubeconfig or set KUBECONFIG`);
    }
  }
  const where = sources.join(delimiter);
  const names = kc.getContexts().map((c) => c.name);
  if (opts.context !== undefined && opts.context !== '') {
    if (!names.includes(opts.context)) {
      throw new KubeconfigError(`context "${opts.context}" not found in kubeconfig "${where}"; known contexts: ${names.join(', ') || '(none)'}`);
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  const contextObject = context ? kc.getContextObject(context) : null;
  if (contextObject === null) {
    throw new KubeconfigError(`kubeconfig "${where}" has no current context; pass --context NAME (known contexts: ${names.join(', ') || '(none)'})`);
  }
  if (kc.getCurrentCluster() === null) {
    throw new KubeconfigError(`context "${context}" in kubeconfig "${where}" names cluster "${contextObject.cluster}", which the kubeconfig does not define`);
  }
  return { kc, namespace: contextObject.namespace || 'default', context, sources };
}
