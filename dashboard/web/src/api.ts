import { useEffect, useRef, useState } from 'react';
import type { ActionName, ActionResult, ErrorBody, ExperimentDetail, ExperimentSummary, RolloutDetail, RolloutSummary, Settings } from '../../shared/api.ts';

/** A refused or failed request, with the server's message and hint. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function readError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as Partial<ErrorBody>;
    if (body.error?.message) return new ApiError(res.status, body.error.message, body.error.hint);
  } catch {
    // Not our JSON: a proxy's page or a dropped connection.
  }
  return new ApiError(res.status, `the dashboard answered ${res.status} ${res.statusText}`.trim());
}

async function getJson<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'the dashboard server cannot be reached', 'is kubectl ramp dashboard still running?');
  }
  if (!res.ok) throw await readError(res);
  return (await res.json()) as T;
}

export const api = {
  settings: () => getJson<Settings>('api/v1/settings'),
  rollouts: (namespace?: string) => getJson<{ items: RolloutSummary[] }>(`api/v1/rollouts${namespaceQuery(namespace)}`),
  rollout: (namespace: string, name: string) => getJson<RolloutDetail>(rolloutPath(namespace, name)),
  experiments: (namespace?: string) => getJson<{ items: ExperimentSummary[] }>(`api/v1/experiments${namespaceQuery(namespace)}`),
  experiment: (namespace: string, name: string) => getJson<ExperimentDetail>(experimentPath(namespace, name)),
  async action(namespace: string, name: string, action: ActionName, token: string, body: Record<string, unknown> = {}): Promise<ActionResult> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token !== '') headers.Authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`${rolloutPath(namespace, name)}/${action}`, { method: 'POST', headers, body: JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'the dashboard server cannot be reached', 'is kubectl ramp dashboard still running?');
    }
    if (!res.ok) throw await readError(res);
    return (await res.json()) as ActionResult;
  },
};

/** "?namespace=NS", or nothing for every namespace. */
export function namespaceQuery(namespace: string | undefined): string {
  return namespace ? `?namespace=${encodeURIComponent(namespace)}` : '';
}

export function experimentPath(namespace: string, name: string): string {
  return `api/v1/namespaces/${encodeURIComponent(namespace)}/experiments/${encodeURIComponent(name)}`;
}

export function rolloutPath(namespace: string, name: string): string {
  return `api/v1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}`;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting';

/**
 * Subscribes to a server-sent-events stream while mounted; `handlers` maps event names to
 * callbacks. The browser reconnects by itself; the state says whether updates are flowing.
 */
export function useEventStream(url: string | undefined, handlers: Record<string, (data: unknown) => void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  const names = Object.keys(handlers).sort().join(',');
  useEffect(() => {
    if (url === undefined) return undefined;
    setState('connecting');
    const source = new EventSource(url);
    source.onopen = () => setState('live');
    source.onerror = () => setState('reconnecting');
    const listeners = names.split(',').filter(Boolean).map((name) => {
      const listener = (event: MessageEvent<string>): void => {
        setState('live');
        latest.current[name]?.(JSON.parse(event.data) as unknown);
      };
      source.addEventListener(name, listener);
      return [name, listener] as const;
    });
    return () => {
      for (const [name, listener] of listeners) source.removeEventListener(name, listener);
      source.close();
    };
  }, [url, names]);
  return state;
}
