import type { AttentionReason, RolloutSummary } from '../../shared/api.ts';

/**
 * The page's address: which page, and the list's state (namespace, status filter, search, view,
 * selected rollout), all in the hash so a link or a reload shows the same thing. Pure: no DOM.
 */

export const STATUS_FILTERS = ['all', 'attention', 'Healthy', 'Progressing', 'Paused', 'Degraded'] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];
export const LIST_VIEWS = ['table', 'grid'] as const;
export type ListView = (typeof LIST_VIEWS)[number];

export interface ListQuery {
  /** Empty for every namespace. */
  namespace: string;
  status: StatusFilter;
  /** Words that each must appear in the name, namespace, strategy, status or an image. */
  search: string;
  view: ListView;
  /** `namespace/name` of the highlighted row: the rollout last opened from the list. */
  selected: string;
}

export const DEFAULT_QUERY: ListQuery = { namespace: '', status: 'all', search: '', view: 'table', selected: '' };

export type Page =
  | { page: 'list' }
  | { page: 'rollout'; namespace: string; name: string }
  | { page: 'experiments' }
  | { page: 'experiment'; namespace: string; name: string };

export interface Route {
  page: Page;
  query: ListQuery;
}

function oneOf<T extends string>(values: readonly T[], value: string | null, fallback: T): T {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function parseQuery(search: string): ListQuery {
  const params = new URLSearchParams(search);
  return {
    namespace: params.get('namespace') ?? '',
    status: oneOf(STATUS_FILTERS, params.get('status'), 'all'),
    search: params.get('q') ?? '',
    view: oneOf(LIST_VIEWS, params.get('view'), 'table'),
    selected: params.get('selected') ?? '',
  };
}

/** The query string without the defaults, so plain links stay plain: "" or "?namespace=shop&view=grid". */
export function formatQuery(query: ListQuery): string {
  const params = new URLSearchParams();
  if (query.namespace !== '') params.set('namespace', query.namespace);
  if (query.status !== 'all') params.set('status', query.status);
  if (query.search !== '') params.set('q', query.search);
  if (query.view !== 'table') params.set('view', query.view);
  if (query.selected !== '') params.set('selected', query.selected);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const mark = body.indexOf('?');
  const path = mark < 0 ? body : body.slice(0, mark);
  const query = parseQuery(mark < 0 ? '' : body.slice(mark + 1));
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [kind, namespace, name] = parts;
  if (kind === 'rollouts' && namespace !== undefined && name !== undefined) return { page: { page: 'rollout', namespace, name }, query };
  if (kind === 'experiments' && namespace !== undefined && name !== undefined) return { page: { page: 'experiment', namespace, name }, query };
  if (kind === 'experiments') return { page: { page: 'experiments' }, query };
  return { page: { page: 'list' }, query };
}

function pagePath(page: Page): string {
  switch (page.page) {
    case 'list':
      return '#/';
    case 'experiments':
      return '#/experiments';
    case 'rollout':
      return `#/rollouts/${encodeURIComponent(page.namespace)}/${encodeURIComponent(page.name)}`;
    case 'experiment':
      return `#/experiments/${encodeURIComponent(page.namespace)}/${encodeURIComponent(page.name)}`;
  }
}

/** A link to a page; the list's state rides along so going back to the list restores it. */
export function routeHref(page: Page, query: ListQuery = DEFAULT_QUERY): string {
  return pagePath(page) + formatQuery(query);
}

export function rolloutId(ro: { namespace: string; name: string }): string {
  return `${ro.namespace}/${ro.name}`;
}

export function matchesSearch(ro: RolloutSummary, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = [ro.name, ro.namespace, ro.strategy, ro.status, ...ro.images.map((i) => i.image)].join(' ').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

export function matchesStatus(ro: RolloutSummary, status: StatusFilter): boolean {
  if (status === 'all') return true;
  if (status === 'attention') return ro.attention.length > 0;
  return ro.status === status;
}

/** How many rollouts each status chip would show, counted after the search. */
export function statusCounts(items: readonly RolloutSummary[]): Record<StatusFilter, number> {
  const counts = Object.fromEntries(STATUS_FILTERS.map((s) => [s, 0])) as Record<StatusFilter, number>;
  for (const ro of items) for (const status of STATUS_FILTERS) if (matchesStatus(ro, status)) counts[status] += 1;
  return counts;
}

export const ATTENTION_TEXT: Record<AttentionReason, string> = {
  Degraded: 'Degraded',
  WaitingForPromotion: 'Waiting for a promote',
  AnalysisFailing: 'Analysis failing',
};
