import { z } from 'zod';
import { LabelSelectorSchema } from './kit.ts';

/**
 * The configuration of Argo's Gateway API traffic router plugin, which Ramp carries out itself:
 * `spec.strategy.canary.trafficRouting.plugins["argoproj-labs/gatewayAPI"]`, with the plugin's
 * field names so a manifest written for the plugin moves unchanged.
 */

export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

const RouteRefSchema = z.strictObject({
  name: z.string(),
  /** Whether setHeaderRoute steps add their rules to this route. */
  useHeaderRoutes: z.boolean().optional(),
});
export type GatewayRouteRef = z.infer<typeof RouteRefSchema>;

export const GatewayAPIConfigSchema = z.strictObject({
  httpRoute: z.string().optional(),
  httpRoutes: z.array(RouteRefSchema).optional(),
  grpcRoute: z.string().optional(),
  grpcRoutes: z.array(RouteRefSchema).optional(),
  tcpRoute: z.string().optional(),
  tcpRoutes: z.array(RouteRefSchema).optional(),
  tlsRoute: z.string().optional(),
  tlsRoutes: z.array(RouteRefSchema).optional(),
  /** Where the routes are; the Rollout's namespace when empty. */
  namespace: z.string().optional(),
  httpRouteSelector: LabelSelectorSchema.optional(),
  grpcRouteSelector: LabelSelectorSchema.optional(),
  tcpRouteSelector: LabelSelectorSchema.optional(),
  tlsRouteSelector: LabelSelectorSchema.optional(),
  /** Older plugin versions kept their state in this ConfigMap. */
  configMap: z.string().optional(),
  disableInProgressLabel: z.boolean().optional(),
  inProgressLabelKey: z.string().optional(),
  inProgressLabelValue: z.string().optional(),
});
export type GatewayAPIConfig = z.infer<typeof GatewayAPIConfigSchema>;

/** The plugin's label on every route while a canary holds weight. */
export const DEFAULT_IN_PROGRESS_LABEL_KEY = 'rollouts.argoproj.io/gatewayapi-canary';
export const DEFAULT_IN_PROGRESS_LABEL_VALUE = 'in-progress';

export type GatewayRouteKind = 'HTTPRoute' | 'GRPCRoute' | 'TCPRoute';

/** One route the Rollout weights. */
export interface GatewayRoute {
  kind: GatewayRouteKind;
  name: string;
  useHeaderRoutes: boolean;
}

const ROUTE_FIELDS: ReadonlyArray<{ kind: GatewayRouteKind; single: 'httpRoute' | 'grpcRoute' | 'tcpRoute'; list: 'httpRoutes' | 'grpcRoutes' | 'tcpRoutes' }> = [
  { kind: 'HTTPRoute', single: 'httpRoute', list: 'httpRoutes' },
  { kind: 'GRPCRoute', single: 'grpcRoute', list: 'grpcRoutes' },
  { kind: 'TCPRoute', single: 'tcpRoute', list: 'tcpRoutes' },
];

/**
 * Every route the configuration names, as the plugin reads them: the list form first, then the
 * single form, which always takes header routes.
 */
export function gatewayRoutes(config: GatewayAPIConfig): GatewayRoute[] {
  return ROUTE_FIELDS.flatMap(({ kind, single, list }) => [
    ...(config[list] ?? []).map((r) => ({ kind, name: r.name, useHeaderRoutes: r.useHeaderRoutes ?? false })),
    ...(config[single] ? [{ kind, name: config[single], useHeaderRoutes: true }] : []),
  ]);
}

/** The route-naming fields, for messages. */
export const GATEWAY_ROUTE_FIELDS = ROUTE_FIELDS.flatMap((f) => [f.single, f.list]);
