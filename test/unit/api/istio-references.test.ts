import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateRollout, type Rollout } from '../../../controller/api/index.ts';
import { validateIstioReferences, type IstioObject, type IstioReferences } from '../../../controller/api/validation/references.ts';

function canaryRollout(trafficRouting: Record<string, unknown>): Rollout {
  const result = validateRollout({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'guestbook' },
    spec: {
      selector: { matchLabels: { app: 'guestbook' } },
      template: { metadata: { labels: { app: 'guestbook' } }, spec: { containers: [{ name: 'app', image: 'guestbook:v1' }] } },
      strategy: { canary: { canaryService: 'guestbook-canary', stableService: 'guestbook-stable', trafficRouting } },
    },
  });
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.rollout;
}

const vs = (name: string, routes: string[]): IstioObject => ({ metadata: { name }, spec: { http: routes.map((r) => ({ name: r })) } });
const dr = (name: string, subsets: string[]): IstioObject => ({ metadata: { name }, spec: { subsets: subsets.map((s) => ({ name: s })) } });
const refs = (vss: Array<[string, IstioObject]>, drs: Array<[string, IstioObject]> = []): IstioReferences => ({ virtualServices: new Map(vss), destinationRules: new Map(drs) });
const lines = (rollout: Rollout, r: IstioReferences) => validateIstioReferences(rollout, r).map((e) => `${e.field}: ${e.message}`);

const single = { istio: { virtualService: { name: 'guestbook-vs', routes: ['primary'] } } };
const subset = {
  istio: {
    virtualService: { name: 'guestbook-vs', routes: ['primary'] },
    destinationRule: { name: 'guestbook-dr', canarySubsetName: 'canary', stableSubsetName: 'stable' },
  },
};

describe('validateIstioReferences (Argo GetReferencedVirtualServices, ValidateVirtualService)', () => {
  const cases: Array<{ name: string; trafficRouting: Record<string, unknown>; refs: IstioReferences; want: string[] }> = [
    { name: 'a VirtualService holding the named route is valid', trafficRouting: single, refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary'])]]), want: [] },
    {
      name: 'a missing VirtualService names virtualService.name with the apiserver NotFound text',
      trafficRouting: single,
      refs: refs([]),
      want: ['spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "guestbook-vs": virtualservices.networking.istio.io "guestbook-vs" not found'],
    },
    {
      name: 'a missing one of virtualServices names virtualServices.name, the namespace cut from the name',
      trafficRouting: { istio: { virtualServices: [{ name: 'a-vs', routes: ['primary'] }, { name: 'b-vs.other', routes: ['primary'] }] } },
      refs: refs([['a-vs', vs('a-vs', ['primary'])]]),
      want: ['spec.strategy.canary.trafficRouting.istio.virtualServices.name: Invalid value: "b-vs": virtualservices.networking.istio.io "b-vs" not found'],
    },
    {
      name: 'a route name the VirtualService lacks',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs', routes: ['primary', 'secondary'] } } },
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary'])]]),
      want: [
        'spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "guestbook-vs": Istio VirtualService has invalid HTTP routes. Error: HTTP Route \'secondary\' is not found in the defined Virtual Service.',
      ],
    },
    {
      name: 'a VirtualService with only TLS routes is valid whatever routes names, as in Argo',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs', routes: ['primary'], tlsRoutes: [{ port: 443, sniHosts: ['guestbook.example.com'] }] } } },
      refs: refs([['guestbook-vs', { metadata: { name: 'guestbook-vs' }, spec: { tls: [{ match: [{ port: 443, sniHosts: ['guestbook.example.com'] }] }] } }]]),
      want: [],
    },
    {
      name: 'routes omitted: the VirtualService needs exactly one route besides the managed ones',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs' } }, managedRoutes: [{ name: 'header' }] },
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary', 'other', 'header'])]]),
      want: [
        'spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "guestbook-vs": Istio VirtualService has invalid HTTP routes. Error: spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes',
      ],
    },
    {
      name: 'routes omitted and no HTTP route besides the managed ones is valid, as in Argo (nothing to weight there)',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs' } }, managedRoutes: [{ name: 'header' }] },
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['header'])]]),
      want: [],
    },
    {
      name: 'routes omitted and an empty spec.http is valid, as in Argo',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs' } } },
      refs: refs([['guestbook-vs', vs('guestbook-vs', [])]]),
      want: [],
    },
    {
      name: 'routes omitted with a single own route and a managed one is valid',
      trafficRouting: { istio: { virtualService: { name: 'guestbook-vs' } }, managedRoutes: [{ name: 'header' }] },
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary', 'header'])]]),
      want: [],
    },
    {
      name: 'a DestinationRule with both subsets is valid',
      trafficRouting: subset,
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary'])]], [['guestbook-dr', dr('guestbook-dr', ['stable', 'canary'])]]),
      want: [],
    },
    {
      name: 'a missing DestinationRule names destinationRule.name',
      trafficRouting: subset,
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary'])]]),
      want: ['spec.strategy.canary.trafficRouting.istio.destinationRule.name: Invalid value: "guestbook-dr": destinationrules.networking.istio.io "guestbook-dr" not found'],
    },
    {
      name: 'a missing subset names its field',
      trafficRouting: subset,
      refs: refs([['guestbook-vs', vs('guestbook-vs', ['primary'])]], [['guestbook-dr', dr('guestbook-dr', ['stable'])]]),
      want: ['spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName: Invalid value: "canary": subset \'canary\' is not found in DestinationRule \'guestbook-dr\''],
    },
    {
      name: 'both missing: the VirtualService and the DestinationRule are each reported',
      trafficRouting: subset,
      refs: refs([]),
      want: [
        'spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "guestbook-vs": virtualservices.networking.istio.io "guestbook-vs" not found',
        'spec.strategy.canary.trafficRouting.istio.destinationRule.name: Invalid value: "guestbook-dr": destinationrules.networking.istio.io "guestbook-dr" not found',
      ],
    },
    { name: 'a canary without Istio routing has nothing to check', trafficRouting: { nginx: { stableIngress: 'web' } }, refs: refs([]), want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(lines(canaryRollout(c.trafficRouting), c.refs), c.want));
  }
});
