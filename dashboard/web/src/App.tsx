import { useCallback, useEffect, useRef, useState } from 'react';
import { STREAM_EVENTS, type DeletedEvent, type RolloutSummary, type Settings } from '../../shared/api.ts';
import { api, ApiError, namespaceQuery, useEventStream, type StreamState } from './api.ts';
import type { Outcome } from './useActions.ts';
import { ExperimentList } from './components/ExperimentList.tsx';
import { ExperimentPage } from './components/ExperimentPage.tsx';
import { RolloutList } from './components/RolloutList.tsx';
import { RolloutPage } from './components/RolloutPage.tsx';
import { Toast } from './components/Toast.tsx';
import { navigate, useRoute, useToken } from './hooks.ts';
import { formatQuery, routeHref, type ListQuery, type Page } from './routes.ts';

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
    <span className={`live live-${state}`} data-testid="live" data-state={state} role="status">
      <span className="dot" aria-hidden="true" />
      {label}
    </span>
  );
}

interface ListViewProps {
  query: ListQuery;
  onQuery: (change: Partial<ListQuery>, replace?: boolean) => void;
  onStream: (s: StreamState) => void;
  token: string;
  readOnly: boolean;
  onOutcome: (outcome: Outcome) => void;
}

function ListView({ query, onQuery, onStream, token, readOnly, onOutcome }: ListViewProps) {
  const { namespace } = query;
  const [items, setItems] = useState<RolloutSummary[] | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  useEffect(() => {
    setItems(undefined);
    setError(undefined);
    api.rollouts(namespace || undefined).then(
      (list) => setItems(sortRollouts(list.items)),
      (err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, [namespace]);
  const state = useEventStream(`api/v1/rollouts/stream${namespaceQuery(namespace)}`, {
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
  return <RolloutList rollouts={items} query={query} onQuery={onQuery} showNamespace={namespace === ''} token={token} readOnly={readOnly} onOutcome={onOutcome} />;
}

function NamespaceSwitcher({ settings, query, onQuery }: { settings: Settings; query: ListQuery; onQuery: (change: Partial<ListQuery>) => void }) {
  if (settings.namespace !== undefined) return <span className="muted">namespace {settings.namespace}</span>;
  // A namespace from a link that the kubeconfig does not list is still offered, so the page says so.
  const namespaces = query.namespace !== '' && !settings.namespaces.includes(query.namespace) ? [...settings.namespaces, query.namespace].sort() : settings.namespaces;
  return (
    <span className="namespace-switch">
      <label htmlFor="namespace">Namespace</label>
      <select id="namespace" className="namespace" value={query.namespace} onChange={(e) => onQuery({ namespace: e.target.value, selected: '' })} data-testid="namespace">
        <option value="">All namespaces</option>
        {namespaces.map((ns) => (
          <option key={ns} value={ns}>
            {ns}
          </option>
        ))}
      </select>
    </span>
  );
}

function NavLink({ page, current, query, children }: { page: Page; current: boolean; query: ListQuery; children: string }) {
  return (
    <a href={routeHref(page, query)} className={`nav-link${current ? ' nav-current' : ''}`} aria-current={current ? 'page' : undefined} data-testid={`nav-${page.page}`}>
      {children}
    </a>
  );
}

export function App() {
  const route = useRoute();
  const { page } = route;
  const [token, setToken] = useToken();
  const [settings, setSettings] = useState<Settings | undefined>(undefined);
  const [settingsError, setSettingsError] = useState<ApiError | undefined>(undefined);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const onStream = useCallback((s: StreamState) => setStream(s), []);
  const closeToast = useCallback(() => setOutcome(undefined), []);
  const query: ListQuery = settings?.namespace !== undefined ? { ...route.query, namespace: settings.namespace } : route.query;

  // The list's state as last seen, so a plain "#/" link back to the list (from a rollout page)
  // returns to the same namespace, filter, search, view and row.
  const lastQuery = useRef<string>('');
  useEffect(() => {
    const hash = window.location.hash;
    if ((hash === '' || hash === '#/') && lastQuery.current !== '') navigate(`#/${lastQuery.current}`, true);
    else lastQuery.current = formatQuery(route.query);
  }, [route]);

  useEffect(() => {
    api.settings().then(
      (s) => setSettings(s),
      (err: unknown) => setSettingsError(err instanceof ApiError ? err : new ApiError(0, String(err))),
    );
  }, []);

  const onQuery = useCallback(
    (change: Partial<ListQuery>, replace = false) => {
      const next = { ...route.query, ...change };
      // Chosen here, so a change back to the defaults ("#/") is not mistaken for a link back.
      lastQuery.current = formatQuery(next);
      navigate(routeHref(page, next), replace);
    },
    [page, route.query],
  );
  const listPage = page.page === 'list' || page.page === 'experiments';
  const shown = settings?.unavailable.filter((kind) => kind !== 'namespaces') ?? [];

  return (
    <div className="app">
      <header className="topbar">
        <a href={routeHref({ page: 'list' }, query)} className="brand">
          <svg className="brand-mark" viewBox="0 0 26 26" aria-hidden="true">
            <rect width="26" height="26" rx="7" fill="#6d5dfc" />
            <path d="M5 19h5l6-12h5" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Ramp <span className="brand-sub">Rollouts</span>
        </a>
        <nav className="nav" aria-label="Pages">
          <NavLink page={{ page: 'list' }} current={page.page === 'list' || page.page === 'rollout'} query={query}>
            Rollouts
          </NavLink>
          <NavLink page={{ page: 'experiments' }} current={page.page === 'experiments' || page.page === 'experiment'} query={{ ...query, selected: '' }}>
            Experiments
          </NavLink>
        </nav>
        {settings && listPage && <NamespaceSwitcher settings={settings} query={query} onQuery={onQuery} />}
        <span className="spacer" />
        {settings && (
          <span className="version" data-testid="version" title="Ramp version">
            v{settings.version}
          </span>
        )}
        <LiveIndicator state={stream} />
        {settings && <TokenField token={token} setToken={setToken} readOnly={settings.readOnly} />}
      </header>
      <main className="main" id="main">
        {settingsError && (
          <div className="card error-card" role="alert">
            <strong>{settingsError.message}</strong>
            {settingsError.hint && <p>{settingsError.hint}</p>}
          </div>
        )}
        {shown.length > 0 && <p className="notice">The kubeconfig may not list {shown.join(', ')}: the dashboard shows what it can without them.</p>}
        {outcome && listPage && <Toast outcome={outcome} onClose={closeToast} />}
        {settings && page.page === 'list' && <ListView query={query} onQuery={onQuery} onStream={onStream} token={token} readOnly={settings.readOnly} onOutcome={setOutcome} />}
        {settings && page.page === 'experiments' && <ExperimentList query={query} showNamespace={query.namespace === ''} onStream={onStream} />}
        {settings && page.page === 'experiment' && <ExperimentPage key={`${page.namespace}/${page.name}`} namespace={page.namespace} name={page.name} query={query} onStream={onStream} />}
        {settings && page.page === 'rollout' && (
          <RolloutPage key={`${page.namespace}/${page.name}`} namespace={page.namespace} name={page.name} token={token} readOnly={settings.readOnly} onStream={onStream} />
        )}
      </main>
    </div>
  );
}
