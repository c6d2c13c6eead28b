// AWS Signature Version 4 (the signing every AWS HTTP API takes): pure, so it
// is checked against AWS's published test vectors.
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SigningInput {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  service: string;
  region: string;
  credentials: AwsCredentials;
  // Milliseconds since the epoch.
  now: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

// 20150830T123600Z
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

// RFC 3986 unreserved characters stay, everything else is %XX (upper case).
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(url: URL): string {
  // URL has already removed dot segments; each segment is decoded and
  // encoded once more, as services other than S3 expect.
  const segments = url.pathname.split('/').map((s) => uriEncode(decodeURIComponent(s)));
  const path = segments.join('/');
  return path === '' ? '/' : path;
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams.entries()].map(([k, v]) => [uriEncode(k), uriEncode(v)] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * The headers to add to the request: X-Amz-Date (unless the request carries a
 * Date or X-Amz-Date of its own), X-Amz-Security-Token for temporary
 * credentials, and Authorization. Every header given is signed, with Host.
 */
export function signV4(input: SigningInput): Record<string, string> {
  const url = new URL(input.url);
  const added: Record<string, string> = {};
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(input.headers)) lower.set(k.toLowerCase(), v);
  if (!lower.has('host')) lower.set('host', url.host);
  const timestamp = amzDate(input.now);
  if (!lower.has('x-amz-date') && !lower.has('date')) {
    added['X-Amz-Date'] = timestamp;
    lower.set('x-amz-date', timestamp);
  }
  if (input.credentials.sessionToken) {
    added['X-Amz-Security-Token'] = input.credentials.sessionToken;
    lower.set('x-amz-security-token', input.credentials.sessionToken);
  }
  const names = [...lower.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${(lower.get(n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(url),
    canonicalQuery(url),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  const day = timestamp.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = [day, input.region, input.service, 'aws4_request'].reduce<Buffer | string>((k, part) => hmac(k, part), `AWS4${input.credentials.secretAccessKey}`);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  added['Authorization'] = `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}
