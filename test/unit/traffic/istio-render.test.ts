import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderDestinationRule, type DestinationRule } from '../../../controller/traffic/istio/destination-rule.ts';
import {
  canaryTarget,
  orderRoutes,
  removeManagedRoutes,
  renderHeaderRoute,
  renderMirrorRoute,
} from '../../../controller/traffic/istio/managed-routes.ts';
import {
  parseVirtualServiceRef,
  renderWeights,
  type HTTPRoute,
  type IstioRouting,
  type L4Route,
  type RouteDestination,
  type VirtualService,
} from '../../../controller/traffic/istio/virtual-service.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import type { IstioVirtualService, WeightDestination } from '../../../controller/traffic/types.ts';
import { NAMESPACE } from './support/fixtures.ts';

const hostLevel: IstioRouting = { stableService: 'web-stable', canaryService: 'web-canary', managedRoutes: [] };
const subsetLevel: IstioRouting = {
  stableService: '',
  canaryService: '',
  destinationRule: { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
  managedRoutes: [],
};

const to = (host: string, weight?: number, extra: Record<string, unknown> = {}): RouteDestination => ({
  destination: { host, ...extra },
  ...(weight === undefined ? {} : { weight }),
});
const toSubset = (subset: string, weight?: number): RouteDestination => to('web', weight, { subset });

function vs(spec: VirtualService['spec'], name = 'web-vs'): VirtualService {
  return {
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name, namespace: NAMESPACE },
    spec: { hosts: ['web.shop.example.com'], gateways: ['public'], ...spec },
  };
}

const hostRoute = (name?: string, stable = 100, canary = 0): HTTPRoute => ({
  ...(name ? { name } : {}),
  route: [to('web-stable', stable), to('web-canary', canary)],
});

function weightsOf(route: HTTPRoute | L4Route | undefined): Record<string, number | undefined> {
  return Object.fromEntries((route?.route ?? []).map((d) => [d.destination?.subset ?? d.destination?.host ?? '', d.weight]));
}

function failsWith(fn: () => unknown, pattern: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof TrafficRoutingError && pattern.test(err.message));
}

describe('VirtualService references', () => {
  it('accept a name, Argo\'s name.namespace and namespace/name', () => {
    assert.deepEqual(parseVirtualServiceRef('web-vs', NAMESPACE), { namespace: NAMESPACE, name: 'web-vs' });
    assert.deepEqual(parseVirtualServiceRef('web-vs.mesh', NAMESPACE), { namespace: 'mesh', name: 'web-vs' });
    assert.deepEqual(parseVirtualServiceRef('mesh/web-vs', NAMESPACE), { namespace: 'mesh', name: 'web-vs' });
  });
});

