import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import type { KubeConfigSource } from '../kube/kubeconfig.ts';
import { AMBASSADOR_MAPPINGS, apiVersionOf } from '../kube/resources.ts';
import { DEFAULT_BURST, DEFAULT_QPS } from '../kube/token-bucket.ts';
import { DEFAULT_SMI_VERSION, SMI_VERSIONS, type SmiVersion } from '../traffic/smi/render.ts';
import { DEFAULT_TRAEFIK_API_GROUP, DEFAULT_TRAEFIK_API_VERSION, TRAEFIK_API_GROUPS, type TraefikApiGroup } from '../traffic/traefik/render.ts';

/**
 * Controller configuration, parsed once from argv and the environment into a plain object that is
 * passed down. Nothing else in the controller reads process.env.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  kubeconfig: KubeConfigSource;
  context?: string;
  /** Namespace-scoped mode when set; cluster-wide otherwise. */
  namespace?: string;
  /**
   * Read no cluster-scoped kinds (ClusterAnalysisTemplates), so a namespaced Role is enough, as
   * Argo Rollouts' --namespaced. Needs `namespace`.
   */
  namespaced: boolean;
  /** Only objects labelled argo-rollouts.argoproj.io/controller-instance-id=<id>; unlabelled ones when unset. */
  instanceId?: string;
  workers: number;
  /** Requests a second to the apiserver (client-go's token bucket); 0 disables the limit. */
  qps: number;
  /** Requests that may go at once above qps. */
  burst: number;
  metricsPort: number;
  healthzPort: number;
  leaderElect: boolean;
  /** Falls back to --namespace, then the kubeconfig context's namespace (in a pod: its own), then "default". */
  leaseNamespace?: string;
  leaseName: string;
  logLevel: LogLevel;
  /** 0 disables the periodic resync. */
  resyncSeconds: number;
  shutdownGraceSeconds: number;
  /** Leader-election identity: hostname and pid, unique per process. */
  identity: string;
  /** The networking.istio.io version VirtualServices and DestinationRules are read at (Argo's --istio-api-version). */
  istioApiVersion: string;
  /**
   * The group/version Ambassador Mappings are read and created at (Argo's --ambassador-api-version):
   * getambassador.io/<version> (Mapping) or x.getambassador.io/<version> (AmbassadorMapping).
   */
  ambassadorApiVersion: string;
  /** The split.smi-spec.io version TrafficSplits are created at (Argo's --traffic-split-api-version). */
  trafficSplitApiVersion: SmiVersion;
  /** The API group of TraefikServices (Argo's --traefik-api-group). */
  traefikApiGroup: TraefikApiGroup;
  /** Argo's --traefik-api-version: `<group>/<version>`, of which the version is what counts. */
  traefikApiVersion: string;
  /** The appmesh.k8s.aws version VirtualServices, VirtualRouters and VirtualNodes are read at (Argo's --appmesh-crd-version). */
  appmeshCrdVersion: string;
  /**
   * Argo's --self-service-notification-enabled: notification configuration is read in each
   * Rollout's namespace as well as the controller's.
   */
  selfServiceNotificationEnabled: boolean;
}

export interface HostFacts {
  hostname: string;
  pid: number;
}

export type ParseOutcome =
  | { kind: 'run'; config: Config }
  | { kind: 'help'; text: string }
  | { kind: 'error'; message: string };

export type Env = Readonly<Record<string, string | undefined>>;

const dns1123Label = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label (lowercase letters, digits and "-")');

const dns1123Subdomain = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")',
  );

const labelValue = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a valid label value');

const nonEmpty = z.string().min(1, 'must not be empty');

/** Argo Rollouts' default for --istio-api-version. */
export const DEFAULT_ISTIO_VERSION = 'v1alpha3';
/** Argo Rollouts' default for --appmesh-crd-version. */
export const DEFAULT_APPMESH_CRD_VERSION = 'v1beta2';

/** Argo Rollouts' default for --ambassador-api-version: getambassador.io/v2. */
export const DEFAULT_AMBASSADOR_VERSION = apiVersionOf(AMBASSADOR_MAPPINGS);

