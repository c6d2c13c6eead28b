/**
 * What Ramp carries out, field by field: the one table that validation refuses from and that
 * docs/support.md is generated from (`npm run docs:support`), so the two cannot drift.
 *
 * The contract: a field Ramp accepts is carried out. A field listed here as not supported is
 * refused with InvalidSpec naming it, before any ReplicaSet changes, never accepted and ignored.
 */

import { GATEWAY_API_PLUGIN } from './gatewayapi.ts';
import { child } from './validation/field-error.ts';

export type SupportKind = 'traffic router' | 'router plugin' | 'canary step' | 'step plugin' | 'metric provider' | 'authentication' | 'field';

export interface SupportEntry {
  /**
   * Where the field is. Rollout fields start at `spec`; template fields (AnalysisTemplate and
   * ClusterAnalysisTemplate alike) start at `spec` too; metric fields (AnalysisTemplate,
   * ClusterAnalysisTemplate and AnalysisRun alike) start at the metric: `provider.datadog`;
   * Experiment fields start at `spec`.
   * `[]` stands for every item of a list, `*` for every key of a map.
   */
  field: string;
  on: 'Rollout' | 'template' | 'metric' | 'Experiment';
  kind: SupportKind;
  /** What a person calls it: "the SMI traffic router". */
  what: string;
  supported: boolean;
  /** Supported: how Ramp carries it out. Not supported: what to use instead. */
  note: string;
}

const ROUTING = 'spec.strategy.canary.trafficRouting';
const STEP = 'spec.strategy.canary.steps[]';
const GATEWAY = `${ROUTING}.plugins.${GATEWAY_API_PLUGIN}`;
const GATEWAY_NOTE = 'name the routes with httpRoute(s), grpcRoute(s) or tcpRoute(s)';
const ROUTERS_NOTE = 'use trafficRouting.nginx, istio, alb, smi, traefik, ambassador, apisix or appMesh, or the argoproj-labs/gatewayAPI plugin, or no trafficRouting (weights follow pod counts)';
const PROVIDERS_NOTE = 'use the prometheus, web, job, datadog, newRelic, wavefront, graphite, influxdb, cloudWatch, skywalking or kayenta provider';