describe('VirtualService weights', () => {
  const cases: {
    name: string;
    vs: VirtualService;
    ref?: Partial<IstioVirtualService>;
    routing?: IstioRouting;
    weight: number;
    additional?: WeightDestination[];
    expect: (out: VirtualService) => void;
  }[] = [
    {
      name: 'host-level, single unnamed route, routes omitted',
      vs: vs({ http: [hostRoute()] }),
      weight: 20,
      expect: (out) => assert.deepEqual(out.spec?.http, [{ route: [to('web-stable', 80), to('web-canary', 20)] }]),
    },
    {
      name: 'routes omitted and the single route named',
      vs: vs({ http: [hostRoute('primary')] }),
      weight: 35,
      expect: (out) => assert.deepEqual(weightsOf(out.spec?.http?.[0]), { 'web-stable': 65, 'web-canary': 35 }),
    },
    {
      name: 'named routes are weighted, other routes untouched',
      vs: vs({
        http: [
          { name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [to('admin', 100)] },
          hostRoute('primary'),
          hostRoute('secondary'),
        ],
      }),
      ref: { routes: ['primary', 'secondary'] },
      weight: 50,
      expect: (out) => {
        assert.deepEqual(out.spec?.http?.[0], { name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [to('admin', 100)] });
        assert.deepEqual(weightsOf(out.spec?.http?.[1]), { 'web-stable': 50, 'web-canary': 50 });
        assert.deepEqual(weightsOf(out.spec?.http?.[2]), { 'web-stable': 50, 'web-canary': 50 });
      },
    },
    {
      name: 'fully qualified hosts, ports and other destination fields are kept',
      vs: vs({
        http: [
          {
            name: 'primary',
            retries: { attempts: 3 },
            route: [
              to('web-stable.shop.svc.cluster.local', 100, { port: { number: 8080 } }),
              to('web-canary.shop.svc.cluster.local', 0, { port: { number: 8080 } }),
            ],
          },
        ],
      }),
      ref: { routes: ['primary'] },
      weight: 5,
      expect: (out) =>
        assert.deepEqual(out.spec?.http?.[0], {
          name: 'primary',
          retries: { attempts: 3 },
          route: [
            to('web-stable.shop.svc.cluster.local', 95, { port: { number: 8080 } }),
            to('web-canary.shop.svc.cluster.local', 5, { port: { number: 8080 } }),
          ],
        }),
    },
    {
      name: 'subset-level: destinations are told apart by subset',
      vs: vs({ http: [{ name: 'primary', route: [toSubset('stable', 100), toSubset('canary', 0)] }] }),
      ref: { routes: ['primary'] },
      routing: subsetLevel,
      weight: 30,
      expect: (out) => assert.deepEqual(out.spec?.http?.[0]?.route, [toSubset('stable', 70), toSubset('canary', 30)]),
    },
    {
      name: 'weight 100 sends everything to the canary',
      vs: vs({ http: [hostRoute('primary', 60, 40)] }),
      ref: { routes: ['primary'] },
      weight: 100,
      expect: (out) => assert.deepEqual(weightsOf(out.spec?.http?.[0]), { 'web-stable': 0, 'web-canary': 100 }),
    },
    {
      name: 'additional destinations (experiments) are added with their weights',
      vs: vs({ http: [hostRoute('primary')] }),
      ref: { routes: ['primary'] },
      weight: 20,
      additional: [
        { serviceName: 'web-exp-baseline', weight: 10 },
        { serviceName: 'web-exp-canary', weight: 10 },
      ],
      expect: (out) =>
        assert.deepEqual(out.spec?.http?.[0]?.route, [
          to('web-stable', 60),
          to('web-canary', 20),
          to('web-exp-baseline', 10),
          to('web-exp-canary', 10),
        ]),
    },
    {
      name: 'destinations of finished experiments are removed',
      vs: vs({ http: [{ name: 'primary', route: [to('web-stable', 60), to('web-canary', 20), to('web-exp-baseline', 20)] }] }),
      ref: { routes: ['primary'] },
      weight: 20,
      expect: (out) => assert.deepEqual(out.spec?.http?.[0]?.route, [to('web-stable', 80), to('web-canary', 20)]),
    },
    {
      name: 'TLS routes matched by port and SNI hosts, TCP routes by port',
      vs: vs({
        tls: [
          { match: [{ port: 443, sniHosts: ['a.example.com'] }], route: [to('other', 100)] },
          { match: [{ port: 443, sniHosts: ['b.example.com', 'web.example.com'] }], route: [to('web-stable', 100), to('web-canary', 0)] },
        ],
        tcp: [
          { match: [{ port: 5432 }], route: [to('db', 100)] },
          { match: [{ port: 9000 }], route: [to('web-stable', 100), to('web-canary', 0)] },
        ],
      }),
      ref: { tlsRoutes: [{ port: 443, sniHosts: ['web.example.com', 'b.example.com'] }], tcpRoutes: [{ port: 9000 }] },
      weight: 10,
      expect: (out) => {
        assert.deepEqual(weightsOf(out.spec?.tls?.[0]), { other: 100 });
        assert.deepEqual(weightsOf(out.spec?.tls?.[1]), { 'web-stable': 90, 'web-canary': 10 });
        assert.deepEqual(weightsOf(out.spec?.tcp?.[0]), { db: 100 });
        assert.deepEqual(weightsOf(out.spec?.tcp?.[1]), { 'web-stable': 90, 'web-canary': 10 });
      },
    },
    {
      name: 'a VirtualService with only TLS routes: the HTTP routes the Rollout names do not apply, as in Argo',
      vs: vs({ tls: [{ match: [{ port: 443, sniHosts: ['web.example.com'] }], route: [to('web-stable', 100), to('web-canary', 0)] }] }),
      ref: { routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['web.example.com'] }] },
      weight: 30,
      expect: (out) => {
        assert.equal(out.spec?.http, undefined);
        assert.deepEqual(weightsOf(out.spec?.tls?.[0]), { 'web-stable': 70, 'web-canary': 30 });
      },
    },
    {
      name: 'HTTP and a single TLS route, both omitted from the Rollout',
      vs: vs({ http: [hostRoute()], tls: [{ match: [{ port: 443 }], route: [to('web-stable', 100), to('web-canary', 0)] }] }),
      weight: 25,
      expect: (out) => {
        assert.deepEqual(weightsOf(out.spec?.http?.[0]), { 'web-stable': 75, 'web-canary': 25 });
        assert.deepEqual(weightsOf(out.spec?.tls?.[0]), { 'web-stable': 75, 'web-canary': 25 });
      },
    },
    {
      name: 'an empty http list next to a TCP route',
      vs: vs({ http: [], tcp: [{ route: [to('web-stable', 100), to('web-canary', 0)] }] }),
      weight: 45,
      expect: (out) => {
        assert.deepEqual(out.spec?.http, []);
        assert.deepEqual(weightsOf(out.spec?.tcp?.[0]), { 'web-stable': 55, 'web-canary': 45 });
      },
    },
    {
      name: 'managed mirror routes follow the weight, managed header routes do not',
      vs: vs({
        http: [
          { name: 'beta', match: [{ headers: { 'x-beta': { exact: '1' } } }], route: [to('web-canary', 100)] },
          { name: 'mirror', match: [{ method: { exact: 'GET' } }], route: [to('web-stable', 90), to('web-canary', 10)], mirror: { host: 'web-canary' } },
          hostRoute('primary', 90, 10),
        ],
      }),
      ref: { routes: ['primary'] },
      routing: { ...hostLevel, managedRoutes: [{ name: 'beta' }, { name: 'mirror' }] },
      weight: 40,
      expect: (out) => {
        assert.deepEqual(weightsOf(out.spec?.http?.[0]), { 'web-canary': 100 });
        assert.deepEqual(weightsOf(out.spec?.http?.[1]), { 'web-stable': 60, 'web-canary': 40 });
        assert.deepEqual(weightsOf(out.spec?.http?.[2]), { 'web-stable': 60, 'web-canary': 40 });
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const before = structuredClone(c.vs);
      const out = renderWeights(c.vs, { name: 'web-vs', ...c.ref }, c.routing ?? hostLevel, c.weight, c.additional);
      c.expect(out);
      assert.deepEqual(c.vs, before, 'the VirtualService read is not modified');
      assert.deepEqual(out.spec?.hosts, ['web.shop.example.com'], 'fields the Rollout does not own are kept');
      for (const route of [...(out.spec?.http ?? []), ...(out.spec?.tls ?? []), ...(out.spec?.tcp ?? [])]) {
        const weights = (route.route ?? []).map((d) => d.weight ?? 0);
        if (weights.length > 1) assert.equal(weights.reduce((a, b) => a + b, 0), 100, 'weights sum to 100');
      }
    });
  }

  it('rendering again at the same weight changes nothing', () => {
    const once = renderWeights(vs({ http: [hostRoute('primary')] }), { name: 'web-vs' }, hostLevel, 15);
    assert.deepEqual(renderWeights(once, { name: 'web-vs' }, hostLevel, 15), once);
  });
});

