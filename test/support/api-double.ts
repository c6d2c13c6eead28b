// An in-process stand-in for a SaaS metrics API: it answers only a request
// shaped as the vendor's API reference documents it (the handler checks path,
// method, authentication headers, parameters and body) and records every request.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** What the double answers: a status and a body (an object is sent as JSON, a string as XML). */
export interface Answer {
  status: number;
  body: unknown;
}

/** A request the handler does not recognise throws, and gets 400 with the reason. */
export type Handler = (req: Received) => Answer;

export interface ApiDouble {
  url: string;
  /** host:port, as Wavefront names its host. */
  hostPort: string;
  received: Received[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, on `port` or a free one. */
export async function listen(handler: Handler, tls?: { cert: string; key: string }, port = 0): Promise<ApiDouble> {
  const received: Received[] = [];
  const serve: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: new URL(req.url ?? '/', 'http://api'), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      let answer: Answer;
      try {
        answer = handler(r);
      } catch (err) {
        answer = { status: 400, body: { errors: [(err as Error).message] } };
      }
      const text = typeof answer.body === 'string';
      res.writeHead(answer.status, { 'Content-Type': text ? 'text/xml' : 'application/json' });
      res.end(text ? answer.body : JSON.stringify(answer.body));
    });
  };
  const server = tls ? https.createServer(tls, serve) : http.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${bound}`,
    hostPort: `127.0.0.1:${bound}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Throws (so the double answers 400) when the request does not match the API reference. */
export function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`request does not match the API reference: ${what}`);
}
