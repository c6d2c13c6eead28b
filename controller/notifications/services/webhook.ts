// Argo's webhook service: the template's `webhook.<service name>` section
// (method, path, body) over the service's url, headers and basic auth; the
// message is sent as a GET body when the template has no such section.
// Connection errors, 429 and 5xx (but 501) are retried `retryMax` times,
// waiting from retryWaitMin doubling up to retryWaitMax, as go-retryablehttp.
import { parseGoDurationMillis } from '../../api/duration.ts';
import { requestWithTimeout } from '../../http/client.ts';
import { section, text, type Notification } from '../render.ts';
import { boolSetting, SEND_TIMEOUT_MS, ServiceConfigError, stringSetting, type NotificationService, type ServiceDeps } from './types.ts';

interface WebhookOptions {
  url: string;
  headers: Array<{ name: string; value: string }>;
  basicAuth?: { username: string; password: string };
  retryWaitMinMs: number;
  retryWaitMaxMs: number;
  retryMax: number;
  insecureSkipVerify: boolean;
}

// time.Duration in JSON is nanoseconds; a Go duration string is taken too.
function durationMs(v: unknown, fallbackMs: number, key: string, service: string): number {
  if (v === undefined || v === null || v === 0) return fallbackMs;
  if (typeof v === 'number' && v > 0) return v / 1e6;
  if (typeof v === 'string') {
    try {
      return parseGoDurationMillis(v);
    } catch (err) {
      throw new ServiceConfigError(`service ${service}: ${key}: ${(err as Error).message}`);
    }
  }
  throw new ServiceConfigError(`service ${service}: ${key} must be a duration`);
}

export function webhookOptions(settings: Record<string, unknown>, service: string): WebhookOptions {
  const headers = settings.headers ?? [];
  if (!Array.isArray(headers) || !headers.every((h) => h !== null && typeof h === 'object' && typeof h.name === 'string')) {
    throw new ServiceConfigError(`service ${service}: headers is a list of {name, value}`);
  }
  const auth = settings.basicAuth as { username?: unknown; password?: unknown } | undefined;
  const retryMax = settings.retryMax ?? 0;
  if (typeof retryMax !== 'number' || !Number.isInteger(retryMax) || retryMax < 0) throw new ServiceConfigError(`service ${service}: retryMax must be a whole number`);
  return {
    url: stringSetting(settings, 'url', service, true),
    headers: headers.map((h: { name: string; value?: unknown }) => ({ name: h.name, value: text(h.value as string) })),
    ...(auth ? { basicAuth: { username: text(auth.username as string), password: text(auth.password as string) } } : {}),
    retryWaitMinMs: durationMs(settings.retryWaitMin, 1000, 'retryWaitMin', service),
    retryWaitMaxMs: durationMs(settings.retryWaitMax, 5000, 'retryWaitMax', service),
    retryMax: retryMax === 0 ? 3 : retryMax,
    insecureSkipVerify: boolSetting(settings, 'insecureSkipVerify', service),
  };
}

function retryable(status: number): boolean {
  return status === 0 || status === 429 || (status >= 500 && status !== 501);
}

export function webhookService(name: string, settings: Record<string, unknown>, deps: ServiceDeps): NotificationService {
  const opts = webhookOptions(settings, name);
  return {
    async send(n: Notification, _recipient, signal) {
      let method = 'GET';
      let url = opts.url;
      let body = n.message;
      const own = section(n, 'webhook')?.[name];
      if (own !== null && typeof own === 'object' && !Array.isArray(own)) {
        body = text(own.body);
        if (text(own.method)) method = text(own.method);
        if (text(own.path)) url = `${url.replace(/\/+$/, '')}/${text(own.path).replace(/^\/+/, '')}`;
      }
      const headers: Record<string, string> = {};
      for (const h of opts.headers) headers[h.name] = h.value;
      if (opts.basicAuth) headers.Authorization = `Basic ${Buffer.from(`${opts.basicAuth.username}:${opts.basicAuth.password}`).toString('base64')}`;
      const init = { method, headers, body, tls: { insecureSkipVerify: opts.insecureSkipVerify } };
      for (let attempt = 0; ; attempt++) {
        let outcome: { status: number; body: string };
        try {
          outcome = await requestWithTimeout(deps.http, url, init, SEND_TIMEOUT_MS);
        } catch (err) {
          if (attempt >= opts.retryMax || signal?.aborted) throw new Error(`${method} ${url} giving up after ${attempt + 1} attempt(s): ${(err as Error).message}`, { cause: err });
          await deps.sleep(Math.min(opts.retryWaitMaxMs, opts.retryWaitMinMs * 2 ** attempt), signal);
          continue;
        }
        if (outcome.status >= 200 && outcome.status <= 299) return;
        if (!retryable(outcome.status) || attempt >= opts.retryMax || signal?.aborted) {
          throw new Error(`request to ${method} ${url} has failed with error code ${outcome.status} : ${outcome.body.slice(0, 1000)}`);
        }
        await deps.sleep(Math.min(opts.retryWaitMaxMs, opts.retryWaitMinMs * 2 ** attempt), signal);
      }
    },
  };
}