describe('VirtualService weight errors', () => {
  const ref = { name: 'web-vs', routes: ['primary'] };
  const cases: { name: string; run: () => unknown; error: RegExp }[] = [
    {
      name: 'a route named in the Rollout but absent from the VirtualService',
      run: () => renderWeights(vs({ http: [hostRoute('main')] }), ref, hostLevel, 10),
      error: /VirtualService shop\/web-vs: HTTP Route 'primary' is not found in the defined Virtual Service/,
    },
    {
      name: 'a route named in the Rollout but the VirtualService has an empty spec.http',
      run: () => renderWeights(vs({ http: [], tcp: [{ route: [to('web-stable', 100), to('web-canary', 0)] }] }), ref, hostLevel, 10),
      error: /HTTP Route 'primary' is not found .* spec.http is empty/,
    },
    {
      name: 'routes omitted but the VirtualService has several',
      run: () => renderWeights(vs({ http: [hostRoute('a'), hostRoute('b')] }), { name: 'web-vs' }, hostLevel, 10),
      error: /must have exactly one route when omitting .*virtualService.routes \(found 2\)/,
    },
    {
      name: 'the canary Service is missing from a weighted route',
      run: () => renderWeights(vs({ http: [{ name: 'primary', route: [to('web-stable', 100)] }] }), ref, hostLevel, 10),
      error: /Canary Service 'web-canary' not found in route http\[0\] 'primary'/,
    },
    {
      name: 'the stable subset is missing from a weighted route',
      run: () => renderWeights(vs({ http: [{ name: 'primary', route: [toSubset('canary', 0), to('web', 100)] }] }), ref, subsetLevel, 10),
      error: /Stable DestinationRule subset 'stable' not found in route/,
    },
    {
      name: 'no TLS route matches the Rollout\'s tlsRoutes',
      run: () =>
        renderWeights(
          vs({ tls: [{ match: [{ port: 443, sniHosts: ['a.example.com'] }], route: [to('web-stable', 100), to('web-canary', 0)] }] }),
          { name: 'web-vs', tlsRoutes: [{ port: 8443 }] },
          hostLevel,
          10,
        ),
      error: /No matching TLS routes found in the defined Virtual Service/,
    },
    {
      name: 'a weight above 100',
      run: () => renderWeights(vs({ http: [hostRoute('primary')] }), ref, hostLevel, 90, [{ serviceName: 'exp', weight: 20 }]),
      error: /add up to at most 100/,
    },
  ];
  for (const c of cases) it(c.name, () => failsWith(c.run, c.error));
});

