import type { z } from 'zod';
import type {
  CanaryStrategy,
  HeaderRoutingMatchSchema,
  ManagedRouteSchema,
  RouteMatchSchema,
  TCPRouteSchema,
  TLSRouteSchema,
} from '../api/index.ts';

/** The API types traffic routing reads, with Argo Rollouts' field names (controller/api owns them). */
export type {
  ALBTrafficRouting,
  AmbassadorTrafficRouting,
  ApisixTrafficRouting,
  IstioDestinationRule,
  IstioTrafficRouting,
  IstioVirtualService,
  NginxTrafficRouting,
  RolloutTrafficRouting,
  SetHeaderRoute,
  SetMirrorRoute,
  SMITrafficRouting,
  StringMatch,
  TraefikTrafficRouting,
  WeightDestination,
} from '../api/index.ts';

export type HeaderRoutingMatch = z.infer<typeof HeaderRoutingMatchSchema>;
export type RouteMatch = z.infer<typeof RouteMatchSchema>;
export type TLSRoute = z.infer<typeof TLSRouteSchema>;
export type TCPRoute = z.infer<typeof TCPRouteSchema>;
export type ManagedRoute = z.infer<typeof ManagedRouteSchema>;

/**
 * The Rollout as traffic routing sees it: a shared `Rollout` is one, and tests can build the
 * few fields routing reads without a whole Rollout.
 */
export interface TrafficRollout {
  apiVersion?: string | undefined;
  metadata: {
    name?: string | undefined;
    namespace?: string | undefined;
    uid?: string | undefined;
  };
  spec: {
    strategy: {
      canary?: Pick<CanaryStrategy, 'canaryService' | 'stableService' | 'trafficRouting' | 'pingPong'> | undefined;
    };
  };
  /** The status the routing is for: with ping-pong Services, `stablePingPong` says which is stable. */
  status?: { canary?: { stablePingPong?: 'ping' | 'pong' | undefined } | undefined } | undefined;
}
