import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpsRequest, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { kubeconfigPath } from './cluster.ts';

/**
 * A TLS-terminating reverse proxy between a controller and the real apiserver, for fault tests
 * and the chaos run (bench/chaos.ts).
 * It serves with the cluster's own serving certificate (so the controller's kubeconfig only
 * changes its server URL), forwards every request as is (the bearer token included) and streams
 * watch responses. Faults are switched on and off while the controller runs:
 *
 * - `dropWatches()` cuts every open watch connection mid-stream;
 * - `failWrites()` answers a share of writes with 409, 500 or 503, before they reach the apiserver
 *   or after (the write is made, its answer lost);
 * - `pause()` stops listening and closes every connection, so new ones are refused, until `resume()`;
 * - `delay()` holds a share of requests (not watches) for a random time in a range before forwarding;
 * - `throttle()` answers a share of requests (reads and writes, not watches) with 429 and Retry-After,
 *   as an apiserver's priority and fairness does when its seats are taken.
 */

export type FaultStatus = 409 | 500 | 503;

export interface Latency {
  minMs: number;
  maxMs: number;
  /** The share of requests delayed, 0 to 1 (all by default). */
  share?: number;
}

export interface Throttle {
  /** Every `every`-th request is refused. */
  every: number;
  retryAfterSeconds: number;
}

export interface FaultProxyOptions {
  /** Uniform in [0, 1): seeded by the chaos run so a run can be repeated. */
  random?: () => number;
}

export interface WriteFaults {
  /** The status to answer with; a list is used in turn. */
  status: FaultStatus | FaultStatus[];
  /** Every `every`-th write (POST, PUT, PATCH, DELETE) fails; 2 fails half of them. */
  every: number;
  /** Only writes whose path matches. */
  path?: RegExp;
  /**
   * Forward the write, then lose the apiserver's answer: the change is made but the client sees
   * the error, as when a connection breaks after the request was sent.
   */
  afterForward?: boolean;
}

export interface ProxyStats {
  requests: number;
  writes: number;
  /** Writes answered by the proxy with an injected error, by status. */
  injected: Record<number, number>;
  /** Writes the apiserver made whose answer the proxy replaced with an error, as `METHOD path`. */
  lostAnswers: string[];
  watchesDropped: number;
  /** Writes that reached the apiserver, as `METHOD path` (query removed). */
  forwardedWrites: string[];
  /** Requests held by `delay()`, and for how long in total. */
  delayed: number;
  delayedMs: number;
  /** Requests answered 429 by `throttle()`. */
  throttled: number;
}