const apiVersion = z
  .string()
  .regex(/^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/, 'must be a Kubernetes API version such as v1alpha3, v1beta1 or v1');

/**
 * Argo takes a bare version as one of getambassador.io; a group it does not know it addresses as
 * `mappings`, which no Ambassador release serves, so that is refused here.
 */
const ambassadorApiVersion = z
  .string()
  .transform((s) => (s.includes('/') ? s : `getambassador.io/${s}`))
  .pipe(
    z
      .string()
      .regex(
        /^(getambassador\.io|x\.getambassador\.io)\/v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/,
        'must be getambassador.io/<version> or x.getambassador.io/<version>, such as getambassador.io/v2 or getambassador.io/v3alpha1',
      ),
  );

function integer(min: number, max: number): z.ZodType<number, string> {
  return z
    .string()
    .regex(/^\d+$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const port = integer(0, 65535);

const smiApiVersion = z.enum(SMI_VERSIONS, { error: `must be one of ${SMI_VERSIONS.join(', ')}` });
const traefikApiGroup = z.enum(TRAEFIK_API_GROUPS, { error: `must be one of ${TRAEFIK_API_GROUPS.join(', ')}` });
/** As Argo, only the part after the last "/" is the version: "traefik.io/v1alpha1" and "v1alpha1" both work. */
const traefikApiVersion = z
  .string()
  .regex(/^([a-z0-9.-]+\/)?v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$/, 'must be <group>/<version> such as traefik.io/v1alpha1');

const bool = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }))
  .transform((s) => s === 'true' || s === '1' || s === 'yes');

const logLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });

interface OptionSpec {
  key: string;
  flag: string;
  env: readonly string[];
  description: string;
  defaultText?: string;
  booleanFlag?: boolean;
}

