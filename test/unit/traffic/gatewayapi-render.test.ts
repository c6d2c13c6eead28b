import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  headerMatch,
  isManagedRule,
  removeManagedRules,
  renderHeaderRoute,
  renderInProgressLabel,
  renderWeights,
  type GatewayRouteObject,
  type RouteRule,
} from '../../../controller/traffic/gatewayapi/render.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import { NAMESPACE } from './support/fixtures.ts';

const services = { stableService: 'web-stable', canaryService: 'web-canary' };
const managed = new Set(['header']);
const ref = (name: string, weight?: number, port = 80) => ({ group: '', kind: 'Service', name, port, ...(weight === undefined ? {} : { weight }) });
const split = (extra: Partial<RouteRule> = {}): RouteRule => ({ backendRefs: [ref('web-stable', 100), ref('web-canary', 0)], ...extra });

function route(rules: RouteRule[], kind = 'HTTPRoute'): GatewayRouteObject {
  return { apiVersion: 'gateway.networking.k8s.io/v1', kind, metadata: { name: 'web', namespace: NAMESPACE }, spec: { parentRefs: [{ name: 'gw' }], rules } };
}
const weightsOf = (r: GatewayRouteObject) => (r.spec?.rules ?? []).map((rule) => (rule.backendRefs ?? []).map((b) => `${b.name}=${b.weight ?? '-'}`).join(' '));

describe('Gateway API render: weights', () => {
  const cases: Array<{ name: string; rules: RouteRule[]; weight: number; max?: number; want: string[] }> = [
    { name: 'one rule: canary gets the weight, stable the rest', rules: [split()], weight: 30, want: ['web-stable=70 web-canary=30'] },
    {
      name: 'every rule that refers to both Services, other rules untouched',
      rules: [split({ matches: [{ path: { type: 'PathPrefix', value: '/api' } }] }), { backendRefs: [ref('docs', 1)] }, split()],
      weight: 20,
      want: ['web-stable=80 web-canary=20', 'docs=1', 'web-stable=80 web-canary=20'],
    },
    {
      name: 'a header rule the Rollout added keeps sending everything to the canary',
      rules: [split(), { name: 'header', backendRefs: [ref('web-canary')] }, { name: 'header-1', backendRefs: [ref('web-stable'), ref('web-canary')] }],
      weight: 10,
      want: ['web-stable=90 web-canary=10', 'web-canary=-', 'web-stable=- web-canary=-'],
    },
    { name: 'a rule with only the stable Service is not a split', rules: [{ backendRefs: [ref('web-stable', 1)] }, split()], weight: 50, want: ['web-stable=1', 'web-stable=50 web-canary=50'] },
    { name: 'maxTrafficWeight is all traffic', rules: [split()], weight: 250, max: 1000, want: ['web-stable=750 web-canary=250'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(weightsOf(renderWeights(route(c.rules), services, c.weight, c.max ?? 100, managed)), c.want);
    });
  }

  it('leaves the object read untouched', () => {
    const read = route([split()]);
    renderWeights(read, services, 40, 100, managed);
    assert.deepEqual(weightsOf(read), ['web-stable=100 web-canary=0']);
  });

  it('a route with no rule referring to both Services is a TrafficRoutingError naming it', () => {
    assert.throws(
      () => renderWeights(route([{ backendRefs: [ref('web-stable')] }], 'GRPCRoute'), services, 10, 100, managed),
      (err: unknown) =>
        err instanceof TrafficRoutingError &&
        err.object?.kind === 'GRPCRoute' &&
        err.object.name === 'web' &&
        /GRPCRoute shop\/web: backendRef was not found: no rule has backendRefs to both the stable Service "web-stable" and the canary Service "web-canary"/.test(err.message),
    );
  });

  it('a backendRef of another kind with the Service\'s name is not the Service', () => {
    const rules = [{ backendRefs: [ref('web-stable'), { group: 'example.com', kind: 'Backend', name: 'web-canary' }] }];
    assert.throws(() => renderWeights(route(rules), services, 10, 100, managed), TrafficRoutingError);
  });
});

describe('Gateway API render: in-progress label', () => {
  const label = { key: 'rollouts.argoproj.io/gatewayapi-canary', value: 'in-progress' };
  it('is set while the canary has weight and removed at 0', () => {
    const labelled = renderInProgressLabel(route([split()]), label, 20);
    assert.equal(labelled.metadata.labels?.[label.key], 'in-progress');
    assert.deepEqual(renderInProgressLabel(labelled, label, 0).metadata.labels, {});
  });
  it('is left alone when disabled', () => {
    const r = route([split()]);
    assert.equal(renderInProgressLabel(r, undefined, 20), r);
  });
});

