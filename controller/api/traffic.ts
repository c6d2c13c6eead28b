import { z } from 'zod';
import { int32, int64, opaqueObject, stringMap } from './kit.ts';

/** spec.strategy.canary.trafficRouting and the shapes of the routers it names. */

export const NginxTrafficRoutingSchema = z.strictObject({
  /** Must match the annotation prefix the NGINX ingress controller is configured with. */
  annotationPrefix: z.string().optional(),
  stableIngress: z.string().optional(),
  stableIngresses: z.array(z.string()).optional(),
  additionalIngressAnnotations: stringMap().optional(),
  canaryIngressAnnotations: stringMap().optional(),
});
export type NginxTrafficRouting = z.infer<typeof NginxTrafficRoutingSchema>;

export const TLSRouteSchema = z.strictObject({
  port: int64().optional(),
  sniHosts: z.array(z.string()).optional(),
});

export const TCPRouteSchema = z.strictObject({
  port: int64().optional(),
});

export const IstioVirtualServiceSchema = z.strictObject({
  name: z.string(),
  /** HTTP routes to edit; when omitted the VirtualService must have a single HTTP route. */
  routes: z.array(z.string()).optional(),
  tlsRoutes: z.array(TLSRouteSchema).optional(),
  tcpRoutes: z.array(TCPRouteSchema).optional(),
});
export type IstioVirtualService = z.infer<typeof IstioVirtualServiceSchema>;

export const IstioDestinationRuleSchema = z.strictObject({
  name: z.string(),
  canarySubsetName: z.string(),
  stableSubsetName: z.string(),
  /** Subsets whose route weights are left as they are. */
  additionalSubsetNames: z.array(z.string()).optional(),
});
export type IstioDestinationRule = z.infer<typeof IstioDestinationRuleSchema>;

export const IstioTrafficRoutingSchema = z.strictObject({
  virtualService: IstioVirtualServiceSchema.optional(),
  virtualServices: z.array(IstioVirtualServiceSchema).optional(),
  destinationRule: IstioDestinationRuleSchema.optional(),
});
export type IstioTrafficRouting = z.infer<typeof IstioTrafficRoutingSchema>;

/** Argo's SMI router: the TrafficSplit it creates and owns, splitting `rootService` between the canary and stable Services. */
export const SMITrafficRoutingSchema = z.strictObject({
  /** The Service clients call; the stable Service when empty. */
  rootService: z.string().optional(),
  /** The TrafficSplit's name; the Rollout's when empty. */
  trafficSplitName: z.string().optional(),
});
export type SMITrafficRouting = z.infer<typeof SMITrafficRoutingSchema>;

/** Argo's Traefik router: the weights of the canary and stable Services in a weighted TraefikService. */
export const TraefikTrafficRoutingSchema = z.strictObject({
  weightedTraefikServiceName: z.string(),
});
export type TraefikTrafficRouting = z.infer<typeof TraefikTrafficRoutingSchema>;

/** Argo's StickinessConfig: duration-based stickiness of the ALB target groups. */
export const StickinessConfigSchema = z.strictObject({
  enabled: z.boolean(),
  durationSeconds: int64(),
});

/** Argo's ALBTrafficRouting: the Ingresses whose action annotation splits `rootService` (else the stable Service). */
export const ALBTrafficRoutingSchema = z.strictObject({
  ingress: z.string().optional(),
  ingresses: z.array(z.string()).optional(),
  servicePort: int32(),
  rootService: z.string().optional(),
  /** Must match the annotation prefix the AWS Load Balancer Controller is configured with. */
  annotationPrefix: z.string().optional(),
  stickinessConfig: StickinessConfigSchema.optional(),
});
export type ALBTrafficRouting = z.infer<typeof ALBTrafficRoutingSchema>;

/** Argo's AmbassadorTrafficRouting: the Mappings beside which a canary Mapping is created. */
export const AmbassadorTrafficRoutingSchema = z.strictObject({
  mappings: z.array(z.string()),
});
export type AmbassadorTrafficRouting = z.infer<typeof AmbassadorTrafficRoutingSchema>;

export const AppMeshVirtualNodeReferenceSchema = z.strictObject({
  name: z.string(),
});

/** Argo's AppMeshTrafficRouting, exactly: the VirtualService (whose VirtualRouter carries the weights) and the two VirtualNodes. */
export const AppMeshTrafficRoutingSchema = z.strictObject({
  virtualService: z
    .strictObject({
      name: z.string(),
      /** Routes of the VirtualRouter to edit; when omitted, every route. */
      routes: z.array(z.string()).optional(),
    })
    .optional(),
  virtualNodeGroup: z
    .strictObject({
      canaryVirtualNodeRef: AppMeshVirtualNodeReferenceSchema,
      stableVirtualNodeRef: AppMeshVirtualNodeReferenceSchema,
    })
    .optional(),
});
export type AppMeshTrafficRouting = z.infer<typeof AppMeshTrafficRoutingSchema>;

/** Argo's ApisixTrafficRouting: the ApisixRoute and its HTTP rules whose backend weights are set. */
export const ApisixTrafficRoutingSchema = z.strictObject({
  route: z
    .strictObject({
      name: z.string(),
      /** Names of `spec.http[]` rules; when omitted, the rule named as the route. */
      rules: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ApisixTrafficRouting = z.infer<typeof ApisixTrafficRoutingSchema>;

export const ManagedRouteSchema = z.strictObject({
  name: z.string(),
});

export const RolloutTrafficRoutingSchema = z.strictObject({
  nginx: NginxTrafficRoutingSchema.optional(),
  istio: IstioTrafficRoutingSchema.optional(),
  alb: ALBTrafficRoutingSchema.optional(),
  smi: SMITrafficRoutingSchema.optional(),
  ambassador: AmbassadorTrafficRoutingSchema.optional(),
  appMesh: AppMeshTrafficRoutingSchema.optional(),
  traefik: TraefikTrafficRoutingSchema.optional(),
  apisix: ApisixTrafficRoutingSchema.optional(),
  /** Traffic router plugins keyed by plugin name, each with its own configuration. */
  plugins: opaqueObject().optional(),
  /** Routes the controller owns (header and mirror routes), in precedence order. */
  managedRoutes: z.array(ManagedRouteSchema).optional(),
  /** The weight that means "all traffic" (default 100). */
  maxTrafficWeight: int32().optional(),
});
export type RolloutTrafficRouting = z.infer<typeof RolloutTrafficRoutingSchema>;
