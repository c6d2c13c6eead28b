import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activeHeaderRoute,
  canaryIngressName,
  canaryIngressPatch,
  canaryWeightVerified,
  nginxHeaderRoute,
  renderCanaryIngress,
  type Ingress,
  type NginxHeaderRoute,
} from '../../../controller/traffic/nginx/render.ts';
import { TrafficRoutingError } from '../../../controller/traffic/router.ts';
import { routingTarget } from '../../../controller/traffic/target.ts';
import type { NginxTrafficRouting, RolloutTrafficRouting } from '../../../controller/traffic/types.ts';
import { NAMESPACE, ROLLOUT_UID, backend, rollout, stableIngress } from './support/fixtures.ts';

const owner = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  name: 'web',
  uid: ROLLOUT_UID,
  controller: true,
  blockOwnerDeletion: true,
};

function render(
  nginx: NginxTrafficRouting,
  stable: Ingress,
  weight: number,
  headerRoute: NginxHeaderRoute | null = null,
  extra: Partial<RolloutTrafficRouting> = {},
): Ingress {
  const target = routingTarget(rollout({ nginx, ...extra }));
  return renderCanaryIngress(
    { target, nginx, stableIngressName: stable.metadata.name, maxTrafficWeight: extra.maxTrafficWeight },
    stable,
    weight,
    headerRoute,
  );
}

describe('canary Ingress name', () => {
  it('is <rollout>-<stableIngress>-canary', () => {
    assert.equal(canaryIngressName('web', 'web-ingress'), 'web-web-ingress-canary');
  });

  it('cuts the prefix so the name stays within 253 characters and keeps the -canary suffix', () => {
    const name = canaryIngressName('r'.repeat(200), 'i'.repeat(200));
    assert.equal(name.length, 253);
    assert.ok(name.endsWith('-canary'));
    assert.equal(name, `${'r'.repeat(200)}-${'i'.repeat(45)}-canary`);
  });
});