describe('routes omitted and no HTTP route to weight, as Argo accepts', () => {
  const cases: { name: string; spec: Parameters<typeof vs>[0] }[] = [
    { name: 'an empty spec.http', spec: { http: [] } },
    { name: 'no routes at all', spec: {} },
    { name: 'only the Rollout\'s own managed routes', spec: { http: [{ name: 'beta-header', route: [to('web-canary', 100)] }] } },
  ];
  for (const c of cases) {
    it(`${c.name}: the VirtualService is left as it is`, () => {
      const before = vs(c.spec);
      assert.deepEqual(renderWeights(before, { name: 'web-vs' }, { ...hostLevel, managedRoutes: [{ name: 'beta-header' }] }, 30), before);
    });
  }
  it('one own route beside the managed ones is the one weighted', () => {
    const out = renderWeights(vs({ http: [{ name: 'beta-header', route: [to('web-canary', 100)] }, hostRoute('primary')] }), { name: 'web-vs' }, { ...hostLevel, managedRoutes: [{ name: 'beta-header' }] }, 30);
    assert.deepEqual(out.spec?.http?.[1]?.route?.map((d) => d.weight), [70, 30]);
    assert.deepEqual(out.spec?.http?.[0]?.route?.map((d) => d.weight), [100]);
  });
});

