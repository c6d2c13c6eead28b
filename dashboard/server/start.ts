import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { KubeClient } from '../../controller/kube/client.ts';
import { systemClock, type Clock } from '../../controller/kube/clock.ts';
import { describeKubeError, statusCodeOf } from '../../controller/kube/errors.ts';
import { loadConnection, type ConnectionFlags } from '../../controller/kube/connection-flags.ts';
import type { Informer } from '../../controller/kube/informer.ts';
import type { KubeObject } from '../../controller/kube/resources.ts';
import { DashboardStartError, type DashboardLauncher } from '../../client/dashboard-launch.ts';
import { packageVersion } from '../../client/package-version.ts';
import { ensureWebBuilt } from '../build.ts';
import { createApp, normalizeRootPath } from './app.ts';
import { generateToken, type WritePolicy } from './auth.ts';
import { CLUSTER_KINDS, dashboardInformer, InformerSource, REQUIRED_KINDS, WATCHED, type InformerMap, type WatchedKind } from './cache.ts';
import { experimentReader } from './experiments.ts';
import { RolloutHub } from './hub.ts';
import { describeIssues, NamespaceSchema } from './validation.ts';

/** Argo Rollouts' dashboard port. */
export const DEFAULT_PORT = 3100;
export const TOKEN_ENV = 'RAMP_DASHBOARD_TOKEN';
const CLOSE_GRACE_MS = 1000;

