import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.ts';
import { loadKubeConfig, type KubeConfigOptions } from './kubeconfig.ts';

/**
 * kubectl's connection flags (`kubectl options`), applied over the kubeconfig as kubectl's
 * clientcmd overrides apply them: each flag replaces one field of the context's cluster or user,
 * `--cluster`/`--user` pick other entries of the kubeconfig, and `--server` with `--token` (or
 * client certificates) needs no kubeconfig at all.
 */
export interface ConnectionFlags {
  server?: string | undefined;
  token?: string | undefined;
  /** --as: the user to impersonate. */
  as?: string | undefined;
  /** --as-group: a group to impersonate (with --as). */
  asGroup?: readonly string[] | undefined;
  cluster?: string | undefined;
  user?: string | undefined;
  certificateAuthority?: string | undefined;
  clientCertificate?: string | undefined;
  clientKey?: string | undefined;
  insecureSkipTlsVerify?: boolean | undefined;
}

const CONTEXT = 'kubectl-flags';

/**
 * The kubeconfig by kubectl's rules (--kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster), then
 * the connection flags over it. With --server, a missing or empty kubeconfig is no error.
 */
export function loadConnection(opts: KubeConfigOptions, flags: ConnectionFlags): KubeConfig {
  if (!hasConnectionFlags(flags)) return loadKubeConfig(opts);
  let base: KubeConfig | undefined;
  try {
    base = loadKubeConfig(opts);
  } catch (err) {
    // --server stands in for a kubeconfig that is missing or names no context, as with kubectl.
    const replaceable = err instanceof KubeConfigError && (err.problem?.kind === 'none-found' || err.problem?.kind === 'no-current-context');
    if (!(flags.server && replaceable)) throw err;
  }
  return applyConnectionFlags(base, flags);
}

/** Whether any flag asks for a change, so the kubeconfig is used as loaded otherwise. */
export function hasConnectionFlags(flags: ConnectionFlags): boolean {
  return Object.values(flags).some((v) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0));
}

/**
 * The KubeConfig the flags describe over `base` (undefined: no kubeconfig was found, so `--server`
 * must say where the apiserver is). Throws KubeConfigError naming the flag that cannot be met.
 */
export function applyConnectionFlags(base: KubeConfig | undefined, flags: ConnectionFlags): KubeConfig {
  if (!base && !flags.server) {
    throw new KubeConfigError('flags', 'no kubeconfig was found and --server is not set: pass --kubeconfig, set KUBECONFIG, or pass --server (with --token or --client-certificate)');
  }
  const groups = flags.asGroup ?? [];
  if (groups.length > 0 && !flags.as) throw new KubeConfigError('flags', '--as-group needs --as: a group is impersonated together with a user');
  if (groups.length > 1) {
    throw new KubeConfigError('flags', `--as-group was given ${groups.length} times; kubectl-ramp impersonates one group (the apiserver reads each Impersonate-Group header separately and fetch joins repeated headers): pass one`);
  }
  const context = base ? base.getContextObject(base.getCurrentContext()) : null;
  const cluster = pick(base?.getClusters() ?? [], flags.cluster, context?.cluster, '--cluster', 'cluster');
  const user = pick(base?.getUsers() ?? [], flags.user, context?.user, '--user', 'user');

  const server = flags.server ?? cluster?.server ?? '';
  try {
    new URL(server);
  } catch (err) {
    throw new KubeConfigError('flags', `--server ${JSON.stringify(server)} is not a URL such as https://10.0.0.1:6443`, { cause: err });
  }
  const tls: Partial<Cluster> = flags.insecureSkipTlsVerify
    ? { skipTLSVerify: true }
    : flags.certificateAuthority
      ? { caFile: flags.certificateAuthority, skipTLSVerify: false }
      : { ...(cluster?.caFile ? { caFile: cluster.caFile } : {}), ...(cluster?.caData ? { caData: cluster.caData } : {}), skipTLSVerify: cluster?.skipTLSVerify ?? false };
  const newCluster: Cluster = {
    name: CONTEXT,
    server,
    ...(cluster?.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(cluster?.proxyUrl ? { proxyUrl: cluster.proxyUrl } : {}),
    ...tls,
  } as Cluster;

  const certificate = flags.clientCertificate
    ? { certFile: flags.clientCertificate }
    : { ...(user?.certFile ? { certFile: user.certFile } : {}), ...(user?.certData ? { certData: user.certData } : {}) };
  const key = flags.clientKey ? { keyFile: flags.clientKey } : { ...(user?.keyFile ? { keyFile: user.keyFile } : {}), ...(user?.keyData ? { keyData: user.keyData } : {}) };
  // A token replaces the user's other credentials but its client certificate, as kubectl's
  // --token does: a bearer token and an exec plugin or password are never sent together.
  const credentials: Partial<User> = flags.token
    ? { token: flags.token }
    : user
      ? withoutIdentity(user)
      : {};
  const impersonation = flags.as ? { impersonateUser: flags.as } : user?.impersonateUser ? { impersonateUser: user.impersonateUser } : {};
  const newUser = { ...credentials, ...certificate, ...key, ...impersonation, name: CONTEXT } as User;

  const newContext: Context = { name: CONTEXT, cluster: CONTEXT, user: CONTEXT, ...(context?.namespace ? { namespace: context.namespace } : {}) };
  const kc = new ImpersonatingKubeConfig(groups[0]);
  kc.loadFromOptions({ clusters: [newCluster], users: [newUser], contexts: [newContext], currentContext: CONTEXT });
  return kc;
}

/** The named entry, else the context's; an unknown name is an error listing the known ones. */
function pick<T extends { name: string }>(entries: readonly T[], flag: string | undefined, fromContext: string | undefined, flagName: string, what: string): T | undefined {
  const wanted = flag ?? fromContext;
  if (wanted === undefined) return undefined;
  const found = entries.find((e) => e.name === wanted);
  if (!found && flag !== undefined) {
    throw new KubeConfigError('flags', `${flagName} ${JSON.stringify(flag)}: no ${what} of that name in the kubeconfig (known: ${entries.map((e) => e.name).join(', ') || 'none'})`);
  }
  return found;
}

function withoutIdentity(user: User): Partial<User> {
  const { name: _name, certFile: _certFile, certData: _certData, keyFile: _keyFile, keyData: _keyData, impersonateUser: _as, ...rest } = user;
  return rest;
}

/**
 * client-node sends Impersonate-User from the user entry but has no field for a group: this
 * KubeConfig adds Impersonate-Group to every request it authenticates, watches included.
 */
class ImpersonatingKubeConfig extends KubeConfig {
  constructor(private readonly group: string | undefined) {
    super();
  }

  override async applySecurityAuthentication(context: Parameters<KubeConfig['applySecurityAuthentication']>[0]): Promise<void> {
    await super.applySecurityAuthentication(context);
    if (this.group !== undefined) context.setHeaderParam('Impersonate-Group', this.group);
  }

  override async applyToFetchOptions(opts: Parameters<KubeConfig['applyToFetchOptions']>[0]): ReturnType<KubeConfig['applyToFetchOptions']> {
    const init = await super.applyToFetchOptions(opts);
    // client-node always builds a Headers object here.
    if (this.group !== undefined) (init.headers as unknown as { set(name: string, value: string): void }).set('Impersonate-Group', this.group);
    return init;
  }
}
