// New Relic metric provider: NRQL through NerdGraph (GraphQL). One result row
// reaches the conditions as an object (`result.count`), several as a list, as
// in Argo.
import type { NewRelicMetric } from '../../../api/index.ts';
import { readSecret, type CredentialDeps } from '../credentials.ts';
import { goJsonMarshal } from '../format.ts';
import { requestWithTimeout, type HttpPort } from '../../../http/client.ts';
import { concludeMeasurement, markMeasurementError, startMeasurement, type MetricProvider } from '../provider.ts';

export const PROVIDER_TYPE = 'NewRelic';
export const DEFAULT_SECRET = 'newrelic';
export const RESOLVED_QUERY_KEY = 'ResolvedNewRelicQuery';
const DEFAULT_NRQL_TIMEOUT_SECONDS = 5;
// The New Relic client's own HTTP timeout.
const HTTP_TIMEOUT_MS = 30_000;
export const USER_AGENT = 'argo-rollouts (https://github.com/argoproj/argo-rollouts)';

const NERDGRAPH_URLS: Readonly<Record<string, string>> = {
  us: 'https://api.newrelic.com/graphql',
  eu: 'https://api.eu.newrelic.com/graphql',
  staging: 'https://staging-api.newrelic.com/graphql',
  local: 'http://localhost:3000/graphql',
};

export const NRQL_QUERY = `query (
  $query: Nrql!, 
  $accountId: Int!,
  $timeout: Seconds!
)
{
  actor {
    account(id: $accountId) {
      nrql(query: $query, timeout: $timeout) {
        results
      }
    }
  }
}
`;

export interface NewRelicAccount {
  apiKey: string;
  accountId: number;
  nerdGraphUrl: string;
}

// The `newrelic` Secret (or the metric's `profile`) in the controller's namespace.
export async function readAccount(deps: CredentialDeps, spec: NewRelicMetric): Promise<NewRelicAccount> {
  const data = await readSecret(deps, spec.profile || DEFAULT_SECRET);
  const apiKey = data['personal-api-key'] ?? '';
  const accountId = data['account-id'] ?? '';
  const region = data['region'] ?? 'us';
  const regionUrl = NERDGRAPH_URLS[region.toLowerCase()];
  if (regionUrl === undefined) throw new Error(`unknown region: ${region}`);
  const nerdGraphUrl = data['base-url-nerdgraph'] ?? regionUrl;
  if (apiKey === '' || accountId === '') throw new Error('account ID or personal API key not found');
  if (!/^[+-]?\d+$/.test(accountId)) throw new Error(`could not parse account ID: strconv.Atoi: parsing ${JSON.stringify(accountId)}: invalid syntax`);
  return { apiKey, accountId: Number(accountId), nerdGraphUrl };
}

export function nrqlRequestBody(spec: NewRelicMetric, accountId: number): string {
  const timeout = spec.timeout ?? DEFAULT_NRQL_TIMEOUT_SECONDS;
  if (timeout < 0) throw new Error('timeout value needs to be a positive value');
  return JSON.stringify({ query: NRQL_QUERY, variables: { accountId, query: spec.query, timeout } });
}

type Row = Record<string, unknown>;

export function parseResults(status: number, body: string): Row[] {
  let parsed: { data?: { actor?: { account?: { nrql?: { results?: Row[] | null } | null } | null } | null }; errors?: { message?: string }[] };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    if (status < 200 || status > 299) throw new Error(`${status} response returned: ${body}`);
    throw new Error(`invalid NerdGraph response: ${body.slice(0, 200)}`);
  }
  const messages = (parsed.errors ?? []).map((e) => e.message ?? '').filter((m) => m !== '');
  if (messages.length > 0) throw new Error(messages.join(', '));
  if (status < 200 || status > 299) throw new Error(`${status} response returned: ${body}`);
  return parsed.data?.actor?.account?.nrql?.results ?? [];
}

export function toResult(rows: Row[]): { result: Row | Row[]; value: string } {
  const [first] = rows;
  if (first === undefined || (rows.length === 1 && Object.keys(first).length === 0)) throw new Error('no results returned from NRQL query');
  if (rows.length === 1) return { result: first, value: goJsonMarshal(first) };
  return { result: rows, value: goJsonMarshal(rows) };
}

export function createNewRelicProvider(deps: CredentialDeps & { http: HttpPort }): MetricProvider {
  return {
    type: PROVIDER_TYPE,
    metadata(metric) {
      const query = metric.provider.newRelic?.query;
      return query ? { [RESOLVED_QUERY_KEY]: query } : undefined;
    },
    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const spec = ctx.metric.provider.newRelic ?? { query: '' };
        const account = await readAccount(deps, spec);
        const body = nrqlRequestBody(spec, account.accountId);
        const headers = { 'Api-Key': account.apiKey, 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
        const response = await requestWithTimeout(deps.http, account.nerdGraphUrl, { method: 'POST', headers, body }, HTTP_TIMEOUT_MS);
        const { result, value } = toResult(parseResults(response.status, response.body));
        return concludeMeasurement(measurement, ctx, result, value);
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },
  };
}