describe('managed routes', () => {
  const managedRoutes = [{ name: 'beta-header' }, { name: 'mirror-get' }];
  const routing: IstioRouting = { ...hostLevel, managedRoutes };
  const ref = { name: 'web-vs', routes: ['primary'] };
  const admin: HTTPRoute = { name: 'admin', match: [{ uri: { prefix: '/admin' } }], route: [to('admin', 100)] };
  const primary: HTTPRoute = {
    name: 'primary',
    route: [to('web-stable', 80, { port: { number: 8080 } }), to('web-canary', 20, { port: { number: 8080 } })],
  };
  const original = vs({ http: [admin, primary] });

  const header = {
    name: 'beta-header',
    match: [
      { headerName: 'x-beta', headerValue: { exact: 'yes' } },
      { headerName: 'user-agent', headerValue: { regex: '.*Firefox.*' } },
      { headerName: 'x-version', headerValue: { prefix: '2.' } },
    ],
  };
  const mirror = {
    name: 'mirror-get',
    percentage: 35,
    match: [{ method: { exact: 'GET' }, path: { prefix: '/api' }, headers: { 'x-mirror': { exact: 'on' } } }],
  };

  it('a header route sends each matching header to the canary, above the user\'s routes', () => {
    const out = renderHeaderRoute(original, ref, routing, header, canaryTarget(routing, undefined));
    assert.deepEqual(out.spec?.http, [
      {
        name: 'beta-header',
        match: [
          { headers: { 'x-beta': { exact: 'yes' } } },
          { headers: { 'user-agent': { regex: '.*Firefox.*' } } },
          { headers: { 'x-version': { prefix: '2.' } } },
        ],
        route: [{ destination: { host: 'web-canary', port: { number: 8080 } }, weight: 100 }],
      },
      admin,
      primary,
    ]);
  });

  it('a subset-level header route targets the DestinationRule host and canary subset', () => {
    const subsetRouting = { ...subsetLevel, managedRoutes };
    const vsSubset = vs({ http: [{ name: 'primary', route: [toSubset('stable', 100), toSubset('canary', 0)] }] });
    const out = renderHeaderRoute(vsSubset, ref, subsetRouting, header, canaryTarget(subsetRouting, 'web.shop.svc.cluster.local'));
    assert.deepEqual(out.spec?.http?.[0]?.route, [{ destination: { host: 'web.shop.svc.cluster.local', subset: 'canary' }, weight: 100 }]);
  });

  it('a mirror route keeps the primary split and mirrors a percentage to the canary', () => {
    const out = renderMirrorRoute(original, ref, routing, mirror, canaryTarget(routing, undefined));
    assert.deepEqual(out.spec?.http?.[0], {
      name: 'mirror-get',
      match: [{ method: { exact: 'GET' }, uri: { prefix: '/api' }, headers: { 'x-mirror': { exact: 'on' } } }],
      route: primary.route,
      mirror: { host: 'web-canary', port: { number: 8080 } },
      mirrorPercentage: { value: 35 },
    });
    assert.deepEqual(out.spec?.http?.slice(1), [admin, primary]);
  });

  it('a mirror route without percentage mirrors everything that matches', () => {
    const out = renderMirrorRoute(original, ref, routing, { name: 'mirror-get', match: [{ method: { exact: 'POST' } }] }, canaryTarget(routing, undefined));
    assert.deepEqual(out.spec?.http?.[0]?.mirrorPercentage, { value: 100 });
  });

  it('managed routes sit in managedRoutes order whichever was set first', () => {
    const target = canaryTarget(routing, undefined);
    const mirrorFirst = renderHeaderRoute(renderMirrorRoute(original, ref, routing, mirror, target), ref, routing, header, target);
    const headerFirst = renderMirrorRoute(renderHeaderRoute(original, ref, routing, header, target), ref, routing, mirror, target);
    for (const out of [mirrorFirst, headerFirst]) {
      assert.deepEqual(
        out.spec?.http?.map((r) => r.name),
        ['beta-header', 'mirror-get', 'admin', 'primary'],
      );
    }
    assert.deepEqual(mirrorFirst, headerFirst);
  });

  it('setting the same route twice changes nothing; a new match replaces the old one', () => {
    const target = canaryTarget(routing, undefined);
    const once = renderHeaderRoute(original, ref, routing, header, target);
    assert.deepEqual(renderHeaderRoute(once, ref, routing, header, target), once);
    const changed = renderHeaderRoute(once, ref, routing, { name: 'beta-header', match: [{ headerName: 'x-new', headerValue: { exact: '1' } }] }, target);
    assert.equal(changed.spec?.http?.filter((r) => r.name === 'beta-header').length, 1);
    assert.deepEqual(changed.spec?.http?.[0]?.match, [{ headers: { 'x-new': { exact: '1' } } }]);
  });

  it('a step without match removes the route', () => {
    const target = canaryTarget(routing, undefined);
    const withRoutes = renderMirrorRoute(renderHeaderRoute(original, ref, routing, header, target), ref, routing, mirror, target);
    const out = renderHeaderRoute(withRoutes, ref, routing, { name: 'beta-header' }, target);
    assert.deepEqual(
      out.spec?.http?.map((r) => r.name),
      ['mirror-get', 'admin', 'primary'],
    );
  });

  it('removing managed routes restores the user\'s routes exactly', () => {
    const target = canaryTarget(routing, undefined);
    const withRoutes = renderMirrorRoute(renderHeaderRoute(original, ref, routing, header, target), ref, routing, mirror, target);
    assert.deepEqual(removeManagedRoutes(withRoutes, managedRoutes), original);
    assert.deepEqual(removeManagedRoutes(original, managedRoutes), original, 'nothing to remove');
  });

  it('refuses a route not listed in managedRoutes', () => {
    failsWith(
      () => renderHeaderRoute(original, ref, { ...hostLevel, managedRoutes: [] }, header, canaryTarget(hostLevel, undefined)),
      /setHeaderRoute 'beta-header' is not listed in spec.strategy.canary.trafficRouting.managedRoutes/,
    );
  });

  it('refuses a managed route named like a weighted route, which would replace it', () => {
    failsWith(
      () =>
        renderMirrorRoute(original, ref, { ...hostLevel, managedRoutes: [{ name: 'primary' }] }, { name: 'primary', match: [{}] }, canaryTarget(hostLevel, undefined)),
      /has the name of a route the Rollout weights/,
    );
  });

  it('refuses a managed route on a VirtualService without HTTP routes', () => {
    failsWith(
      () => renderHeaderRoute(vs({ tcp: [] }), { name: 'web-vs' }, routing, header, canaryTarget(routing, undefined)),
      /needs HTTP routes but the VirtualService has no spec.http/,
    );
  });

  it('orderRoutes leaves routes alone without managedRoutes', () => {
    const http = [admin, primary];
    assert.equal(orderRoutes(http, []), http);
  });
});

