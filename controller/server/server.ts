import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/**
 * /metrics (Prometheus text from one registry), /healthz (the process answers) and /readyz
 * (caches synced and, when leading, the reconcile loops running). Metrics and health may share
 * a port or use two, as Argo Rollouts serves metrics on 8090 and health on 8080.
 */

export interface Readiness {
  ok: boolean;
  /** Why not ready, one short phrase each. */
  reasons: string[];
}

export interface HealthSource {
  readiness(): Readiness;
}

export interface Endpoints {
  registry?: Registry;
  health?: HealthSource;
}

export interface HttpAnswer {
  status: number;
  contentType: string;
  body: string;
}

const plain = (status: number, body: string): HttpAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body });

/** What a request gets, decided without a socket. */
export async function answer(method: string, path: string, endpoints: Endpoints): Promise<HttpAnswer> {
  const known =
    (path === '/metrics' && endpoints.registry !== undefined) ||
    ((path === '/healthz' || path === '/readyz') && endpoints.health !== undefined);
  if (!known) return plain(404, 'not found\n');
  if (method !== 'GET' && method !== 'HEAD') return plain(405, 'method not allowed\n');
  if (path === '/metrics' && endpoints.registry) {
    return { status: 200, contentType: endpoints.registry.contentType, body: await endpoints.registry.metrics() };
  }
  if (path === '/healthz') return plain(200, 'ok\n');
  const { ok, reasons } = endpoints.health?.readiness() ?? { ok: false, reasons: ['no health source'] };
  return ok ? plain(200, 'ok\n') : plain(503, reasons.map((r) => `not ready: ${r}`).join('\n') + '\n');
}

function serve(endpoints: Endpoints): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    answer(req.method ?? 'GET', path, endpoints).then(
      (a) => {
        res.writeHead(a.status, { 'Content-Type': a.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : a.body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${err instanceof Error ? err.message : String(err)}\n`);
      },
    );
  });
}

interface RunningServer {
  port: number;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const reason = err.code === 'EADDRINUSE' ? 'already in use' : err.code === 'EACCES' ? 'not permitted' : err.message;
      reject(new Error(`cannot listen on ${host}:${port}: ${reason}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export interface ServersOptions {
  registry: Registry;
  health: HealthSource;
  metricsPort: number;
  healthzPort: number;
  host?: string;
}

export interface Servers {
  metricsPort: number;
  healthzPort: number;
  close(): Promise<void>;
}

/** Starts the servers; port 0 picks a free port (tests). Equal ports share one server. */
export async function startServers(opts: ServersOptions): Promise<Servers> {
  const host = opts.host ?? '0.0.0.0';
  if (opts.metricsPort === opts.healthzPort && opts.metricsPort !== 0) {
    const one = await listen(serve({ registry: opts.registry, health: opts.health }), opts.metricsPort, host);
    return { metricsPort: one.port, healthzPort: one.port, close: () => one.close() };
  }
  const metrics = await listen(serve({ registry: opts.registry }), opts.metricsPort, host);
  let health: RunningServer;
  try {
    health = await listen(serve({ health: opts.health }), opts.healthzPort, host);
  } catch (err) {
    await metrics.close();
    throw err;
  }
  return {
    metricsPort: metrics.port,
    healthzPort: health.port,
    close: async () => {
      await Promise.all([metrics.close(), health.close()]);
    },
  };
}
