// OAuth2 client-credentials tokens (golang.org/x/oauth2/clientcredentials, as
// Argo's web and Prometheus providers use it): the client authenticates with
// HTTP Basic first and, if the token endpoint refuses that, with the
// credentials in the form body; a token is reused until 10s before it expires.
import { requestWithTimeout, type HttpPort, type HttpRequestInit } from '../../http/client.ts';

export interface OAuth2Config {
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
}

export interface OAuth2TokenSource {
  // The Authorization header value, `Bearer <token>`.
  authorization(config: OAuth2Config, tls: HttpRequestInit['tls'], timeoutMs: number): Promise<string>;
}

const EXPIRY_DELTA_MS = 10_000;

interface Token {
  type: string;
  value: string;
  expiresAt?: number;
}

export function createOAuth2TokenSource(deps: { http: HttpPort; now(): number }): OAuth2TokenSource {
  const cache = new Map<string, Token>();
  return {
    async authorization(config, tls, timeoutMs) {
      if (!config.clientId || !config.clientSecret) throw new Error('missing mandatory parameter in metric for OAuth2 setup');
      const key = JSON.stringify([config.tokenUrl, config.clientId, config.clientSecret, config.scopes ?? []]);
      let token = cache.get(key);
      if (token === undefined || (token.expiresAt !== undefined && token.expiresAt - EXPIRY_DELTA_MS <= deps.now())) {
        token = await fetchToken(deps, config, tls, timeoutMs);
        cache.set(key, token);
      }
      return `${token.type} ${token.value}`;
    },
  };
}

async function fetchToken(deps: { http: HttpPort; now(): number }, config: OAuth2Config, tls: HttpRequestInit['tls'], timeoutMs: number): Promise<Token> {
  const tokenUrl = config.tokenUrl ?? '';
  const post = (inHeader: boolean) => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (config.scopes && config.scopes.length > 0) form.set('scope', config.scopes.join(' '));
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (inHeader) {
      const basic = `${encodeURIComponent(config.clientId ?? '')}:${encodeURIComponent(config.clientSecret ?? '')}`;
      headers['Authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      form.set('client_id', config.clientId ?? '');
      form.set('client_secret', config.clientSecret ?? '');
    }
    return requestWithTimeout(deps.http, tokenUrl, { method: 'POST', headers, body: form.toString(), tls }, timeoutMs);
  };
  let response = await post(true);
  if (response.status < 200 || response.status > 299) response = await post(false);
  let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown } = {};
  try {
    parsed = JSON.parse(response.body) as typeof parsed;
  } catch {
    parsed = {};
  }
  if (response.status < 200 || response.status > 299) {
    throw new Error(`oauth2: cannot fetch token: ${response.status}\nResponse: ${response.body.slice(0, 500)}`);
  }
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '') throw new Error('oauth2: server response missing access_token');
  const expiresIn = Number(parsed.expires_in);
  // Go's oauth2 normalises the type: bearer/mac/basic are written capitalised.
  const rawType = typeof parsed.token_type === 'string' && parsed.token_type !== '' ? parsed.token_type : 'Bearer';
  const type = ['bearer', 'mac', 'basic'].includes(rawType.toLowerCase()) ? rawType.charAt(0).toUpperCase() + rawType.slice(1).toLowerCase() : rawType;
  return { type, value: parsed.access_token, ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresAt: deps.now() + expiresIn * 1000 } : {}) };
}
