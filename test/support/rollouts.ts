import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { REPLICA_SETS, ROLLOUTS, SERVICES, type KubeObject } from '../../controller/kube/resources.ts';
import type { RolloutStatus } from '../../controller/api/index.ts';
import { eventually } from './cluster.ts';

export const HASH_LABEL = 'rollouts-pod-template-hash';

export interface RolloutLike extends KubeObject {
  spec: Record<string, unknown> & { template?: { spec?: { containers?: Array<{ image?: string }> } } };
  status?: RolloutStatus;
}
export interface ReplicaSetLike extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}
export interface ServiceLike extends KubeObject {
  spec?: { selector?: Record<string, string> };
}

/** Reads and writes Rollouts the way a user (or kubectl argo rollouts) does. */
export class RolloutHelper {
  readonly client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [process.env.RAMP_KUBECONFIG ?? ''] }));
  constructor(readonly namespace: string) {}

  async create(obj: KubeObject): Promise<void> {
    const type = obj.kind === 'Service' ? SERVICES : ROLLOUTS;
    await this.client.create(type, { ...obj, metadata: { ...obj.metadata, namespace: this.namespace } });
  }

  get(name: string): Promise<RolloutLike> {
    return this.client.get<RolloutLike>(ROLLOUTS, this.namespace, name);
  }

  service(name: string): Promise<ServiceLike> {
    return this.client.get<ServiceLike>(SERVICES, this.namespace, name);
  }

  async replicaSets(): Promise<ReplicaSetLike[]> {
    return (await this.client.list<ReplicaSetLike>(REPLICA_SETS, { namespace: this.namespace })).items;
  }

  async replicaSet(hash: string): Promise<ReplicaSetLike | undefined> {
    return (await this.replicaSets()).find((rs) => rs.metadata?.labels?.[HASH_LABEL] === hash);
  }

  async setImage(name: string, image: string): Promise<void> {
    const ro = await this.get(name);
    const containers = ro.spec.template?.spec?.containers ?? [];
    await this.client.mergePatch(ROLLOUTS, this.namespace, name, {
      spec: { template: { spec: { containers: containers.map((c) => ({ ...c, image })) } } },
    });
  }

  /** kubectl argo rollouts promote (blue-green, or a canary pause step): clear the pause conditions. */
  promote(name: string): Promise<unknown> {
    return this.client.mergePatchStatus(ROLLOUTS, this.namespace, name, { status: { pauseConditions: null } });
  }

  abort(name: string): Promise<unknown> {
    return this.client.mergePatchStatus(ROLLOUTS, this.namespace, name, { status: { abort: true } });
  }

  retry(name: string): Promise<unknown> {
    return this.client.mergePatchStatus(ROLLOUTS, this.namespace, name, { status: { abort: false } });
  }

  /** Waits until the Rollout satisfies `check`; the failure message shows the last status seen. */
  waitFor(name: string, what: string, check: (ro: RolloutLike) => boolean, timeoutMs = 60_000): Promise<RolloutLike> {
    return eventually(what, async () => {
      const ro = await this.get(name);
      if (check(ro)) return ro;
      return undefined;
    }, timeoutMs).catch(async (err: unknown) => {
      const ro = await this.get(name).catch(() => undefined);
      const status = ro?.status ? JSON.stringify({ phase: ro.status.phase, message: ro.status.message, currentPodHash: ro.status.currentPodHash, currentStepIndex: ro.status.currentStepIndex, controllerPause: ro.status.controllerPause, paused: ro.spec.paused, stableRS: ro.status.stableRS, blueGreen: ro.status.blueGreen, pauseConditions: ro.status.pauseConditions, abort: ro.status.abort }) : 'no status';
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nrollout status: ${status}`);
    });
  }

  async selector(service: string): Promise<string | undefined> {
    return (await this.service(service)).spec?.selector?.[HASH_LABEL];
  }
}

export function service(name: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', name: 'http' }] },
  } as KubeObject;
}

/** An NGINX Ingress for `<name>.local` whose one path goes to port `port` of the Service `backend`. */
export function ingress(name: string, backend: string, port: { number: number } | { name: string } = { number: 80 }): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ host: `${name}.local`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port } } }] } }],
    },
  } as KubeObject;
}

/**
 * The success-rate AnalysisTemplate the analysis tests share: one Prometheus metric over
 * `app_success_ratio{service="<service-name arg>"}` that succeeds at 0.95 or more and fails at
 * once; `metric` adds or overrides the metric's fields (interval, count, …).
 */
export function successRateTemplate(name: string, prometheusUrl: string, metric: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      args: [{ name: 'service-name' }],
      metrics: [
        {
          name: 'success-rate',
          successCondition: 'result[0] >= 0.95',
          failureLimit: 0,
          provider: { prometheus: { address: prometheusUrl, query: 'app_success_ratio{service="{{args.service-name}}"}' } },
          ...metric,
        },
      ],
    },
  } as KubeObject;
}

/** How a test Rollout differs from the usual one: 3 replicas of `registry.local/app:v1` in a container `app`. */
export interface RolloutOptions {
  replicas?: number;
  image?: string;
  /** The container's name. */
  container?: string;
  revisionHistoryLimit?: number;
}

/**
 * A Rollout whose pods are labelled `app: <name>`, with the given `strategy` (`{ canary: … }` or
 * `{ blueGreen: … }`): the one manifest builder the e2e tests and the bench share.
 */
export function rollout(name: string, strategy: Record<string, unknown>, opts: RolloutOptions = {}): KubeObject {
  const { replicas = 3, image = 'registry.local/app:v1', container = 'app', revisionHistoryLimit = 3 } = opts;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name },
    spec: {
      replicas,
      revisionHistoryLimit,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: container, image }] } },
      strategy,
    },
  } as KubeObject;
}

export function blueGreenRollout(name: string, blueGreen: Record<string, unknown>, replicas = 3): KubeObject {
  return rollout(name, { blueGreen }, { replicas });
}

/** A canary Rollout; `canary` holds the strategy's fields (steps, Services, traffic routing, …). */
export function canaryRollout(name: string, canary: Record<string, unknown>, opts: RolloutOptions = {}): KubeObject {
  return rollout(name, { canary }, opts);
}
