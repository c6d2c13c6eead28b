// A loopback HTTP server whose responses a test sets: a Prometheus /metrics
// body and JSON documents at chosen paths. It records what it was sent.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  // The query string with its `?`, or ''.
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpFixture {
  url: string;
  // host:port, as a Prometheus scrape target.
  hostPort: string;
  requests: RecordedRequest[];
  setMetrics(body: string): void;
  setJson(path: string, body: unknown, status?: number): void;
  setText(path: string, body: string, status?: number): void;
  close(): Promise<void>;
}

export async function startHttpFixture(): Promise<HttpFixture> {
  const routes = new Map<string, { status: number; type: string; body: string }>();
  let metrics = '';
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      const path = url.pathname;
      requests.push({ method: req.method ?? '', path, query: url.search, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path === '/metrics') {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
        res.end(metrics);
        return;
      }
      const route = routes.get(path);
      if (route === undefined) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(route.status, { 'Content-Type': route.type });
      res.end(route.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    requests,
    setMetrics(body) {
      metrics = body;
    },
    setJson(path, body, status = 200) {
      routes.set(path, { status, type: 'application/json', body: JSON.stringify(body) });
    },
    setText(path, body, status = 200) {
      routes.set(path, { status, type: 'text/plain', body });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
