import { useCallback, useEffect, useState } from 'react';
import { parseHash, type Route } from './routes.ts';

/** The current time, updated every `intervalMs`: drives countdowns and ages. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Hash routing: every page and the list's state are a link that survives reload, with no server routes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/**
 * Moves to `href` (a "#/…" link). `replace` rewrites the current history entry instead, for state
 * changes as one types (search) that Back should not step through one letter at a time.
 */
export function navigate(href: string, replace = false): void {
  if (window.location.hash === href) return;
  if (replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = href;
}

const TOKEN_KEY = 'ramp-dashboard-token';

/** The write token, kept for this browser tab only (sessionStorage), never in the URL. */
export function useToken(): [string, (token: string) => void] {
  const [token, setTokenState] = useState(() => window.sessionStorage.getItem(TOKEN_KEY) ?? '');
  const setToken = useCallback((value: string) => {
    const trimmed = value.trim();
    if (trimmed === '') window.sessionStorage.removeItem(TOKEN_KEY);
    else window.sessionStorage.setItem(TOKEN_KEY, trimmed);
    setTokenState(trimmed);
  }, []);
  return [token, setToken];
}
