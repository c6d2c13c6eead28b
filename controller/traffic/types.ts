/**
 * The narrow slice of the Rollout that traffic routing reads, with Argo Rollouts' field names.
 * Every field is optional where Argo's is, so the shared API types (controller/api) are
 * assignable to these.
 */

export interface StringMatch {
  exact?: string | undefined;
  prefix?: string | undefined;
  regex?: string | undefined;
}

export interface HeaderRoutingMatch {
  headerName: string;
  headerValue: StringMatch;
}

/** A canary step's `setHeaderRoute`: a missing or empty `match` removes the route. */
export interface SetHeaderRoute {
  name?: string | undefined;
  match?: HeaderRoutingMatch[] | undefined;
}

export interface RouteMatch {
  method?: StringMatch | undefined;
  path?: StringMatch | undefined;
  headers?: Record<string, StringMatch> | undefined;
}

/** A canary step's `setMirrorRoute`: a missing or empty `match` removes the route. */
export interface SetMirrorRoute {
  name: string;
  match?: RouteMatch[] | undefined;
  percentage?: number | undefined;
}

/** Traffic sent to a Service other than the stable and canary ones (experiment templates). */
export interface WeightDestination {
  weight: number;
  serviceName?: string | undefined;
  podTemplateHash?: string | undefined;
}

export interface NginxTrafficRouting {
  annotationPrefix?: string | undefined;
  stableIngress?: string | undefined;
  stableIngresses?: string[] | undefined;
  additionalIngressAnnotations?: Record<string, string> | undefined;
  canaryIngressAnnotations?: Record<string, string> | undefined;
}

export interface TLSRoute {
  port?: number | undefined;
  sniHosts?: string[] | undefined;
}

export interface TCPRoute {
  port?: number | undefined;
}

export interface IstioVirtualService {
  name: string;
  routes?: string[] | undefined;
  tlsRoutes?: TLSRoute[] | undefined;
  tcpRoutes?: TCPRoute[] | undefined;
}

export interface IstioDestinationRule {
  name: string;
  canarySubsetName: string;
  stableSubsetName: string;
}

export interface IstioTrafficRouting {
  virtualService?: IstioVirtualService | undefined;
  virtualServices?: IstioVirtualService[] | undefined;
  destinationRule?: IstioDestinationRule | undefined;
}

export interface ManagedRoute {
  name: string;
}

export interface RolloutTrafficRouting {
  nginx?: NginxTrafficRouting | undefined;
  istio?: IstioTrafficRouting | undefined;
  managedRoutes?: ManagedRoute[] | undefined;
  maxTrafficWeight?: number | undefined;
}

export interface TrafficCanaryStrategy {
  canaryService?: string | undefined;
  stableService?: string | undefined;
  trafficRouting?: RolloutTrafficRouting | undefined;
}

/** The Rollout as traffic routing sees it. */
export interface TrafficRollout {
  apiVersion?: string | undefined;
  kind?: string | undefined;
  metadata: {
    name?: string | undefined;
    namespace?: string | undefined;
    uid?: string | undefined;
  };
  spec: {
    strategy: {
      canary?: TrafficCanaryStrategy | undefined;
    };
  };
}
