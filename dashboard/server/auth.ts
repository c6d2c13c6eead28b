import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.ts';

/** How writes are guarded: refused outright, or allowed with the bearer token. */
export type WritePolicy = { readOnly: true } | { readOnly: false; token: string };

/** 32 random bytes, URL-safe: typed into the page once, kept in the browser's session storage. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** Compares digests, so the time taken reveals neither the token nor its length. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Throws the HttpError that refuses a write, or returns when it may go ahead. */
export function authorizeWrite(policy: WritePolicy, authorization: string | undefined): void {
  if (policy.readOnly) {
    throw new HttpError(403, 'the dashboard runs read-only: it refuses every change', 'restart it without --read-only to allow promote, abort and the other actions');
  }
  const given = bearerToken(authorization);
  const challenge = { 'WWW-Authenticate': 'Bearer realm="ramp-dashboard"' };
  if (given === undefined) {
    throw new HttpError(401, 'this action needs the dashboard token', 'paste the token the dashboard printed at start into the token field', challenge);
  }
  if (!tokensEqual(given, policy.token)) {
    throw new HttpError(401, 'the token is not the dashboard\'s token', 'copy it again from the dashboard\'s start-up output, or from --auth-token / RAMP_DASHBOARD_TOKEN', challenge);
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The host part of a Host header: "127.0.0.1:3100" → "127.0.0.1", "[::1]:3100" → "[::1]". */
export function hostName(header: string): string {
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    return end < 0 ? header : header.slice(0, end + 1);
  }
  const colon = header.indexOf(':');
  return (colon < 0 ? header : header.slice(0, colon)).toLowerCase();
}

/**
 * A dashboard bound to loopback answers only requests addressed to a loopback name, so a web page
 * elsewhere cannot reach it through a DNS name rebound to 127.0.0.1.
 */
export function hostAllowed(hostHeader: string | undefined, bindHost: string): boolean {
  if (!isLoopback(bindHost)) return true;
  if (hostHeader === undefined) return false;
  return isLoopback(hostName(hostHeader));
}