const OPTIONS = [
  { key: 'kubeconfig', flag: 'kubeconfig', env: [], description: 'path to a kubeconfig (default: $KUBECONFIG, in-cluster, then ~/.kube/config)' },
  { key: 'context', flag: 'context', env: ['RAMP_CONTEXT'], description: 'kubeconfig context to use' },
  { key: 'namespace', flag: 'namespace', env: ['RAMP_NAMESPACE'], description: 'watch only this namespace (default: all namespaces)' },
  { key: 'namespaced', flag: 'namespaced', env: ['RAMP_NAMESPACED'], description: 'read no cluster-scoped kinds (ClusterAnalysisTemplates), so a namespaced Role suffices; needs --namespace', defaultText: 'false', booleanFlag: true },
  { key: 'instanceId', flag: 'instance-id', env: ['RAMP_INSTANCE_ID'], description: 'operate only on objects labelled argo-rollouts.argoproj.io/controller-instance-id=<id>' },
  { key: 'workers', flag: 'workers', env: ['RAMP_WORKERS'], description: 'concurrent reconciles per controller', defaultText: '10' },
  { key: 'qps', flag: 'qps', env: ['RAMP_QPS'], description: 'requests per second to the apiserver per client set (Kubernetes APIs, argoproj.io, others), as Argo Rollouts counts them; commands go before background resyncs, Lease renewals never wait; 0 disables', defaultText: String(DEFAULT_QPS) },
  { key: 'burst', flag: 'burst', env: ['RAMP_BURST'], description: 'requests that may go at once above --qps', defaultText: String(DEFAULT_BURST) },
  { key: 'metricsPort', flag: 'metrics-port', env: ['RAMP_METRICS_PORT'], description: 'port for /metrics', defaultText: '8090' },
  { key: 'healthzPort', flag: 'healthz-port', env: ['RAMP_HEALTHZ_PORT'], description: 'port for /healthz and /readyz', defaultText: '8080' },
  { key: 'leaderElect', flag: 'leader-elect', env: ['RAMP_LEADER_ELECT'], description: 'elect a leader through a Lease before reconciling', defaultText: 'true', booleanFlag: true },
  { key: 'leaseNamespace', flag: 'lease-namespace', env: ['RAMP_LEASE_NAMESPACE', 'POD_NAMESPACE'], description: 'namespace of the leader-election Lease (default: --namespace, else the kubeconfig namespace)' },
  { key: 'leaseName', flag: 'lease-name', env: ['RAMP_LEASE_NAME'], description: 'name of the leader-election Lease', defaultText: 'ramp-controller-lock' },
  { key: 'logLevel', flag: 'log-level', env: ['RAMP_LOG_LEVEL'], description: `log level: ${LOG_LEVELS.join('|')}`, defaultText: 'info' },
  { key: 'resyncSeconds', flag: 'resync-seconds', env: ['RAMP_RESYNC_SECONDS'], description: 're-enqueue every object this often; 0 disables', defaultText: '900' },
  { key: 'shutdownGraceSeconds', flag: 'shutdown-grace-seconds', env: ['RAMP_SHUTDOWN_GRACE_SECONDS'], description: 'how long in-flight reconciles may finish on shutdown', defaultText: '20' },
  { key: 'istioApiVersion', flag: 'istio-api-version', env: ['RAMP_ISTIO_API_VERSION'], description: 'networking.istio.io version of VirtualServices and DestinationRules', defaultText: DEFAULT_ISTIO_VERSION },
  { key: 'ambassadorApiVersion', flag: 'ambassador-api-version', env: ['RAMP_AMBASSADOR_API_VERSION'], description: 'group/version of Ambassador Mappings (getambassador.io/v2, getambassador.io/v3alpha1, x.getambassador.io/v3alpha1)', defaultText: DEFAULT_AMBASSADOR_VERSION },
  { key: 'trafficSplitApiVersion', flag: 'traffic-split-api-version', env: ['RAMP_TRAFFIC_SPLIT_API_VERSION'], description: `split.smi-spec.io version of the TrafficSplits the SMI router creates: ${SMI_VERSIONS.join('|')}`, defaultText: DEFAULT_SMI_VERSION },
  { key: 'traefikApiGroup', flag: 'traefik-api-group', env: ['RAMP_TRAEFIK_API_GROUP'], description: `API group of TraefikServices: ${TRAEFIK_API_GROUPS.join('|')}`, defaultText: DEFAULT_TRAEFIK_API_GROUP },
  { key: 'traefikApiVersion', flag: 'traefik-api-version', env: ['RAMP_TRAEFIK_API_VERSION'], description: 'apiVersion of TraefikServices (the part after the last "/" is used)', defaultText: DEFAULT_TRAEFIK_API_VERSION },
  { key: 'albVerifyWeight', flag: 'alb-verify-weight', env: ['RAMP_ALB_VERIFY_WEIGHT'], description: "Argo's AWS target-group weight verification: refused, Ramp makes no AWS API calls and reads ALB weights back from the Ingress", defaultText: 'false', booleanFlag: true },
  { key: 'selfServiceNotificationEnabled', flag: 'self-service-notification-enabled', env: ['RAMP_SELF_SERVICE_NOTIFICATION_ENABLED'], description: "also read argo-rollouts-notification-configmap and its Secret in each Rollout's namespace (needs get/list/watch on them there)", defaultText: 'false', booleanFlag: true },
  { key: 'appmeshCrdVersion', flag: 'appmesh-crd-version', env: ['RAMP_APPMESH_CRD_VERSION'], description: 'appmesh.k8s.aws version of VirtualServices, VirtualRouters and VirtualNodes', defaultText: DEFAULT_APPMESH_CRD_VERSION },
] as const satisfies readonly OptionSpec[];

type OptionKey = (typeof OPTIONS)[number]['key'];

const SCHEMAS: Record<OptionKey, z.ZodType<unknown, string>> = {
  kubeconfig: nonEmpty,
  context: nonEmpty,
  namespace: dns1123Label,
  namespaced: bool,
  instanceId: labelValue,
  workers: integer(1, 1000),
  qps: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of requests per second such as 40 or 2.5')
    .transform(Number)
    .pipe(z.number().max(100_000, 'must be at most 100000')),
  burst: integer(1, 100_000),
  metricsPort: port,
  healthzPort: port,
  leaderElect: bool,
  leaseNamespace: dns1123Label,
  leaseName: dns1123Subdomain,
  logLevel,
  resyncSeconds: integer(0, 86_400),
  shutdownGraceSeconds: integer(0, 3_600),
  istioApiVersion: apiVersion,
  ambassadorApiVersion,
  trafficSplitApiVersion: smiApiVersion,
  traefikApiGroup,
  traefikApiVersion,
  appmeshCrdVersion: apiVersion,
  albVerifyWeight: bool,
  selfServiceNotificationEnabled: bool,
};

