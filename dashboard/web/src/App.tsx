import { useCallback, useEffect, useState } from 'react';
import { STREAM_EVENTS, type DeletedEvent, type RolloutSummary, type Settings } from '../../shared/api.ts';
import { api, ApiError, useEventStream, type StreamState } from './api.ts';
import { RolloutList } from './components/RolloutList.tsx';
import { RolloutPage } from './components/RolloutPage.tsx';
import { useRoute, useToken } from './hooks.ts';

function sortRollouts(items: RolloutSummary[]): RolloutSummary[] {
  return [...items].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

function TokenField({ token, setToken, readOnly }: { token: string; setToken: (t: string) => void; readOnly: boolean }) {
  const [draft, setDraft] = useState(token);
  useEffect(() => setDraft(token), [token]);
  if (readOnly) return <span className="badge tone-neutral" data-testid="read-only">Read-only</span>;
  return (
    <form
      className="token"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(draft);
      }}
    >
      <label htmlFor="token">Token</label>
      <input id="token" type="password" autoComplete="off" spellCheck={false} placeholder="paste to enable actions" value={draft} onChange={(e) => setDraft(e.target.value)} data-testid="token-input" />
      <button type="submit" className="button button-small" data-testid="token-save">
        {token !== '' && draft === token ? 'Saved' : 'Save'}
      </button>
    </form>
  );
}

function LiveIndicator({ state }: { state: StreamState }) {
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className={`live live-${state}`} data-testid="live" data-state={state}>
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function ListView({ namespace, onStream }: { namespace: string; onStream: (s: StreamState) => void }) {
  const [items, setItems] = useState<RolloutSummary[] | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const query = namespace ? `?namespace=${encodeURIComponent(namespace)}` : '';
  useEffect(() => {
    setItems(undefined);
    api.rollouts(namespace || undefined).then(
      (list) => setItems(sortRollouts(list.items)),
      (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, [namespace]);
  const state = useEventStream(`api/v1/rollouts/stream${query}`, {
    [STREAM_EVENTS.snapshot]: (data) => setItems(sortRollouts((data as { items: RolloutSummary[] }).items)),
    [STREAM_EVENTS.rollout]: (data) => {
      const ro = data as RolloutSummary;
      setItems((current) => sortRollouts([...(current ?? []).filter((r) => r.namespace !== ro.namespace || r.name !== ro.name), ro]));
    },
    [STREAM_EVENTS.deleted]: (data) => {
      const gone = data as DeletedEvent;
      setItems((current) => (current ?? []).filter((r) => r.namespace !== gone.namespace || r.name !== gone.name));
    },
  });
  useEffect(() => onStream(state), [state, onStream]);
  if (error !== undefined && items === undefined) {
    return (
      <div className="card error-card" role="alert">
        <strong>{error.message}</strong>
        {error.hint && <p>{error.hint}</p>}
      </div>
    );
  }
  if (items === undefined) return <p className="muted loading">Loading rollouts…</p>;
  return <RolloutList rollouts={items} showNamespace={namespace === ''} />;
}

export function App() {
  const route = useRoute();
  const [token, setToken] = useToken();
  const [settings, setSettings] = useState<Settings | undefined>(undefined);
  const [settingsError, setSettingsError] = useState<ApiError | undefined>(undefined);
  const [namespace, setNamespace] = useState('');
  const [stream, setStream] = useState<StreamState>('connecting');
  const onStream = useCallback((s: StreamState) => setStream(s), []);

  useEffect(() => {
    api.settings().then(
      (s) => {
        setSettings(s);
        if (s.namespace !== undefined) setNamespace(s.namespace);
      },
      (err: unknown) => setSettingsError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <a href="#/" className="brand">
          <svg className="brand-mark" viewBox="0 0 26 26" aria-hidden="true">
            <rect width="26" height="26" rx="7" fill="#6d5dfc" />
            <path d="M5 19h5l6-12h5" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Ramp <span className="brand-sub">Rollouts</span>
        </a>
        {settings && settings.namespace === undefined && route.page === 'list' && (
          <select className="namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} aria-label="Namespace" data-testid="namespace">
            <option value="">All namespaces</option>
            {settings.namespaces.map((ns) => (
              <option key={ns} value={ns}>
                {ns}
              </option>
            ))}
          </select>
        )}
        {settings?.namespace !== undefined && <span className="muted">namespace {settings.namespace}</span>}
        <span className="spacer" />
        <LiveIndicator state={stream} />
        {settings && <TokenField token={token} setToken={setToken} readOnly={settings.readOnly} />}
      </header>
      <main className="main">
        {settingsError && (
          <div className="card error-card" role="alert">
            <strong>{settingsError.message}</strong>
            {settingsError.hint && <p>{settingsError.hint}</p>}
          </div>
        )}
        {settings && settings.unavailable.length > 0 && (
          <p className="notice">The kubeconfig may not list {settings.unavailable.join(', ')}: those parts of each rollout are not shown.</p>
        )}
        {settings &&
          (route.page === 'list' ? (
            <ListView namespace={namespace} onStream={onStream} />
          ) : (
            <RolloutPage key={`${route.namespace}/${route.name}`} namespace={route.namespace} name={route.name} token={token} readOnly={settings.readOnly} onStream={onStream} />
          ))}
      </main>
    </div>
  );
}
