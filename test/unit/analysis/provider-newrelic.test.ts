import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNewRelicProvider, NRQL_QUERY, readAccount, toResult } from '../../../controller/analysis/providers/newrelic/index.ts';
import type { Metric } from '../../../controller/analysis/types.ts';
import { cannedHttp, fakeSecrets, run, T } from '../../support/analysis-ports.ts';

const NS = 'argo-rollouts';
const ACCOUNT = { 'personal-api-key': 'NRAK-1', 'account-id': '42' };
const metric = (successCondition: string, extra: Partial<NonNullable<Metric['provider']['newRelic']>> = {}): Metric => ({
  name: 'errors',
  successCondition,
  provider: { newRelic: { query: 'FROM Transaction SELECT count(*)', ...extra } },
});

describe('new relic account', () => {
  const deps = (data: Record<string, string>, name = 'newrelic') => ({ secrets: fakeSecrets({ [`${NS}/${name}`]: data }), namespace: NS });

  it('reads the `newrelic` Secret (or the profile), the US NerdGraph by default', async () => {
    assert.deepEqual(await readAccount(deps(ACCOUNT), { query: 'q' }), { apiKey: 'NRAK-1', accountId: 42, nerdGraphUrl: 'https://api.newrelic.com/graphql' });
    assert.equal((await readAccount(deps({ ...ACCOUNT, region: 'EU' }, 'team'), { query: 'q', profile: 'team' })).nerdGraphUrl, 'https://api.eu.newrelic.com/graphql');
    assert.equal((await readAccount(deps({ ...ACCOUNT, 'base-url-nerdgraph': 'http://nr.local/graphql' }), { query: 'q' })).nerdGraphUrl, 'http://nr.local/graphql');
  });

  it('missing pieces are errors with Argo\'s messages', async () => {
    await assert.rejects(readAccount(deps(ACCOUNT), { query: 'q', profile: 'absent' }), { message: 'secrets "absent" not found' });
    await assert.rejects(readAccount(deps({ 'account-id': '1' }), { query: 'q' }), { message: 'account ID or personal API key not found' });
    await assert.rejects(readAccount(deps({ ...ACCOUNT, 'account-id': 'x' }), { query: 'q' }), /^Error: could not parse account ID/);
    await assert.rejects(readAccount(deps({ ...ACCOUNT, region: 'mars' }), { query: 'q' }), { message: 'unknown region: mars' });
  });
});

describe('new relic results', () => {
  it('one row is an object, several a list; none is an error', () => {
    assert.deepEqual(toResult([{ count: 3, b: 'x' }]), { result: { count: 3, b: 'x' }, value: '{"b":"x","count":3}' });
    assert.deepEqual(toResult([{ a: 1 }, { a: 2 }]).value, '[{"a":1},{"a":2}]');
    assert.throws(() => toResult([]), { message: 'no results returned from NRQL query' });
    assert.throws(() => toResult([{}]), { message: 'no results returned from NRQL query' });
  });

  it('a measurement posts the NRQL query with the key and records the resolved query', async () => {
    const http = cannedHttp(200, JSON.stringify({ data: { actor: { account: { nrql: { results: [{ count: 0.004 }] } } } } }));
    const provider = createNewRelicProvider({ http, secrets: fakeSecrets({ [`${NS}/newrelic`]: ACCOUNT }), namespace: NS });
    const m = await provider.run({ run, metric: metric('result.count < 0.01', { timeout: 10 }), now: () => T });
    assert.equal(m.phase, 'Successful');
    assert.equal(m.value, '{"count":0.004}');
    const call = http.calls[0]!;
    assert.equal(call.url, 'https://api.newrelic.com/graphql');
    assert.equal(call.init.headers?.['Api-Key'], 'NRAK-1');
    assert.deepEqual(JSON.parse(call.init.body!), { query: NRQL_QUERY, variables: { accountId: 42, query: 'FROM Transaction SELECT count(*)', timeout: 10 } });
    assert.deepEqual(provider.metadata?.(metric('true')), { ResolvedNewRelicQuery: 'FROM Transaction SELECT count(*)' });
  });

  it('GraphQL errors and a negative timeout are Error measurements', async () => {
    const http = cannedHttp(200, JSON.stringify({ errors: [{ message: 'NRQL syntax error' }, { message: 'again' }] }));
    const provider = createNewRelicProvider({ http, secrets: fakeSecrets({ [`${NS}/newrelic`]: ACCOUNT }), namespace: NS });
    assert.equal((await provider.run({ run, metric: metric('true'), now: () => T })).message, 'NRQL syntax error, again');
    const negative = await provider.run({ run, metric: metric('true', { timeout: -1 }), now: () => T });
    assert.equal(negative.phase, 'Error');
    assert.equal(negative.message, 'timeout value needs to be a positive value');
  });
});