interface RawValue {
  value: string;
  source: string;
}

class InvalidValue extends Error {}

function buildProgram(out: { text: string }): Command {
  const program = new Command()
    .name('ramp-controller')
    .description('Progressive delivery controller for Argo Rollouts resources')
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({
      writeOut: (s) => {
        out.text += s;
      },
      writeErr: () => {},
    });
  for (const spec of OPTIONS as readonly OptionSpec[]) {
    const envNote = spec.env.length > 0 ? ` [env ${spec.env.join(', ')}]` : '';
    const defaultNote = spec.defaultText ? ` (default ${spec.defaultText})` : '';
    const syntax = spec.booleanFlag ? `--${spec.flag} [bool]` : `--${spec.flag} <value>`;
    program.addOption(new Option(syntax, `${spec.description}${defaultNote}${envNote}`));
    if (spec.booleanFlag) program.addOption(new Option(`--no-${spec.flag}`, `same as --${spec.flag}=false`));
  }
  return program;
}

function rawValues(opts: Record<string, unknown>, env: Env): Map<OptionKey, RawValue> {
  const raw = new Map<OptionKey, RawValue>();
  for (const spec of OPTIONS as readonly (OptionSpec & { key: OptionKey })[]) {
    const fromFlag = opts[spec.key];
    if (fromFlag !== undefined) {
      raw.set(spec.key, { value: typeof fromFlag === 'boolean' ? String(fromFlag) : String(fromFlag), source: `--${spec.flag}` });
      continue;
    }
    for (const name of spec.env) {
      const fromEnv = env[name];
      if (fromEnv !== undefined && fromEnv !== '') {
        raw.set(spec.key, { value: fromEnv, source: name });
        break;
      }
    }
  }
  return raw;
}

function validate<T>(key: OptionKey, raw: RawValue | undefined, fallback: T): T;
function validate<T>(key: OptionKey, raw: RawValue | undefined): T | undefined;
function validate<T>(key: OptionKey, raw: RawValue | undefined, fallback?: T): T | undefined {
  if (raw === undefined) return fallback;
  const result = SCHEMAS[key].safeParse(raw.value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'is invalid';
    throw new InvalidValue(`invalid ${raw.source} ${JSON.stringify(raw.value)}: ${reason}`);
  }
  return result.data as T;
}

/**
 * The namespace the controller counts as its own: where its Lease is and where provider Secrets
 * (datadog, newrelic, influxdb, wavefront-api-tokens) are read, as Argo reads them from its
 * POD_NAMESPACE.
 */
export function controllerNamespace(config: Pick<Config, 'leaseNamespace' | 'namespace'>, contextNamespace: string): string {
  return config.leaseNamespace ?? config.namespace ?? contextNamespace;
}

/**
 * The controller's order, as controllers built on client-go resolve it: a pod's own service
 * account comes before ~/.kube/config, and nothing is read from disk while the flags are parsed.
 * kubectl-ramp and the dashboard use kube/kubeconfig.ts's `resolveKubeConfigSource` (kubectl's
 * order); both load the result with the same `loadKubeConfig`.
 */
export function resolveKubeconfig(flagPath: string | undefined, env: Env): KubeConfigSource | undefined {
  if (flagPath) return { kind: 'files', paths: [flagPath] };
  const fromEnv = (env.KUBECONFIG ?? '').split(':').filter((p) => p.length > 0);
  if (fromEnv.length > 0) return { kind: 'files', paths: fromEnv };
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (host && port) return { kind: 'in-cluster', host, port };
  if (env.HOME) return { kind: 'files', paths: [`${env.HOME}/.kube/config`] };
  return undefined;
}

