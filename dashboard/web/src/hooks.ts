import { useCallback, useEffect, useState } from 'react';

/** The current time, updated every `intervalMs`: drives countdowns and ages. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export type Route = { page: 'list' } | { page: 'rollout'; namespace: string; name: string };

function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'rollouts' && parts[1] !== undefined && parts[2] !== undefined) return { page: 'rollout', namespace: parts[1], name: parts[2] };
  return { page: 'list' };
}

export function routeHref(route: Route): string {
  return route.page === 'list' ? '#/' : `#/rollouts/${encodeURIComponent(route.namespace)}/${encodeURIComponent(route.name)}`;
}

/** Hash routing: a rollout page is a link that survives reload and needs no server routes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
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