export const DashboardOptionsSchema = z.strictObject({
  /** Path of the kubeconfig; KUBECONFIG and ~/.kube/config otherwise, as kubectl. */
  kubeconfig: z.string().min(1).optional(),
  context: z.string().min(1).optional(),
  /** Watch this namespace only; every other one is refused. */
  namespace: NamespaceSchema.optional(),
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 picks a free port (tests). */
  port: z.int().min(0).max(65535).default(DEFAULT_PORT),
  /** The bearer token writes need; RAMP_DASHBOARD_TOKEN, else generated and printed. */
  token: z
    .string()
    .min(16, 'a token has at least 16 characters')
    .regex(/^[\x21-\x7e]+$/, 'a token is printable ASCII without spaces')
    .optional(),
  readOnly: z.boolean().default(false),
  /** Serve everything under this path prefix (behind a proxy that forwards one path). */
  rootPath: z.string().default('').transform((value, ctx) => {
    try {
      return normalizeRootPath(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** Weight points kept per rollout for the chart. */
  historyLimit: z.int().min(2).max(100_000).default(500),
  /** Build the web app when it is missing or stale; false serves the API alone. */
  buildWeb: z.boolean().default(true),
  /** How long to wait for the first list of rollouts and ReplicaSets. */
  syncTimeoutSeconds: z.number().positive().default(60),
});

export type DashboardSettings = z.input<typeof DashboardOptionsSchema>;

/** Ports the dashboard needs from its host process; all optional with real defaults. */
export interface DashboardOptions extends DashboardSettings {
  /** An already loaded kubeconfig (the demo, tests); takes precedence over `kubeconfig`/`context`. */
  kubeConfig?: KubeConfig;
  /** kubectl's connection flags (--server, --token, --as, …), applied over the kubeconfig. */
  connection?: ConnectionFlags;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  clock?: Clock;
  /** Where start-up lines (the URL, a generated token) go; stderr by default. */
  say?: (line: string) => void;
}

export interface RunningDashboard {
  url: string;
  host: string;
  port: number;
  readOnly: boolean;
  /** The token writes need; undefined in read-only mode. */
  token?: string;
  namespace?: string;
  /** Kinds the kubeconfig may not list. */
  unavailable: WatchedKind[];
  close(): Promise<void>;
}


function resolveKubeConfig(options: DashboardOptions, env: Record<string, string | undefined>): KubeConfig {
  if (options.kubeConfig !== undefined) return options.kubeConfig;
  return loadConnection({
    ...(options.kubeconfig !== undefined ? { path: options.kubeconfig } : {}),
    ...(options.context !== undefined ? { context: options.context } : {}),
    env,
  }, options.connection ?? {});
}

/** Kinds the dashboard watches: cluster-scoped ones (namespaces) only when it watches them all. */
function watchedKinds(namespace: string | undefined): WatchedKind[] {
  return (Object.keys(WATCHED) as WatchedKind[]).filter((kind) => namespace === undefined || !CLUSTER_KINDS.includes(kind));
}

/**
 * One list request per kind, before any informer starts: a cluster without the CRDs or a
 * kubeconfig that may not list rollouts fails here with one clear line instead of an informer
 * retrying forever. Optional kinds the user may not list are left out of the page.
 */
async function checkAccess(client: KubeClient, namespace: string | undefined): Promise<WatchedKind[]> {
  const unavailable: WatchedKind[] = [];
  const scope = namespace !== undefined ? `namespace "${namespace}"` : 'all namespaces';
  for (const kind of watchedKinds(namespace)) {
    const type = WATCHED[kind];
    try {
      await client.list(type, { ...(namespace !== undefined ? { namespace } : {}), limit: 1 });
    } catch (err) {
      const status = statusCodeOf(err);
      const required = REQUIRED_KINDS.includes(kind);
      if ((status === 403 || status === 404) && !required) {
        unavailable.push(kind);
        continue;
      }
      if (status === 403) {
        throw new DashboardStartError(
          `the kubeconfig may not list ${kind} in ${scope}`,
          namespace === undefined ? 'pass --namespace NAME to watch one namespace it may list' : 'ask a cluster administrator for a Role that allows get, list and watch on it',
          { cause: err },
        );
      }
      if (status === 404 && kind === 'rollouts') {
        throw new DashboardStartError('the cluster does not serve argoproj.io rollouts', 'install the Rollout CRDs first (crds/ in the Ramp repository)', { cause: err });
      }
      throw new DashboardStartError(`cannot list ${kind}: ${describeKubeError(err)}`, 'check that the cluster is running and that the kubeconfig points at it', { cause: err });
    }
  }
  return unavailable;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new DashboardStartError(`port ${port} on ${host} is already in use`, 'pass --port with another port, or stop the program using it'));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new DashboardStartError(`cannot bind to address ${host}`, 'pass --address with an address of this machine, e.g. 127.0.0.1'));
      else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function urlOf(host: string, port: number, rootPath: string): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}${rootPath}/`;
}

/**
 * Starts the dashboard in this process: informers over the cluster, the HTTP server, and the web
 * app (built first if needed). `kubectl ramp dashboard` and the demo call this.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<RunningDashboard> {
  const { kubeConfig, connection, env: givenEnv, logger: givenLogger, clock: givenClock, say: givenSay, ...settings } = options;
  const parsed = DashboardOptionsSchema.safeParse(settings);
  if (!parsed.success) throw new DashboardStartError(`invalid dashboard options: ${describeIssues(parsed.error)}`, 'see kubectl ramp dashboard --help');
  const opts = parsed.data;
  const env = givenEnv ?? process.env;
  const clock = givenClock ?? systemClock;
  const logger = givenLogger ?? pino({ level: 'warn', base: { component: 'ramp-dashboard' } }, pino.destination(2));
  const say = givenSay ?? ((line: string) => process.stderr.write(`${line}\n`));

  let policy: WritePolicy;
  let generated = false;
  if (opts.readOnly) policy = { readOnly: true };
  else {
    const fromEnv = env[TOKEN_ENV];
    const token = opts.token ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
    if (token !== undefined && (token.length < 16 || !/^[\x21-\x7e]+$/.test(token))) {
      throw new DashboardStartError(`${TOKEN_ENV} is not a usable token`, 'use at least 16 printable characters without spaces');
    }
    generated = token === undefined;
    policy = { readOnly: false, token: token ?? generateToken() };
  }

  const kc = resolveKubeConfig({ ...opts, ...(kubeConfig !== undefined ? { kubeConfig } : {}), ...(connection !== undefined ? { connection } : {}) }, env);
  const client = new KubeClient(kc);
  const unavailable = await checkAccess(client, opts.namespace);
  for (const kind of unavailable) logger.warn({ kind }, `the kubeconfig may not list ${kind}; the dashboard shows rollouts without them`);

  const deps = { client, clock, logger, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) };
  const informers: Partial<Record<WatchedKind, Informer<KubeObject>>> = {};
  for (const kind of watchedKinds(opts.namespace)) {
    if (!unavailable.includes(kind)) informers[kind] = dashboardInformer(kind, deps);
  }
  const all = Object.values(informers);
  const stopInformers = async (): Promise<void> => {
    await Promise.all(all.map((i) => i.stop()));
  };
  const source = new InformerSource(informers as InformerMap);
  const hub = new RolloutHub({ source, clock, historyLimit: opts.historyLimit, debounceMs: 100 });
  let server: Server | undefined;
  try {
    for (const informer of all) informer.start();
    const timeout = AbortSignal.timeout(opts.syncTimeoutSeconds * 1000);
    const synced = await Promise.all(all.map((i) => i.waitForSync(timeout)));
    if (!synced.every(Boolean)) {
      const pending = all.filter((i) => !i.hasSynced()).map((i) => i.name);
      throw new DashboardStartError(`the first list of ${pending.join(', ')} did not complete within ${opts.syncTimeoutSeconds}s`, 'check the API server; the log has the errors');
    }
    hub.flush();

    const webRoot = opts.buildWeb ? await ensureWebBuilt(say) : undefined;
    const { app, streams } = createApp({
      hub,
      experiments: experimentReader(source, clock),
      writer: client,
      policy,
      ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
      bindHost: opts.host,
      clock,
      logger,
      ...(webRoot !== undefined ? { webRoot } : {}),
      rootPath: opts.rootPath,
      unavailable,
      version: packageVersion(),
    });
    server = createServer(app);
    const address = await listen(server, opts.host, opts.port);
    const url = urlOf(opts.host, address.port, opts.rootPath);
    say(`Ramp dashboard: ${url}${opts.namespace !== undefined ? ` (namespace ${opts.namespace})` : ''}${policy.readOnly ? ' (read-only)' : ''}`);
    if (!policy.readOnly && generated) say(`Token for actions (promote, abort, …): ${policy.token}`);
    const listening = server;
    let closing: Promise<void> | undefined;
    const running: RunningDashboard = {
      url,
      host: opts.host,
      port: address.port,
      readOnly: policy.readOnly,
      unavailable,
      close: () => {
        closing ??= (async () => {
          streams.closeAll();
          hub.stop();
          await new Promise<void>((resolve) => {
            listening.close(() => resolve());
            // Requests under way get a moment to finish; kept-alive idle sockets do not hold the close.
            listening.closeIdleConnections();
            setTimeout(() => listening.closeAllConnections(), CLOSE_GRACE_MS).unref();
          });
          await stopInformers();
        })();
        return closing;
      },
    };
    if (!policy.readOnly) running.token = policy.token;
    if (opts.namespace !== undefined) running.namespace = opts.namespace;
    return running;
  } catch (err) {
    hub.stop();
    server?.close();
    await stopInformers();
    throw err;
  }
}

/** What `kubectl ramp dashboard` runs; the plugin's entry point wires it into the CLI. */
export const serveDashboard: DashboardLauncher = (launch) => startDashboard(launch);
