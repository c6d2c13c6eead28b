/** Argo Rollouts' validation messages (pkg/apis/rollouts/validation), kept word for word. */
export const MissingFieldMessage = (field: string) => `Rollout has missing field '${field}'`;
export const InvalidSetWeightMessage = (max: number) => `SetWeight needs to be between 0 and ${max}`;
export const InvalidCanaryExperimentTemplateWeightWithoutTrafficRouting =
  'Experiment template weight cannot be set unless TrafficRouting is enabled';
export const InvalidCanaryExperimentTemplateWeightRouter =
  'Experiment template weight is only available for TrafficRouting with SMI, ALB, and Istio at this time';
export const InvalidSetCanaryScaleTrafficPolicy = 'SetCanaryScale requires TrafficRouting to be set';
export const InvalidSetHeaderRouteTrafficPolicy = 'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix';
export const InvalidSetMirrorRouteTrafficPolicy = 'SetMirrorRoute requires TrafficRouting, supports Istio only';
export const InvalidStringMatchMultipleValuePolicy =
  'StringMatch match value must have exactly one of the following: exact, regex, prefix';
export const InvalidStringMatchMissedValuePolicy =
  'StringMatch value missed, match value must have one of the following: exact, regex, prefix';
export const InvalidSetHeaderRouteALBValuePolicy = "SetHeaderRoute match value invalid. ALB supports 'exact' value only";
export const InvalidDurationMessage = 'Duration needs to be greater than 0';
export const InvalidMaxSurgeMaxUnavailable = 'MaxSurge and MaxUnavailable both can not be zero';
export const InvalidStepMessage = 'Step must have one of the following set: experiment, setWeight, setCanaryScale or pause';
export const InvalidStrategyMessage = 'Multiple Strategies can not be listed';
export const DuplicatedServicesBlueGreenMessage =
  'This rollout uses the same service for the active and preview services, but two different services are required.';
export const DuplicatedServicesCanaryMessage =
  'This rollout uses the same service for the stable and canary services, but two different services are required.';
export const InvalidAntiAffinityStrategyMessage = 'AntiAffinity must have exactly one strategy listed';
export const InvalidAntiAffinityWeightMessage = 'AntiAffinity weight must be between 1-100';
export const ScaleDownLimitLargerThanRevisionLimit =
  "This rollout's revision history limit can not be smaller than the rollout's scale down limit";
export const InvalidTrafficRoutingMessage = 'Canary service and Stable service must to be set to use Traffic Routing';
export const InvalidAnalysisArgsMessage = 'Analyses arguments must refer to valid object metadata supported by downwardAPI';
export const InvalidCanaryScaleDownDelay = 'Canary scaleDownDelaySeconds can only be used with traffic routing';
export const InvalidCanaryDynamicStableScale = 'Canary dynamicStableScale can only be used with traffic routing';
export const InvalidCanaryDynamicStableScaleWithScaleDownDelay =
  'Canary dynamicStableScale cannot be used with scaleDownDelaySeconds';
export const InvalidCanaryMaxWeightOnlySupportInNginxAndPlugins =
  'Canary maxTrafficWeight in traffic routing only support in Nginx and Plugins';
export const InvalidPingPongProvidedMessage = 'Ping service and Pong service must to be set to use Ping-Pong feature';
export const DuplicatedPingPongServicesMessage =
  'This rollout uses the same service for the ping and pong services, but two different services are required.';
export const MissedAlbRootServiceMessage = 'Root service field is required for the configuration with ALB and ping-pong feature enabled';
export const PingPongWithRouterOnlyMessage = 'Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only';
// Ramp's own: Argo accepts plugins here, Ramp's built-in Gateway API router does not switch ping-pong Services.
export const PingPongWithPluginsMessage = 'Ramp does not support ping-pong Services with a traffic router plugin; use the ALB or Istio router';
export const InvalideStepRouteNameNotFoundInManagedRoutes =
  'Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes';

/** Kubernetes apimachinery messages reused by Argo. */
export const NonNegativeMessage = 'must be greater than or equal to 0';
export const SelectorDoesNotMatchTemplate = '`selector` does not match template `labels`';
export const EmptySelectorMessage = 'empty selector is invalid for deployment';
export const InvalidPercentMessage =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
