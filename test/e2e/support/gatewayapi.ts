import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { GATEWAY_GRPC_ROUTES, GATEWAY_HTTP_ROUTES, GATEWAY_TCP_ROUTES, apiVersionOf, type KubeObject, type ResourceType } from '../../../controller/kube/resources.ts';
import { service } from '../../support/rollouts.ts';
import { APP, checkServices, HEADER_ROUTE, type Provider } from './canary.ts';

/**
 * The Gateway API router's walks: an HTTPRoute, a GRPCRoute or a TCPRoute whose one rule splits
 * between the two Services, configured as for Argo's gatewayAPI plugin.
 */

const IN_PROGRESS_LABEL = 'rollouts.argoproj.io/gatewayapi-canary';

interface Rule {
  name?: string;
  matches?: unknown[];
  backendRefs?: Array<{ name?: string; weight?: number }>;
}
interface RouteLike extends KubeObject {
  spec?: { rules?: Rule[] };
}

type RouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute';

/** Per kind: its resource, the plugin's field for it, and the user rule's match (TCP routes match nothing). */
const KINDS: Record<RouteKind, { type: ResourceType; field: string; match?: Record<string, unknown>; headers: boolean }> = {
  HTTPRoute: { type: GATEWAY_HTTP_ROUTES, field: 'httpRoutes', match: { path: { type: 'PathPrefix', value: '/' } }, headers: true },
  GRPCRoute: { type: GATEWAY_GRPC_ROUTES, field: 'grpcRoutes', match: { method: { type: 'Exact', service: 'shop.Cart' } }, headers: true },
  TCPRoute: { type: GATEWAY_TCP_ROUTES, field: 'tcpRoutes', headers: false },
};

const readRoute = (c: KubeClient, ns: string, kind: RouteKind): Promise<RouteLike> => c.get<RouteLike>(KINDS[kind].type, ns, `${APP}-route`);

export function gatewayRouteProvider(kind: RouteKind): Provider {
  const { type, field, match, headers } = KINDS[kind];
  const provider: Provider = {
    name: `Gateway API ${kind}`,
    canary: {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      abortScaleDownDelaySeconds: 2,
      trafficRouting: { plugins: { 'argoproj-labs/gatewayAPI': { [field]: [{ name: `${APP}-route`, ...(headers ? { useHeaderRoutes: true } : {}) }] } } },
    },
    objects: [
      service(`${APP}-stable`, APP),
      service(`${APP}-canary`, APP),
      {
        apiVersion: apiVersionOf(type),
        kind,
        metadata: { name: `${APP}-route` },
        spec: {
          parentRefs: [{ name: 'gateway' }],
          rules: [
            {
              ...(match ? { matches: [match] } : {}),
              backendRefs: [
                { kind: 'Service', name: `${APP}-stable`, port: 80, weight: 100 },
                { kind: 'Service', name: `${APP}-canary`, port: 80, weight: 0 },
              ],
            },
          ],
        },
      } as KubeObject,
    ],
    async checkRouting(c, ns, weight, hashes) {
      await checkServices(c, ns, hashes);
      const route = await readRoute(c, ns, kind);
      const rules = (route.spec?.rules ?? []).filter((r) => r.name !== HEADER_ROUTE);
      assert.equal(rules.length, 1, `the ${kind} keeps its one rule`);
      const weights = Object.fromEntries((rules[0]?.backendRefs ?? []).map((b) => [b.name ?? '?', b.weight ?? 0]));
      assert.deepEqual(weights, { [`${APP}-stable`]: 100 - weight, [`${APP}-canary`]: weight }, 'the backendRef weights');
      const labels = route.metadata?.labels ?? {};
      assert.equal(labels[IN_PROGRESS_LABEL], weight > 0 ? 'in-progress' : undefined, 'the in-progress label while the canary has weight');
    },
  };
  if (!headers) return provider;
  return {
    ...provider,
    async headerRoute(c, ns, present) {
      const header = ((await readRoute(c, ns, kind)).spec?.rules ?? []).filter((r) => r.name === HEADER_ROUTE);
      if (!present) {
        assert.deepEqual(header, [], `no header rule in the ${kind}`);
        return;
      }
      assert.equal(header.length, 1, 'one header rule');
      assert.deepEqual(header[0]?.matches, [{ ...match, headers: [{ type: 'Exact', name: 'X-Canary', value: 'yes' }] }], 'the user rule\'s match plus the header');
      assert.deepEqual(header[0]?.backendRefs?.map((b) => b.name), [`${APP}-canary`], 'all to the canary');
    },
  };
}

export const gatewayApiProvider = gatewayRouteProvider('HTTPRoute');