describe('Gateway API render: header routes', () => {
  const step = (match?: Array<{ headerName: string; headerValue: Record<string, string> }>) => ({ name: 'header', ...(match ? { match } : {}) });

  it('header matches: exact as is, prefix and regex as regular expressions', () => {
    assert.deepEqual(headerMatch('x-v', { exact: '2' }), { type: 'Exact', name: 'x-v', value: '2' });
    assert.deepEqual(headerMatch('x-v', { prefix: 'v2.' }), { type: 'RegularExpression', name: 'x-v', value: 'v2\\..*' });
    assert.deepEqual(headerMatch('x-v', { regex: '^v[0-9]$' }), { type: 'RegularExpression', name: 'x-v', value: '^v[0-9]$' });
    assert.equal(headerMatch('x-v', {}), undefined);
  });

  it('adds a rule per split rule, named after the managed route, with its matches plus the headers and its filters', () => {
    const filters = [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'x-via', value: 'gw' }] } }];
    const user = [
      split({ matches: [{ path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'x-tenant', value: 'a' }] }], filters }),
      split({ backendRefs: [ref('web-stable', 100), ref('web-canary', 0, 8080)] }),
    ];
    const out = renderHeaderRoute(route(user), services, step([{ headerName: 'x-canary', headerValue: { exact: 'yes' } }]), managed);
    const rules = out.spec?.rules ?? [];
    assert.deepEqual(rules.slice(0, 2), user, 'the user\'s rules stay first and unchanged');
    assert.deepEqual(rules[2], {
      name: 'header',
      matches: [
        {
          path: { type: 'PathPrefix', value: '/api' },
          headers: [
            { type: 'Exact', name: 'x-tenant', value: 'a' },
            { type: 'Exact', name: 'x-canary', value: 'yes' },
          ],
        },
      ],
      filters,
      backendRefs: [{ group: '', kind: 'Service', name: 'web-canary', port: 80 }],
    });
    assert.deepEqual(rules[3], {
      name: 'header-1',
      matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'yes' }] }],
      filters: [],
      backendRefs: [{ group: '', kind: 'Service', name: 'web-canary', port: 8080 }],
    });
  });

  it('replaces its own rules when set again, and a step without match removes them', () => {
    const first = renderHeaderRoute(route([split(), split()]), services, step([{ headerName: 'x-a', headerValue: { exact: '1' } }]), managed);
    const second = renderHeaderRoute(first, services, step([{ headerName: 'x-b', headerValue: { exact: '2' } }]), managed);
    const rules = second.spec?.rules ?? [];
    assert.deepEqual(rules.map((r) => r.name), [undefined, undefined, 'header', 'header-1']);
    assert.deepEqual(rules[2]?.matches, [{ headers: [{ type: 'Exact', name: 'x-b', value: '2' }] }]);
    assert.deepEqual(renderHeaderRoute(second, services, step(), managed).spec?.rules, [split(), split()]);
  });

  it('keeps the rules of other managed routes', () => {
    const other = { name: 'other', backendRefs: [ref('web-canary')] };
    const out = renderHeaderRoute(route([split(), other]), services, step([{ headerName: 'x', headerValue: { exact: '1' } }]), new Set(['header', 'other']));
    assert.deepEqual(out.spec?.rules?.map((r) => r.name), [undefined, 'other', 'header']);
  });

  it('a route not listed in managedRoutes, or a route without a split rule, is refused', () => {
    const match = [{ headerName: 'x', headerValue: { exact: '1' } }];
    assert.throws(() => renderHeaderRoute(route([split()]), services, step(match), new Set()), /not listed in spec.strategy.canary.trafficRouting.managedRoutes/);
    assert.throws(() => renderHeaderRoute(route([{ backendRefs: [ref('web-stable')] }]), services, step(match), managed), /backendRef was not found/);
  });

  it('removing managed rules takes every rule named after a managed route and nothing else', () => {
    const rules = [split(), { name: 'header', backendRefs: [] }, { name: 'header-2', backendRefs: [] }, { name: 'header-x', backendRefs: [] }];
    assert.deepEqual(removeManagedRules(route(rules), managed).spec?.rules?.map((r) => r.name), [undefined, 'header-x']);
    const untouched = route([split()]);
    assert.equal(removeManagedRules(untouched, managed), untouched);
    assert.equal(isManagedRule({ name: 'header-10' }, managed), true);
    assert.equal(isManagedRule({ name: 'headers' }, managed), false);
  });
});