describe('DestinationRule subsets', () => {
  const spec = { name: 'web-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' };
  const dr = (subsets: unknown[]): DestinationRule => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'DestinationRule',
    metadata: { name: 'web-dr', namespace: NAMESPACE, annotations: { team: 'payments' } },
    spec: { host: 'web', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } }, subsets: subsets as never },
  });

  it('labels the canary and stable subsets with their hashes and marks the rule as managed', () => {
    const out = renderDestinationRule(
      dr([
        { name: 'stable', labels: { app: 'web' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
        { name: 'canary', labels: { app: 'web' } },
      ]),
      spec,
      'web',
      'c4n4ry',
      '5t4b1e',
    );
    assert.deepEqual(out, {
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'DestinationRule',
      metadata: {
        name: 'web-dr',
        namespace: NAMESPACE,
        annotations: { team: 'payments', 'argo-rollouts.argoproj.io/managed-by-rollouts': 'web' },
      },
      spec: {
        host: 'web',
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        subsets: [
          { name: 'stable', labels: { app: 'web', 'rollouts-pod-template-hash': '5t4b1e' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } },
          { name: 'canary', labels: { app: 'web', 'rollouts-pod-template-hash': 'c4n4ry' } },
        ],
      },
    });
  });

  it('an empty hash removes the label', () => {
    const out = renderDestinationRule(
      dr([
        { name: 'stable', labels: { 'rollouts-pod-template-hash': 'old' } },
        { name: 'canary', labels: { 'rollouts-pod-template-hash': 'old' } },
      ]),
      spec,
      'web',
      '',
      '5t4b1e',
    );
    assert.deepEqual(out.spec?.subsets, [{ name: 'stable', labels: { 'rollouts-pod-template-hash': '5t4b1e' } }, { name: 'canary' }]);
  });

  it('adds subsets for additional destinations and drops the rest, as Argo', () => {
    const out = renderDestinationRule(
      dr([{ name: 'stable' }, { name: 'canary' }, { name: 'old-experiment', labels: { 'rollouts-pod-template-hash': 'x' } }]),
      spec,
      'web',
      'c',
      's',
      [{ serviceName: 'web-exp', podTemplateHash: 'e', weight: 10 }],
    );
    assert.deepEqual(
      out.spec?.subsets?.map((s) => [s.name, s.labels?.['rollouts-pod-template-hash']]),
      [
        ['stable', 's'],
        ['canary', 'c'],
        ['web-exp', 'e'],
      ],
    );
  });

  it('names the subset missing from the DestinationRule', () => {
    failsWith(
      () => renderDestinationRule(dr([{ name: 'stable' }]), spec, 'web', 'c', 's'),
      /DestinationRule shop\/web-dr has no subset named 'canary'/,
    );
  });
});
