// The one HTTP client the controller talks to the outside through (metric
// providers, notification services): shaped like fetch so the global fetch
// fits it, plus TLS options fetch cannot express (Argo's `insecure` and
// `caCert`), which the Node implementation below honours.
import http from 'node:http';
import https from 'node:https';

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  tls?: { insecureSkipVerify?: boolean; caCert?: string };
}

export interface HttpResponse {
  status: number;
  text(): Promise<string>;
}

export type HttpPort = (url: string, init?: HttpRequestInit) => Promise<HttpResponse>;

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export const nodeHttp: HttpPort = (url, init = {}) =>
  new Promise<HttpResponse>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`parse ${JSON.stringify(url)}: invalid URL`));
      return;
    }
    const method = init.method ?? 'GET';
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new Error(`${titleCase(method)} ${JSON.stringify(url)}: unsupported protocol scheme ${JSON.stringify(target.protocol.replace(/:$/, ''))}`));
      return;
    }
    const headers: Record<string, string> = { ...init.headers };
    // A known length, as Go's client sends it: servers refuse a chunked body on a GET.
    if (init.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['Content-Length'] = String(Buffer.byteLength(init.body));
    const options: https.RequestOptions = { method, headers, signal: init.signal };
    if (target.protocol === 'https:') {
      if (init.tls?.insecureSkipVerify) options.rejectUnauthorized = false;
      if (init.tls?.caCert) options.ca = init.tls.caCert;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          req.destroy(new Error(`response body from ${target.host} exceeds ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: async () => body });
      });
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new Error(`${titleCase(method)} ${JSON.stringify(url)}: ${err.message}`, { cause: err })));
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });

function titleCase(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
}

// Runs a request with a deadline, reporting the timeout the way users set it.
export async function requestWithTimeout(
  port: HttpPort,
  url: string,
  init: HttpRequestInit,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await port(url, { ...init, signal: controller.signal });
    const body = await response.text();
    return { status: response.status, body };
  } catch (err) {
    if (controller.signal.aborted) {
      const method = titleCase(init.method ?? 'GET');
      throw new Error(`${method} ${JSON.stringify(url)}: context deadline exceeded (timeout ${timeoutMs / 1000}s)`, { cause: err });
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