function commanderMessage(err: CommanderError): string {
  return err.message.replace(/^error:\s*/, '').split('\n')[0] ?? err.message;
}

/** Parses argv (without node and script) and the environment. Never throws and never exits. */
export function parseConfig(argv: readonly string[], env: Env, host: HostFacts): ParseOutcome {
  const out = { text: '' };
  const program = buildProgram(out);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'help', text: out.text };
      return { kind: 'error', message: commanderMessage(err) };
    }
    throw err;
  }
  try {
    const raw = rawValues(program.opts(), env);
    const kubeconfig = resolveKubeconfig(validate<string>('kubeconfig', raw.get('kubeconfig')), env);
    if (!kubeconfig) {
      return { kind: 'error', message: 'no kubeconfig found: pass --kubeconfig, set KUBECONFIG, or run inside a pod' };
    }
    const config: Config = {
      kubeconfig,
      context: validate<string>('context', raw.get('context')),
      namespace: validate<string>('namespace', raw.get('namespace')),
      namespaced: validate('namespaced', raw.get('namespaced'), false),
      instanceId: validate<string>('instanceId', raw.get('instanceId')),
      workers: validate('workers', raw.get('workers'), 10),
      qps: validate('qps', raw.get('qps'), DEFAULT_QPS),
      burst: validate('burst', raw.get('burst'), DEFAULT_BURST),
      metricsPort: validate('metricsPort', raw.get('metricsPort'), 8090),
      healthzPort: validate('healthzPort', raw.get('healthzPort'), 8080),
      leaderElect: validate('leaderElect', raw.get('leaderElect'), true),
      leaseNamespace: validate<string>('leaseNamespace', raw.get('leaseNamespace')),
      leaseName: validate('leaseName', raw.get('leaseName'), 'ramp-controller-lock'),
      logLevel: validate<LogLevel>('logLevel', raw.get('logLevel'), 'info'),
      resyncSeconds: validate('resyncSeconds', raw.get('resyncSeconds'), 900),
      shutdownGraceSeconds: validate('shutdownGraceSeconds', raw.get('shutdownGraceSeconds'), 20),
      identity: `${host.hostname}_${host.pid}`,
      istioApiVersion: validate('istioApiVersion', raw.get('istioApiVersion'), DEFAULT_ISTIO_VERSION),
      ambassadorApiVersion: validate('ambassadorApiVersion', raw.get('ambassadorApiVersion'), DEFAULT_AMBASSADOR_VERSION),
      trafficSplitApiVersion: validate('trafficSplitApiVersion', raw.get('trafficSplitApiVersion'), DEFAULT_SMI_VERSION),
      traefikApiGroup: validate('traefikApiGroup', raw.get('traefikApiGroup'), DEFAULT_TRAEFIK_API_GROUP),
      traefikApiVersion: validate('traefikApiVersion', raw.get('traefikApiVersion'), DEFAULT_TRAEFIK_API_VERSION),
      appmeshCrdVersion: validate('appmeshCrdVersion', raw.get('appmeshCrdVersion'), DEFAULT_APPMESH_CRD_VERSION),
      selfServiceNotificationEnabled: validate('selfServiceNotificationEnabled', raw.get('selfServiceNotificationEnabled'), false),
    };
    if (validate('albVerifyWeight', raw.get('albVerifyWeight'), false)) {
      return {
        kind: 'error',
        message:
          `${raw.get('albVerifyWeight')?.source ?? '--alb-verify-weight'}: Ramp makes no AWS API calls, so it cannot verify ALB target group weights; ` +
          'remove it (the ALB router reads the weights back from the Ingress action annotation)',
      };
    }
    if (config.namespaced && !config.namespace) {
      return { kind: 'error', message: `${raw.get('namespaced')?.source ?? '--namespaced'} needs --namespace (or RAMP_NAMESPACE): the namespace to watch` };
    }
    return { kind: 'run', config };
  } catch (err) {
    if (err instanceof InvalidValue) return { kind: 'error', message: err.message };
    throw err;
  }
}
