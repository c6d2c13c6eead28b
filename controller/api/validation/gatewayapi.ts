import { GATEWAY_API_PLUGIN, GATEWAY_ROUTE_FIELDS, GatewayAPIConfigSchema, gatewayRoutes, type GatewayAPIConfig } from '../gatewayapi.ts';
import type { CanaryStrategy } from '../canary.ts';
import { type FieldError, child, invalid, required } from './field-error.ts';
import { lookupOf, zodIssuesToFieldErrors } from './zod-errors.ts';

const knownKeys = lookupOf(GatewayAPIConfigSchema);

/** `prefix` followed by a path relative to it (`httpRoutes[0].name` or `[key]`). */
function under(prefix: string, relative: string): string {
  if (relative === '') return prefix;
  return relative.startsWith('[') ? `${prefix}${relative}` : `${prefix}.${relative}`;
}

/** The Gateway API plugin's configuration, when the Rollout sets it. */
export function gatewayAPIConfigOf(canary: Pick<CanaryStrategy, 'trafficRouting'>): unknown {
  const plugins = canary.trafficRouting?.plugins;
  return plugins && Object.hasOwn(plugins, GATEWAY_API_PLUGIN) ? plugins[GATEWAY_API_PLUGIN] : undefined;
}

/**
 * Checks `trafficRouting.plugins["argoproj-labs/gatewayAPI"]` where the plugin would only fail at
 * its first write: the shape, at least one route, both Services, and header routes that some
 * route takes. `path` is `spec.strategy.canary`.
 */
export function validateGatewayAPI(canary: CanaryStrategy, path: string): FieldError[] {
  const raw = gatewayAPIConfigOf(canary);
  if (raw === undefined) return [];
  const trafficPath = child(path, 'trafficRouting');
  const pluginPath = child(child(trafficPath, 'plugins'), GATEWAY_API_PLUGIN);
  const parsed = GatewayAPIConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return zodIssuesToFieldErrors(parsed.error.issues, raw, knownKeys).map((e) => ({ ...e, field: under(pluginPath, e.field) }));
  }
  const config: GatewayAPIConfig = parsed.data;
  const errors: FieldError[] = [];
  const routes = gatewayRoutes(config);
  if (routes.length === 0 && !config.tlsRoute && !config.tlsRoutes?.length) {
    errors.push(required(pluginPath, `no routes configured: set at least one of ${GATEWAY_ROUTE_FIELDS.join(', ')}`));
  }
  for (const list of ['httpRoutes', 'grpcRoutes', 'tcpRoutes'] as const) {
    (config[list] ?? []).forEach((route, i) => {
      if (route.name === '') errors.push(required(child(child(child(pluginPath, list), i), 'name')));
    });
  }
  if (!canary.stableService) errors.push(required(child(path, 'stableService'), 'the Gateway API router weights the stable and canary Services'));
  if (!canary.canaryService) errors.push(required(child(path, 'canaryService'), 'the Gateway API router weights the stable and canary Services'));

  const tr = canary.trafficRouting;
  const otherHeaderRouter = tr?.istio !== undefined || tr?.alb !== undefined || tr?.apisix !== undefined;
  const takesHeaderRoutes = routes.some((r) => r.useHeaderRoutes && r.kind !== 'TCPRoute');
  if (!otherHeaderRouter && !takesHeaderRoutes) {
    (canary.steps ?? []).forEach((step, i) => {
      if (!step.setHeaderRoute) return;
      errors.push(
        invalid(
          child(child(child(path, 'steps'), i), 'setHeaderRoute'),
          step.setHeaderRoute.name ?? '',
          'no HTTPRoute or GRPCRoute of the Gateway API router takes header routes: name one with httpRoute or grpcRoute, or set useHeaderRoutes: true on it',
        ),
      );
    });
  }
  return errors;
}
