import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

function text(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

export function metricsRoutes(registry: Registry): Record<string, Handler> {
  return {
    '/metrics': async (_req, res) => {
      text(res, 200, await registry.metrics(), registry.contentType);
    },
  };
}

export function healthRoutes(health: HealthSource): Record<string, Handler> {
  return {
    '/healthz': (_req, res) => text(res, 200, 'ok\n'),
    '/readyz': (_req, res) => {
      const { ok, reasons } = health.readiness();
      if (ok) text(res, 200, 'ok\n');
      else text(res, 503, reasons.map((r) => `not ready: ${r}`).join('\n') + '\n');
    },
  };
}

function serve(routes: Record<string, Handler>): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const handler = routes[path];
    if (!handler || (req.method !== 'GET' && req.method !== 'HEAD')) {
      text(res, handler ? 405 : 404, handler ? 'method not allowed\n' : 'not found\n');
      return;
    }
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) text(res, 500, `${err instanceof Error ? err.message : String(err)}\n`);
      else res.destroy();
    });
  });
}

export interface RunningServer {
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
      const bound = (server.address() as AddressInfo).port;
      resolve({
        port: bound,
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
    const one = await listen(serve({ ...metricsRoutes(opts.registry), ...healthRoutes(opts.health) }), opts.metricsPort, host);
    return { metricsPort: one.port, healthzPort: one.port, close: () => one.close() };
  }
  const metrics = await listen(serve(metricsRoutes(opts.registry)), opts.metricsPort, host);
  let health: RunningServer;
  try {
    health = await listen(serve(healthRoutes(opts.health)), opts.healthzPort, host);
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