describe('canary Ingress rendering', () => {
  const base = stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });
  const cases: {
    name: string;
    nginx: NginxTrafficRouting;
    stable: Ingress;
    weight: number;
    extra?: Partial<RolloutTrafficRouting>;
    annotations: Record<string, string>;
    spec?: unknown;
  }[] = [
    {
      name: 'weight 0 with the default prefix',
      nginx: { stableIngress: 'web-ingress' },
      stable: base,
      weight: 0,
      annotations: {
        'kubernetes.io/ingress.class': 'nginx',
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '0',
        'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
      },
    },
    {
      name: 'weight 25 with a custom prefix, additional and canary annotations',
      nginx: {
        stableIngress: 'web-ingress',
        annotationPrefix: 'custom.nginx.io',
        additionalIngressAnnotations: { 'canary-by-cookie': 'beta', 'custom.nginx.io/load-balance': 'ewma' },
        canaryIngressAnnotations: { 'team.example.com/owner': 'payments' },
      },
      stable: base,
      weight: 25,
      annotations: {
        'kubernetes.io/ingress.class': 'nginx',
        'custom.nginx.io/canary-by-cookie': 'beta',
        'custom.nginx.io/load-balance': 'ewma',
        'team.example.com/owner': 'payments',
        'custom.nginx.io/canary': 'true',
        'custom.nginx.io/canary-weight': '25',
        'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
      },
    },
    {
      name: 'additional annotations cannot override canary and canary-weight',
      nginx: { stableIngress: 'web-ingress', additionalIngressAnnotations: { canary: 'false', 'canary-weight': '99' } },
      stable: base,
      weight: 10,
      annotations: {
        'kubernetes.io/ingress.class': 'nginx',
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '10',
        'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
      },
    },
    {
      name: 'maxTrafficWeight adds canary-weight-total',
      nginx: { stableIngress: 'web-ingress' },
      stable: base,
      weight: 250,
      extra: { maxTrafficWeight: 1000 },
      annotations: {
        'kubernetes.io/ingress.class': 'nginx',
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '250',
        'nginx.ingress.kubernetes.io/canary-weight-total': '1000',
        'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
      },
    },
    {
      name: 'copies only rules reaching the stable Service, with ingressClassName and tls, and no other annotations',
      nginx: { stableIngress: 'web-ingress' },
      stable: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web-ingress', namespace: NAMESPACE, annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
        spec: {
          ingressClassName: 'nginx',
          defaultBackend: backend('fallback'),
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [
                  { path: '/', pathType: 'Prefix', backend: backend('web-stable') },
                  { path: '/static', pathType: 'Prefix', backend: backend('assets') },
                ],
              },
            },
            { host: 'admin.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('admin') }] } },
            { host: 'api.example.com', http: { paths: [{ path: '/v1', pathType: 'Exact', backend: backend('web-stable', 8080) }] } },
          ],
        },
      },
      weight: 5,
      annotations: {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '5',
        'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
      },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: backend('web-canary') },
                { path: '/static', pathType: 'Prefix', backend: backend('assets') },
              ],
            },
          },
          { host: 'api.example.com', http: { paths: [{ path: '/v1', pathType: 'Exact', backend: backend('web-canary', 8080) }] } },
        ],
      },
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const canary = render(c.nginx, c.stable, c.weight, null, c.extra);
      assert.deepEqual(canary, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: {
          name: `web-${c.stable.metadata.name}-canary`,
          namespace: NAMESPACE,
          annotations: c.annotations,
          ownerReferences: [owner],
        },
        spec: c.spec ?? {
          rules: [
            { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web-canary') }] } },
          ],
        },
      });
    });
  }

  it('leaves the stable Ingress untouched', () => {
    const stable = stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });
    const before = structuredClone(stable);
    render({ stableIngress: 'web-ingress' }, stable, 30);
    assert.deepEqual(stable, before);
  });

  it('fails when the stable Ingress does not route to the stable Service', () => {
    const stable = stableIngress('web-ingress', { 'shop.example.com': 'something-else' });
    assert.throws(
      () => render({ stableIngress: 'web-ingress' }, stable, 10),
      (err: unknown) =>
        err instanceof TrafficRoutingError &&
        err.message.startsWith('ingress `web-ingress` has no rules using service web-stable backend') &&
        err.object?.name === 'web-ingress',
    );
  });
});

