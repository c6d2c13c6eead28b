import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerExprs, renderHeaderRules, renderWeights, ruleNames, type ApisixRouteObject } from '../../../controller/traffic/apisix/render.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import { NAMESPACE } from './support/fixtures.ts';

const services = { stableService: 'web-stable', canaryService: 'web-canary' };
const backend = (serviceName: string, weight?: number) => ({ serviceName, servicePort: 80, ...(weight !== undefined ? { weight } : {}) });

function route(http: unknown[]): ApisixRouteObject {
  return { apiVersion: 'apisix.apache.org/v2', kind: 'ApisixRoute', metadata: { name: 'web', namespace: NAMESPACE }, spec: { http } } as ApisixRouteObject;
}

const rule = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  match: { hosts: ['shop.example'], paths: ['/*'] },
  backends: [backend('web-stable', 100), backend('web-canary', 0)],
  ...extra,
});

describe('APISIX rendering: weights', () => {
  it('names the rule after the route when no rules are given', () => {
    assert.deepEqual(ruleNames({ route: { name: 'web' } }), ['web']);
    assert.deepEqual(ruleNames({ route: { name: 'web', rules: ['a', 'b'] } }), ['a', 'b']);
  });

  it('sets the canary weight and 100 minus it on the stable backend of each named rule, leaving the others', () => {
    const out = renderWeights(route([rule('a'), rule('b'), rule('other')]), ['a', 'b'], services, 30);
    assert.deepEqual(
      out.spec?.http?.map((r) => (r.backends as Array<{ weight: number }>).map((b) => b.weight)),
      [[70, 30], [70, 30], [100, 0]],
    );
    assert.deepEqual(out.spec?.http?.[0]?.match, { hosts: ['shop.example'], paths: ['/*'] });
  });

  it('splits 100, as Argo, whatever maxTrafficWeight is', () => {
    const out = renderWeights(route([rule('a')]), ['a'], services, 100);
    assert.deepEqual((out.spec?.http?.[0]?.backends as Array<{ weight: number }>).map((b) => b.weight), [0, 100]);
  });

  for (const [what, http, names, message] of [
    ['no spec.http', undefined, ['a'], /spec\.http was not found in Apisix Route manifest/],
    ['a missing rule', [rule('a')], ['b'], /Apisix http route rule b not found/],
    ['an unnamed rule before the one named', [{ backends: [] }, rule('a')], ['a'], /Apisix http route rule name field not found/],
    ['a rule without backends', [{ name: 'a' }], ['a'], /Apisix http route backends not found/],
    ['no canary backend', [{ name: 'a', backends: [backend('web-stable')] }], ['a'], /apisix route web-canary backend was not found/],
    ['a backend without serviceName', [{ name: 'a', backends: [{ servicePort: 80 }] }], ['a'], /serviceName field was not found in backend/],
  ] as const) {
    it(`refuses ${what} with Argo's message, naming the ApisixRoute`, () => {
      const input = http === undefined ? ({ ...route([]), spec: {} } as ApisixRouteObject) : route([...http]);
      assert.throws(() => renderWeights(input, names, services, 10), (err: unknown) => {
        assert.ok(err instanceof TrafficRoutingError);
        assert.match(err.message, message);
        assert.match(err.message, /^ApisixRoute shop\/web: /);
        return true;
      });
    });
  }
});

describe('APISIX rendering: header routes', () => {
  it('turns each header value into Argo\'s expressions: exact Equal, regex and prefix RegexMatch', () => {
    assert.deepEqual(
      headerExprs({
        name: 'h',
        match: [
          { headerName: 'x-a', headerValue: { exact: 'yes' } },
          { headerName: 'x-b', headerValue: { regex: 'v[0-9]+' } },
          { headerName: 'x-c', headerValue: { prefix: 'beta' } },
        ],
      }),
      [
        { subject: { scope: 'Header', name: 'x-a' }, op: 'Equal', value: 'yes' },
        { subject: { scope: 'Header', name: 'x-b' }, op: 'RegexMatch', value: 'v[0-9]+' },
        { subject: { scope: 'Header', name: 'x-c' }, op: 'RegexMatch', value: '^beta.*' },
      ],
    );
  });

  it('a new header route sends the named rules to the canary alone, one priority above, matching the headers', () => {
    const headerRoute = { name: 'h', match: [{ headerName: 'x-canary', headerValue: { exact: 'true' } }] };
    const out = renderHeaderRules(route([rule('a', { priority: 3 }), rule('b')]), ['a'], services, headerRoute, true);
    assert.deepEqual(out.spec?.http, [
      {
        name: 'a',
        priority: 4,
        match: { hosts: ['shop.example'], paths: ['/*'], exprs: [{ subject: { scope: 'Header', name: 'x-canary' }, op: 'Equal', value: 'true' }] },
        backends: [backend('web-canary', 100)],
      },
      rule('b'),
    ]);
  });

  it('an existing header route gets the new match without another priority bump', () => {
    const existing = route([{ name: 'a', priority: 4, match: { exprs: [] }, backends: [backend('web-canary', 100)] }]);
    const out = renderHeaderRules(existing, ['a'], services, { name: 'h', match: [{ headerName: 'x-v', headerValue: { prefix: 'v2' } }] }, false);
    assert.equal(out.spec?.http?.[0]?.priority, 4);
    assert.deepEqual(out.spec?.http?.[0]?.match?.exprs, [{ subject: { scope: 'Header', name: 'x-v' }, op: 'RegexMatch', value: '^v2.*' }]);
  });
});