export const SUPPORT: readonly SupportEntry[] = [
  // Traffic routers
  { field: `${ROUTING}.nginx`, on: 'Rollout', kind: 'traffic router', what: 'the NGINX Ingress traffic router', supported: true, note: 'a canary Ingress per stable Ingress with canary-weight and header routes, weights read back' },
  { field: `${ROUTING}.istio`, on: 'Rollout', kind: 'traffic router', what: 'the Istio traffic router', supported: true, note: 'VirtualService HTTP/TLS/TCP route weights (host- or subset-level), DestinationRule subsets, header and mirror routes, weights read back' },
  {
    field: `${ROUTING}.smi`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the SMI traffic router',
    supported: true,
    note: 'a TrafficSplit (split.smi-spec.io v1alpha1, v1alpha2 or v1alpha3 per --traffic-split-api-version) created and owned by the Rollout, the root Service split between the canary and stable backends, weights read back',
  },
  {
    field: `${ROUTING}.alb`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the AWS ALB traffic router',
    supported: true,
    note: "the forward action annotation (weighted TargetGroups, stickiness) on the named Ingresses, header routes as action and condition annotations with a `use-annotation` path, weights read back from the Ingress; no AWS API calls (Argo's --alb-verify-weight is refused)",
  },
  {
    field: `${ROUTING}.ambassador`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the Ambassador traffic router',
    supported: true,
    note: 'a canary Mapping `<mapping>-canary` beside each named Mapping with the canary Service and `weight` (--ambassador-api-version: getambassador.io/v2, v3alpha1 or x.getambassador.io), deleted back at weight 0, weights read back',
  },
  {
    field: `${ROUTING}.appMesh`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the App Mesh traffic router',
    supported: true,
    note: 'weighted targets of the canary and stable VirtualNodes in the routes of the VirtualService\'s VirtualRouter, the VirtualNodes\' pod selectors set to the pod-template hashes (--appmesh-crd-version), weights read back',
  },
  {
    field: `${ROUTING}.traefik`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the Traefik traffic router',
    supported: true,
    note: 'the canary and stable weights in a weighted TraefikService (traefik.io or traefik.containo.us per --traefik-api-group), weights read back',
  },
  {
    field: `${ROUTING}.apisix`,
    on: 'Rollout',
    kind: 'traffic router',
    what: 'the APISIX traffic router',
    supported: true,
    note: 'canary and stable backend weights in the named rules of the ApisixRoute (apisix.apache.org/v2), header routes as ApisixRoutes owned by the Rollout, weights read back',
  },
  { field: `${ROUTING}.plugins.*`, on: 'Rollout', kind: 'router plugin', what: 'traffic router plugins', supported: false, note: ROUTERS_NOTE },
  {
    field: GATEWAY,
    on: 'Rollout',
    kind: 'router plugin',
    what: 'the Gateway API traffic router (Argo\'s argoproj-labs/gatewayAPI plugin, built in)',
    supported: true,
    note: 'backendRef weights in the named HTTPRoutes, GRPCRoutes (gateway.networking.k8s.io/v1) and TCPRoutes (v1alpha2), header routes as named rules, the in-progress label, weights read back',
  },
  { field: `${GATEWAY}.tlsRoute`, on: 'Rollout', kind: 'field', what: 'TLSRoutes with the Gateway API router', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.tlsRoutes`, on: 'Rollout', kind: 'field', what: 'TLSRoutes with the Gateway API router', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.httpRouteSelector`, on: 'Rollout', kind: 'field', what: 'route discovery by label selector', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.grpcRouteSelector`, on: 'Rollout', kind: 'field', what: 'route discovery by label selector', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.tcpRouteSelector`, on: 'Rollout', kind: 'field', what: 'route discovery by label selector', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.tlsRouteSelector`, on: 'Rollout', kind: 'field', what: 'route discovery by label selector', supported: false, note: GATEWAY_NOTE },
  { field: `${GATEWAY}.configMap`, on: 'Rollout', kind: 'field', what: 'a state ConfigMap for the Gateway API router', supported: false, note: 'remove it: Ramp keeps no routing state outside the routes' },
  {
    field: 'spec.strategy.canary.pingPong',
    on: 'Rollout',
    kind: 'field',
    what: 'ping-pong Services',
    supported: true,
    note: "with the ALB router (rootService required) or the Istio router: the Service that is not stable (status.canary.stablePingPong) selects the new ReplicaSet during an update and takes the canary weight, and the two swap roles at each promotion; Istio routes between the ping and pong hosts when stableService and canaryService are unset (else between those, as Argo); with router plugins it is refused",
  },
  {
    field: `${ROUTING}.istio.destinationRule.additionalSubsetNames`,
    on: 'Rollout',
    kind: 'field',
    what: 'additional DestinationRule subsets',
    supported: false,
    note: 'remove it: Ramp splits each managed route between the canary and stable subsets alone; route other subsets in routes the Rollout does not name',
  },

  // Canary steps
  { field: `${STEP}.setWeight`, on: 'Rollout', kind: 'canary step', what: 'the setWeight step', supported: true, note: 'canary pods scaled to the weight; with a router, its weight set and read back' },
  { field: `${STEP}.pause`, on: 'Rollout', kind: 'canary step', what: 'the pause step', supported: true, note: 'timed or indefinite, status.pauseConditions as Argo writes them' },
  { field: `${STEP}.setCanaryScale`, on: 'Rollout', kind: 'canary step', what: 'the setCanaryScale step', supported: true, note: 'weight, replicas or matchTrafficWeight' },
  { field: `${STEP}.analysis`, on: 'Rollout', kind: 'canary step', what: 'the analysis step', supported: true, note: 'an AnalysisRun the step waits for; failure aborts' },
  { field: `${STEP}.setHeaderRoute`, on: 'Rollout', kind: 'canary step', what: 'the setHeaderRoute step', supported: true, note: 'with the Istio router, the ALB router (exact header values), the APISIX router, or the Gateway API router (HTTPRoutes and GRPCRoutes that take header routes)' },
  { field: `${STEP}.setMirrorRoute`, on: 'Rollout', kind: 'canary step', what: 'the setMirrorRoute step', supported: true, note: 'with the Istio router' },
  {
    field: `${STEP}.experiment`,
    on: 'Rollout',
    kind: 'canary step',
    what: 'the experiment step',
    supported: true,
    note: "an Experiment `<rollout>-<hash>-<revision>-<step>` owned by the Rollout, its templates from the stable or canary ReplicaSet (replicas, metadata, selector, service), analyses with resolved args, duration; a template's `weight` sent to its Service through the SMI, ALB or Istio router while it runs; the step waits for it to succeed, a failed or errored one aborts, an inconclusive one pauses; terminated when the step ends, on abort and on promote --full",
  },
  { field: `${STEP}.plugin`, on: 'Rollout', kind: 'step plugin', what: 'step plugins', supported: false, note: 'use the built-in steps' },

  // Rollout fields
  {
    field: 'spec.strategy.canary.replicaProgressThreshold',
    on: 'Rollout',
    kind: 'field',
    what: 'a replica progress threshold',
    supported: false,
    note: "remove it: Ramp moves past a step once every canary pod the step asks for is available, Argo's default",
  },

  { field: 'spec.workloadRef', on: 'Rollout', kind: 'field', what: 'workloadRef', supported: true, note: 'the pod template and selector of a Deployment (apps/v1), scaleDown never, onsuccess or progressively; a PodTemplate or ReplicaSet reference is refused' },

  // AnalysisTemplate and ClusterAnalysisTemplate fields
  {
    field: 'spec.templates',
    on: 'template',
    kind: 'field',
    what: 'template composition',
    supported: true,
    note: "the named templates' metrics, args, dryRun and measurementRetention combined with the template's own (recursively, each template once), as Argo flattens them; duplicate metric names and conflicting arg values are refused",
  },

  // Metric providers
  { field: 'provider.prometheus', on: 'metric', kind: 'metric provider', what: 'the Prometheus provider', supported: true, note: 'instant and range queries, basicAuth, oauth2, sigv4, headers, caCert, timeout' },
  { field: 'provider.web', on: 'metric', kind: 'metric provider', what: 'the web provider', supported: true, note: 'GET/POST/PUT with headers, body or jsonBody, jsonPath, timeoutSeconds, oauth2' },
  { field: 'provider.job', on: 'metric', kind: 'metric provider', what: 'the job provider', supported: true, note: 'a Job per measurement, owned by the AnalysisRun' },
  { field: 'provider.datadog', on: 'metric', kind: 'metric provider', what: 'the Datadog provider', supported: true, note: 'v1 query or v2 queries with formula and aggregator over interval, requestTimeout; keys from the `datadog` Secret, secretRef or DD_* variables' },
  { field: 'provider.newRelic', on: 'metric', kind: 'metric provider', what: 'the New Relic provider', supported: true, note: 'NRQL through NerdGraph with timeout; account from the `newrelic` Secret or profile (region, base-url-nerdgraph)' },
  { field: 'provider.wavefront', on: 'metric', kind: 'metric provider', what: 'the Wavefront provider', supported: true, note: 'the chart API at the measurement time; token from the `wavefront-api-tokens` Secret keyed by address' },
  {
    field: 'provider.cloudWatch',
    on: 'metric',
    kind: 'metric provider',
    what: 'the CloudWatch provider',
    supported: true,
    note: 'GetMetricData over the CloudWatch Query API for the last interval (default 5m), SigV4-signed with the controller\'s AWS credentials, region from AWS_REGION; conditions see the MetricDataResults (`result[0].Values`)',
  },
  { field: 'provider.graphite', on: 'metric', kind: 'metric provider', what: 'the Graphite provider', supported: true, note: 'the render API (`query` is its parameters), the first series\' points' },
  { field: 'provider.influxdb', on: 'metric', kind: 'metric provider', what: 'the InfluxDB provider', supported: true, note: 'Flux queries through /api/v2/query; address, authToken and org from the `influxdb` Secret or profile' },
  {
    field: 'provider.skywalking',
    on: 'metric',
    kind: 'metric provider',
    what: 'the SkyWalking provider',
    supported: true,
    note: 'the GraphQL query posted to `<address>/graphql` with a `duration` variable over the last interval; conditions see its `data`',
  },
  {
    field: 'provider.kayenta',
    on: 'metric',
    kind: 'metric provider',
    what: 'the Kayenta provider',
    supported: true,
    note: 'the canary config looked up by name, a canary execution started with the scopes (window from interval, or the run\'s start with lookback) and polled every 15s; score >= pass Successful, >= marginal Inconclusive, else Failed',
  },
  { field: 'provider.plugin', on: 'metric', kind: 'metric provider', what: 'metric provider plugins', supported: false, note: PROVIDERS_NOTE },
  {
    field: 'provider.prometheus.authentication.sigv4',
    on: 'metric',
    kind: 'authentication',
    what: 'SigV4 authentication for Prometheus',
    supported: true,
    note: 'the query signed for `aps` (Amazon Managed Service for Prometheus) with credentials from the profile, the AWS environment variables or the shared credentials file, roleArn assumed through STS',
  },
  {
    field: 'provider.web.authentication.oauth2',
    on: 'metric',
    kind: 'authentication',
    what: 'OAuth2 authentication for the web provider',
    supported: true,
    note: 'client-credentials grant (tokenUrl, clientId, clientSecret, scopes), the token reused until it expires',
  },
  { field: 'provider.web.authentication.sigv4', on: 'metric', kind: 'authentication', what: 'SigV4 authentication for the web provider', supported: false, note: 'use authentication.oauth2 or headers' },
  { field: 'provider.web.authentication.basicAuth', on: 'metric', kind: 'authentication', what: 'basicAuth for the web provider', supported: false, note: 'send an Authorization header in headers (values may come from a Secret through args)' },

  // Experiments
  {
    field: 'spec.analyses[].args[].valueFrom',
    on: 'Experiment',
    kind: 'field',
    what: "an experiment analysis argument's valueFrom",
    supported: false,
    note: 'pass a value; it may use {{templates.<name>.podTemplateHash}}, {{templates.<name>.replicaset.name}}, {{experiment.availableAt}} or {{experiment.finishedAt}}',
  },
];

/** One place in an object where a field Ramp does not carry out is set. */
export interface UnsupportedUse {
  /** The concrete path: `spec.strategy.canary.steps[2].experiment`. */
  path: string;
  entry: SupportEntry;
}

type Segment = { key: string; each: boolean };

/**
 * The notification services of argo-rollouts-notification-configmap (`service.<type>[.<name>]`),
 * by Argo's type name. A subscription to a service of a type listed as not supported sends
 * nothing and records a Warning event (NotificationServiceUnsupported) on the object.
 */
export interface NotificationServiceSupport {
  type: string;
  supported: boolean;
  note: string;
}

const NOT_SENT = 'not sent: a subscription to it records a Warning event on the object; use webhook with the service\'s HTTP API';

export const NOTIFICATION_SERVICES: readonly NotificationServiceSupport[] = [
  { type: 'webhook', supported: true, note: 'url, method, headers, basicAuth, the template\'s `webhook.<name>` method/path/body, retries (retryMax, retryWaitMin, retryWaitMax), insecureSkipVerify' },
  { type: 'slack', supported: true, note: 'chat.postMessage with the token (from the Secret), apiURL, username, icon, disableUnfurl; the template\'s attachments, blocks, groupingKey threads, notifyBroadcast and deliveryPolicy (threads kept in memory, as Argo)' },
  { type: 'teams', supported: true, note: 'an incoming-webhook MessageCard (title, summary, text, themeColor, sections, facts, potentialAction) or the template\'s own `teams.template`, posted to the recipient\'s URL in recipientUrls' },
  { type: 'email', supported: true, note: 'SMTP with STARTTLS when offered (port 465: TLS from the start), AUTH PLAIN/LOGIN with username and password, from, html; subject and body from the template' },
  ...['alertmanager', 'awssqs', 'github', 'googlechat', 'grafana', 'mattermost', 'nats', 'newrelic', 'opsgenie', 'pagerduty', 'pagerdutyv2', 'pubsub', 'pushover', 'rocketchat', 'teams-workflows', 'telegram', 'webex'].map(
    (type) => ({ type, supported: false, note: NOT_SENT }),
  ),
];

export function notificationServiceSupported(type: string): boolean {
  return NOTIFICATION_SERVICES.some((s) => s.type === type && s.supported);
}

function segmentsOf(field: string): Segment[] {
  return field.split('.').map((part) => (part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false }));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every concrete path at which `field` is set in `value` (set: present and not null). */
function find(value: unknown, segments: readonly Segment[], path: string): string[] {
  if (segments.length === 0) return value === undefined || value === null ? [] : [path];
  if (!isRecord(value)) return [];
  const [head, ...rest] = segments as [Segment, ...Segment[]];
  if (head.key === '*') return Object.keys(value).flatMap((key) => find(value[key], rest, child(path, key)));
  const next = value[head.key];
  if (!head.each) return find(next, rest, child(path, head.key));
  if (!Array.isArray(next)) return [];
  return next.flatMap((item, i) => find(item, rest, child(child(path, head.key), i)));
}

/** How many `*` a field has: the fewer, the more specific an entry is. */
function wildcards(field: string): number {
  return segmentsOf(field).filter((s) => s.key === '*').length;
}

/**
 * The fields of a Rollout that Ramp does not carry out, in the table's order. An entry that names
 * a key wins over one that reaches it through `*`: `plugins.argoproj-labs/gatewayAPI` is carried
 * out although `plugins.*` is refused.
 */
export function unsupportedInRollout(rollout: unknown): UnsupportedUse[] {
  const applies = (e: SupportEntry) => e.on === 'Rollout';
  const uses = (entry: SupportEntry) => find(rollout, segmentsOf(entry.field), '').map((path) => ({ path, entry }));
  const carriedOut = SUPPORT.filter((e) => applies(e) && e.supported).flatMap(uses);
  const overridden = (use: UnsupportedUse) => carriedOut.some((s) => s.path === use.path && wildcards(s.entry.field) < wildcards(use.entry.field));
  return SUPPORT.filter((e) => applies(e) && !e.supported)
    .flatMap(uses)
    .filter((use) => !overridden(use));
}

/** The fields of an Experiment that Ramp does not carry out. */
export function unsupportedInExperiment(experiment: unknown): UnsupportedUse[] {
  return SUPPORT.filter((e) => e.on === 'Experiment' && !e.supported).flatMap((entry) => find(experiment, segmentsOf(entry.field), '').map((path) => ({ path, entry })));
}

/** The fields of an AnalysisTemplate or ClusterAnalysisTemplate, outside its metrics, that Ramp does not carry out. */
export function unsupportedInTemplate(template: unknown): UnsupportedUse[] {
  return SUPPORT.filter((e) => e.on === 'template' && !e.supported).flatMap((entry) => find(template, segmentsOf(entry.field), '').map((path) => ({ path, entry })));
}

/** The fields of one metric that Ramp does not carry out; `path` is where the metric is. */
export function unsupportedInMetric(metric: unknown, path: string): UnsupportedUse[] {
  return SUPPORT.filter((e) => e.on === 'metric' && !e.supported).flatMap((entry) => find(metric, segmentsOf(entry.field), path).map((p) => ({ path: p, entry })));
}

/** The detail of the InvalidSpec message for one unsupported use. */
export function unsupportedMessage(entry: SupportEntry): string {
  return `Ramp does not support ${entry.what}; ${entry.note}`;
}