export class FaultProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<ServerResponse>();
  private writeFaults: { rule: WriteFaults; seen: number }[] = [];
  private latency: Latency | undefined;
  private throttling: { rule: Throttle; seen: number } | undefined;
  private readonly random: () => number;
  private readonly upstream: URL;
  private readonly ca: Buffer;
  private readonly tls: { cert: Buffer; key: Buffer };
  readonly stats: ProxyStats = { requests: 0, writes: 0, injected: {}, lostAnswers: [], watchesDropped: 0, forwardedWrites: [], delayed: 0, delayedMs: 0, throttled: 0 };
  port = 0;

  /** @param clusterDir the control plane's state directory (the one holding kubeconfig and pki/). */
  constructor(private readonly clusterDir: string, options: FaultProxyOptions = {}) {
    this.random = options.random ?? Math.random;
    const kubeconfig = readFileSync(join(clusterDir, 'kubeconfig'), 'utf8');
    const server = /server: (https:\/\/\S+)/.exec(kubeconfig)?.[1];
    if (!server) throw new Error(`no server URL in ${join(clusterDir, 'kubeconfig')}`);
    this.upstream = new URL(server);
    this.ca = readFileSync(join(clusterDir, 'pki', 'ca.crt'));
    this.tls = { cert: readFileSync(join(clusterDir, 'pki', 'serving.crt')), key: readFileSync(join(clusterDir, 'pki', 'serving.key')) };
  }

  /** A proxy for the control plane the tests run against. */
  static forTestCluster(options: FaultProxyOptions = {}): FaultProxy {
    return new FaultProxy(join(kubeconfigPath(), '..'), options);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    const server = createServer({ ...this.tls }, (req, res) => this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A client that goes away mid-handshake is not a test failure.
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.server = server;
  }

  /** Writes a copy of the admin kubeconfig that points at this proxy; returns its path. */
  writeKubeconfig(path: string): string {
    const original = readFileSync(join(this.clusterDir, 'kubeconfig'), 'utf8');
    writeFileSync(path, original.replace(/server: https:\/\/\S+/, `server: ${this.url}`), { mode: 0o600 });
    return path;
  }

  dropWatches(): number {
    const n = this.watches.size;
    for (const res of this.watches) res.socket?.destroy();
    this.watches.clear();
    this.stats.watchesDropped += n;
    return n;
  }

  /** Replaces the write faults; the first rule whose turn it is answers. No rules: no faults. */
  failWrites(...rules: WriteFaults[]): void {
    this.writeFaults = rules.map((rule) => ({ rule, seen: 0 }));
  }

  /** Holds requests for a random time in the range before forwarding them; undefined: no delay. */
  delay(latency: Latency | undefined): void {
    this.latency = latency;
  }

  /** Answers every `every`-th request with 429 and Retry-After; undefined: no throttling. */
  throttle(rule: Throttle | undefined): void {
    this.throttling = rule ? { rule, seen: 0 } : undefined;
  }

  /** Refuses connections: closes the listener and every open connection. */
  async pause(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.watches.clear();
    await closed;
  }

  /** Listens again on the same port. */
  async resume(): Promise<void> {
    if (!this.server) await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.pause();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.stats.requests += 1;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', this.upstream);
    const isWatch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const throttling = this.throttling;
    if (throttling && !isWatch && ++throttling.seen % throttling.rule.every === 0) {
      this.stats.throttled += 1;
      req.resume();
      answerStatus(res, 429, method, url.pathname, { 'retry-after': String(throttling.rule.retryAfterSeconds) });
      return;
    }
    const latency = this.latency;
    if (latency && !isWatch && this.random() < (latency.share ?? 1)) {
      const ms = Math.round(latency.minMs + this.random() * (latency.maxMs - latency.minMs));
      this.stats.delayed += 1;
      this.stats.delayedMs += ms;
      req.pause();
      setTimeout(() => {
        if (!res.destroyed) this.forward(req, res, method, url, isWatch);
      }, ms);
      return;
    }
    this.forward(req, res, method, url, isWatch);
  }

  private forward(req: IncomingMessage, res: ServerResponse, method: string, url: URL, isWatch: boolean): void {
    const isWrite = !['GET', 'HEAD', 'OPTIONS'].includes(method);
    let lost: FaultStatus | undefined;
    if (isWrite) {
      this.stats.writes += 1;
      for (const entry of this.writeFaults) {
        const faults = entry.rule;
        if (faults.path && !faults.path.test(url.pathname)) continue;
        entry.seen += 1;
        if (entry.seen % faults.every !== 0) continue;
        const statuses = Array.isArray(faults.status) ? faults.status : [faults.status];
        const status = statuses[(entry.seen / faults.every - 1) % statuses.length]!;
        this.stats.injected[status] = (this.stats.injected[status] ?? 0) + 1;
        if (!faults.afterForward) {
          req.resume();
          answerStatus(res, status, method, url.pathname);
          return;
        }
        lost = status;
        break;
      }
    }
    const upstream = httpsRequest(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method,
        path: url.pathname + url.search,
        headers: { ...req.headers, host: this.upstream.host },
        ca: this.ca,
      },
      (upRes) => {
        if (isWrite) this.stats.forwardedWrites.push(`${method} ${url.pathname} ${upRes.statusCode}`);
        if (lost !== undefined) {
          this.stats.lostAnswers.push(`${method} ${url.pathname}`);
          upRes.resume();
          answerStatus(res, lost, method, url.pathname);
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (isWatch) {
          this.watches.add(res);
          res.on('close', () => this.watches.delete(res));
        }
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) answerStatus(res, 503, method, url.pathname);
      else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}

const REASONS: Record<number, string> = { 409: 'Conflict', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable' };

/** The body the apiserver sends with an error: a metav1.Status. */
function answerStatus(res: ServerResponse, code: number, method: string, path: string, headers: Record<string, string> = {}): void {
  const message =
    code === 409
      ? `Operation cannot be fulfilled on ${path}: the object has been modified; please apply your changes to the latest version and try again (injected by the fault proxy)`
      : `${method} ${path}: ${REASONS[code]} (injected by the fault proxy)`;
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: REASONS[code], code });
  res.writeHead(code, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