describe('NGINX header routes', () => {
  const prefix = 'nginx.ingress.kubernetes.io';
  const cases: { name: string; value: { exact?: string; prefix?: string; regex?: string }; annotations: Record<string, string> }[] = [
    {
      name: 'exact value becomes canary-by-header-value',
      value: { exact: 'beta' },
      annotations: { [`${prefix}/canary-by-header`]: 'X-Canary', [`${prefix}/canary-by-header-value`]: 'beta' },
    },
    {
      name: 'prefix becomes an anchored, escaped pattern',
      value: { prefix: '2.0.' },
      annotations: { [`${prefix}/canary-by-header`]: 'X-Canary', [`${prefix}/canary-by-header-pattern`]: '^2\\.0\\.' },
    },
    {
      name: 'regex becomes a pattern that must match the whole value',
      value: { regex: 'firefox|chrome' },
      annotations: { [`${prefix}/canary-by-header`]: 'X-Canary', [`${prefix}/canary-by-header-pattern`]: '^(?:firefox|chrome)$' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const route = nginxHeaderRoute(prefix, { name: 'beta-users', match: [{ headerName: 'X-Canary', headerValue: c.value }] });
      assert.deepEqual(route, { name: 'beta-users', annotations: c.annotations });
    });
  }

  it('a route without match removes the route', () => {
    assert.equal(nginxHeaderRoute(prefix, { name: 'beta-users' }), null);
    assert.equal(nginxHeaderRoute(prefix, { name: 'beta-users', match: [] }), null);
  });

  it('refuses more than one header, since NGINX routes by a single header', () => {
    assert.throws(
      () =>
        nginxHeaderRoute(prefix, {
          name: 'r',
          match: [
            { headerName: 'a', headerValue: { exact: '1' } },
            { headerName: 'b', headerValue: { exact: '2' } },
          ],
        }),
      /can route by one header only/,
    );
  });

  it('refuses a header value with no or several match kinds', () => {
    assert.throws(() => nginxHeaderRoute(prefix, { name: 'r', match: [{ headerName: 'a', headerValue: {} }] }), /exactly one of/);
    assert.throws(
      () => nginxHeaderRoute(prefix, { name: 'r', match: [{ headerName: 'a', headerValue: { exact: '1', regex: '1' } }] }),
      /exactly one of/,
    );
  });

  it('replaces header annotations from additionalIngressAnnotations and names the route on the Ingress', () => {
    const stable = stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });
    const route = nginxHeaderRoute(prefix, { name: 'beta-users', match: [{ headerName: 'X-Beta', headerValue: { regex: 'yes' } }] });
    const canary = render(
      { stableIngress: 'web-ingress', additionalIngressAnnotations: { 'canary-by-header': 'X-Old', 'canary-by-header-value': 'old' } },
      stable,
      40,
      route,
    );
    assert.deepEqual(canary.metadata.annotations, {
      'kubernetes.io/ingress.class': 'nginx',
      [`${prefix}/canary-by-header`]: 'X-Beta',
      [`${prefix}/canary-by-header-pattern`]: '^(?:yes)$',
      'rollouts.argoproj.io/managed-header-route': 'beta-users',
      [`${prefix}/canary`]: 'true',
      [`${prefix}/canary-weight`]: '40',
      'argo-rollouts.argoproj.io/managed-by-rollouts': 'web',
    });
    assert.deepEqual(activeHeaderRoute(prefix, canary), route);
  });

  it('a canary Ingress without the route marker carries no managed header route', () => {
    const stable = stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });
    const canary = render({ stableIngress: 'web-ingress', additionalIngressAnnotations: { 'canary-by-header': 'X-Static' } }, stable, 0);
    assert.equal(activeHeaderRoute(prefix, canary), null);
    assert.equal(activeHeaderRoute(prefix, null), null);
  });
});

describe('canary Ingress patch and verification', () => {
  const stable = stableIngress('web-ingress', { 'shop.example.com': 'web-stable' });
  const nginx = { stableIngress: 'web-ingress' };

  it('no patch when the canary Ingress is already as desired, whatever the server added', () => {
    const desired = render(nginx, stable, 20);
    const current = structuredClone(desired);
    current.metadata.resourceVersion = '42';
    current.metadata.uid = 'abc';
    current.status = { loadBalancer: {} };
    assert.equal(canaryIngressPatch(current, desired), null);
  });

  it('patches only the weight when only the weight changes', () => {
    const current = render(nginx, stable, 20);
    assert.deepEqual(canaryIngressPatch(current, render(nginx, stable, 50)), {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '50' } },
    });
  });

  it('removes annotations and labels the Rollout no longer asks for', () => {
    const current = render({ ...nginx, additionalIngressAnnotations: { 'canary-by-cookie': 'beta' } }, stable, 20);
    current.metadata.labels = { stray: 'yes' };
    assert.deepEqual(canaryIngressPatch(current, render(nginx, stable, 20)), {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/canary-by-cookie': null }, labels: { stray: null } },
    });
  });

  it('verifies the weight and the weight total', () => {
    const prefix = 'nginx.ingress.kubernetes.io';
    const canary = render(nginx, stable, 30);
    assert.equal(canaryWeightVerified(prefix, canary, 30, undefined), true);
    assert.equal(canaryWeightVerified(prefix, canary, 31, undefined), false);
    assert.equal(canaryWeightVerified(prefix, canary, 30, 1000), false);
    assert.equal(canaryWeightVerified(prefix, render(nginx, stable, 300, null, { maxTrafficWeight: 1000 }), 300, 1000), true);
    assert.equal(canaryWeightVerified(prefix, null, 0, undefined), false);
  });
});
