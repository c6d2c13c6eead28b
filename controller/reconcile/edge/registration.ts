import { withStrategy } from '../../api/defaults.ts';
import type { V1Deployment, V1Ingress, V1Pod, V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment, Rollout } from '../../api/index.ts';
import { pendingCommand } from '../shared/pending-command.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isNotFound, KubeApiError } from '../../kube/errors.ts';
import {
  ANALYSIS_RUNS,
  ANALYSIS_TEMPLATES,
  APPMESH_VIRTUAL_ROUTERS,
  CLUSTER_ANALYSIS_TEMPLATES,
  DEPLOYMENTS,
  EXPERIMENTS,
  INGRESSES,
  ISTIO_VIRTUAL_SERVICES,
  PODS,
  REPLICA_SETS,
  ROLLOUTS,
  SERVICES,
  SMI_TRAFFIC_SPLITS,
  type KubeObject,
} from '../../kube/resources.ts';
import { ownedBy, type Caches, type ReconcilerRegistration, type SecondaryWatch } from '../../runtime/types.ts';
import { analysisTemplateWatches } from './analysis-template-watch.ts';
import { analysisRunWriter } from './analysis-run-writer.ts';
import { experimentWriter } from './experiment-writer.ts';
import { apply, applyReleases, ReplicaSetRefusedError, type RolloutWriter } from '../apply.ts';
import { releaseAfterDeletion } from '../shared/referenced-services.ts';
import { announcesAddedToInformer, rolloutAddedToInformerEvent } from '../shared/events.ts';
import { FIELD_MANAGER, MANAGED_BY_ROLLOUTS_ANNOTATION } from '../../api/labels.ts';
import { liveRollout, observe, referencedIngressNames, type ClusterView } from '../observe.ts';
import { strategyServiceNames } from '../shared/referenced-services.ts';
import { plan } from '../plan.ts';
import { clientTrafficKube, managedDestinationRules, optionalRoutingKinds, type RoutingCaches } from './traffic-kube.ts';
import { routingObjectKeys } from './routing-watch.ts';
import { clientDirectReads } from './direct-reads.ts';
import type { TrafficRouterOptions } from '../../traffic/registry.ts';
import type { Registry } from 'prom-client';
import { registerRolloutMetrics } from './rollout-metrics.ts';
import { WrittenVersions } from './written-versions.ts';
import type { Observed, RolloutEvent, RolloutObject } from '../types.ts';

const ISTIO_GROUP = ISTIO_VIRTUAL_SERVICES.group;
/** How soon to look again when the cache has not yet seen our own last write. */
const CACHE_CATCH_UP_MS = 100;

/** Read access to the shared informer caches, shaped as plan() needs it. */
export function cacheView(caches: Caches): ClusterView {
  const rollouts = caches.informer<KubeObject>(ROLLOUTS);
  const replicaSets = caches.informer<KubeObject>(REPLICA_SETS);
  const services = caches.informer<KubeObject>(SERVICES);
  const analysisRuns = caches.informer<KubeObject>(ANALYSIS_RUNS);
  const deployments = caches.informer<KubeObject>(DEPLOYMENTS);
  const analysisTemplates = caches.informer<KubeObject>(ANALYSIS_TEMPLATES);
  const clusterAnalysisTemplates = caches.informer<KubeObject>(CLUSTER_ANALYSIS_TEMPLATES);
  const ingresses = caches.informer<KubeObject>(INGRESSES);
  const experiments = caches.informer<KubeObject>(EXPERIMENTS);
  return {
    rollout: (ns, name) => withStrategy(rollouts.get(`${ns}/${name}`) as RolloutObject | undefined),
    replicaSetsOwnedBy: (uid) => replicaSets.byOwner(uid) as V1ReplicaSet[],
    service: (ns, name) => services.get(`${ns}/${name}`) as V1Service | undefined,
    servicesManagedBy: (ns, rolloutName) =>
      (services.list(ns) as V1Service[]).filter((svc) => svc.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION] === rolloutName),
    analysisRunsOwnedBy: (uid) => analysisRuns.byOwner(uid) as unknown as AnalysisRun[],
    experimentsOwnedBy: (uid) => experiments.byOwner(uid) as unknown as Experiment[],
    deployment: (ns, name) => deployments.get(`${ns}/${name}`) as V1Deployment | undefined,
    analysisTemplate: (ns, name) => analysisTemplates.get(`${ns}/${name}`) as unknown as AnalysisTemplate | undefined,
    clusterAnalysisTemplate: (name) => clusterAnalysisTemplates.get(name) as unknown as ClusterAnalysisTemplate | undefined,
    ingress: (ns, name) => ingresses.get(`${ns}/${name}`) as V1Ingress | undefined,
  };
}

/** The writes of a pass, each one request through the counted client. */
export function clientWriter(
  client: KubeClient,
  signal?: AbortSignal,
  traffic: TrafficRouterOptions = {},
  cached?: RoutingCaches,
  /** Records an Event: queued, so the pass does not wait for it (runtime/event-sink.ts). */
  record: (rollout: RolloutObject, event: RolloutEvent) => void = () => {},
): RolloutWriter {
  const opts = { fieldManager: FIELD_MANAGER, signal };
  // One port for the pass, so what one traffic effect wrote is what the next one reads.
  const routing = clientTrafficKube(client, opts, cached);
  return {
    trafficRouting: () => ({ kube: routing, options: traffic }),
    createReplicaSet: async (ns, rs) => {
      await client.create(REPLICA_SETS, rs as KubeObject, opts).catch((err: unknown) => {
        if (err instanceof KubeApiError && (err.statusCode === 400 || err.statusCode === 422)) {
          throw new ReplicaSetRefusedError({ message: err.serverMessage || err.message, causes: err.status?.details?.causes ?? [] }, { cause: err });
        }
        throw err;
      });
    },
    patchReplicaSet: async (ns, name, patch) => {
      await client.mergePatch(REPLICA_SETS, ns, name, patch, opts);
    },
    deleteReplicaSet: async (ns, name) => {
      await client.delete(REPLICA_SETS, ns, name, { propagationPolicy: 'Background', signal }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
    evictPod: async (ns, name) => {
      await client.evictPod(ns, name, { signal }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
    patchDeployment: async (ns, name, patch) => {
      await client.mergePatch(DEPLOYMENTS, ns, name, patch, opts);
    },
    listPods: async (ns, labelSelector) => (await client.listAll<KubeObject>(PODS, { namespace: ns, labelSelector, signal })).items as V1Pod[],
    patchPod: async (ns, name, patch) => {
      await client.mergePatch(PODS, ns, name, patch, opts).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    },
    patchService: async (ns, name, patch) => {
      await client.mergePatch(SERVICES, ns, name, patch, opts);
    },
    patchRollout: async (ns, name, patch) => {
      const updated = await client.mergePatch(ROLLOUTS, ns, name, patch, opts);
      return updated.metadata?.resourceVersion;
    },
    patchRolloutStatus: async (ns, name, patch) => {
      const updated = await client.mergePatchStatus(ROLLOUTS, ns, name, patch, opts);
      return updated.metadata?.resourceVersion;
    },
    recordEvent: async (rollout, event) => record(rollout, event),
    ...analysisRunWriter(client, opts),
    ...experimentWriter(client, opts),
  };
}

function referencedServices(rollout: KubeObject): string[] {
  return strategyServiceNames((rollout as { spec?: unknown }).spec);
}

/** A change to a Service or Deployment re-runs the Rollouts in its namespace that name it. */
function referencedBy(resource: typeof SERVICES, names: (rollout: KubeObject) => string[]): SecondaryWatch {
  return {
    resource,
    keysFor(obj: KubeObject, caches: Caches) {
      const ns = obj.metadata?.namespace;
      const name = obj.metadata?.name;
      if (!ns || !name) return [];
      return caches
        .informer<KubeObject>(ROLLOUTS)
        .list(ns)
        .filter((r) => names(r).includes(name))
        .map((r) => `${ns}/${r.metadata?.name}`);
    },
  };
}

/**
 * As Argo's Ingress controller: a change to a stable (NGINX) or ALB Ingress re-runs the Rollouts naming it, and a
 * change to (or deletion of) a canary Ingress re-runs the Rollout that owns it.
 */
const ingressWatch: SecondaryWatch = {
  resource: INGRESSES,
  keysFor(obj, caches) {
    const owners = ownedBy(INGRESSES, 'Rollout').keysFor(obj, caches);
    const referencing = referencedBy(INGRESSES, (r) => referencedIngressNames((r as { spec?: unknown }).spec)).keysFor(obj, caches);
    return [...new Set([...owners, ...referencing])];
  },
};

/**
 * A Service re-runs the Rollouts naming it and the one its managed-by annotation names, so that a
 * Service left marked by a deleted Rollout is released (Argo's Service controller).
 */
const serviceWatch: SecondaryWatch = {
  resource: SERVICES,
  keysFor(obj, caches) {
    const manager = obj.metadata?.annotations?.[MANAGED_BY_ROLLOUTS_ANNOTATION];
    const referencing = referencedBy(SERVICES, referencedServices).keysFor(obj, caches);
    return [...new Set([...referencing, ...(manager && obj.metadata?.namespace ? [`${obj.metadata.namespace}/${manager}`] : [])])];
  },
};

/**
 * The Rollout as notification templates read it: with `spec.workloadRef`, the Deployment's pod
 * template and selector in `spec.template` and `spec.selector`, as Argo's recorder restores them.
 */
function withWorkloadTemplate(rollout: RolloutObject, observed: Observed): RolloutObject {
  const workload = observed.workloadTemplate;
  if (!workload) return rollout;
  return { ...rollout, spec: { ...(rollout.spec as object), template: workload.template, selector: workload.selector } } as RolloutObject;
}

/** The Rollout reconciler; with a registry, Argo's per-rollout metrics are registered on it. */
export function createRolloutRegistration(options: { registry?: Registry } = {}): ReconcilerRegistration {
  return {
    name: 'rollout',
    resource: ROLLOUTS,
    commandPending: (obj) => pendingCommand(obj as unknown as Rollout),
    watches: [
      ownedBy(REPLICA_SETS, 'Rollout'),
      ownedBy(ANALYSIS_RUNS, 'Rollout'),
      ownedBy(EXPERIMENTS, 'Rollout'),
      serviceWatch,
      referencedBy(DEPLOYMENTS, (r) => {
        const ref = (r as { spec?: { workloadRef?: { name?: string } } }).spec?.workloadRef?.name;
        return ref ? [ref] : [];
      }),
      ...analysisTemplateWatches,
      ingressWatch,
    ],
    setup(ctx) {
      const view = cacheView(ctx.caches);
      const rollouts = ctx.caches.informer<KubeObject>(ROLLOUTS);
      const countEvent = options.registry ? registerRolloutMetrics(options.registry, () => rollouts.list() as unknown as RolloutObject[]) : undefined;

      const written = new WrittenVersions();
      // Argo records RolloutAddedToInformer when its informer, started once the process leads,
      // first sees a Rollout: before any pass of it. Here the first pass of each Rollout in this
      // process (passes run only while leading) records it first, when its status shows that no
      // pass has observed its generation yet (so a restart writes nothing); one deleted and
      // created again is announced again.
      const announced = new Set<string>();
      rollouts.addHandlers({ delete: (obj) => announced.delete(`${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`) });
      const istioApiVersion = `${ISTIO_GROUP}/${ctx.config.istioApiVersion}`;
      const appMeshApiVersion = `${APPMESH_VIRTUAL_ROUTERS.group}/${ctx.config.appmeshCrdVersion}`;
      const traffic: TrafficRouterOptions = {
        istio: { apiVersion: istioApiVersion },
        smi: { apiVersion: ctx.config.trafficSplitApiVersion },
        traefik: { apiGroup: ctx.config.traefikApiGroup, apiVersion: ctx.config.traefikApiVersion },
        ambassador: { apiVersion: ctx.config.ambassadorApiVersion },
        appMesh: { apiVersion: appMeshApiVersion },
      };
      const cached: RoutingCaches = { caches: ctx.caches, namespace: ctx.config.namespace };
      const referenceVersions = { istio: istioApiVersion, ambassador: ctx.config.ambassadorApiVersion, appMesh: appMeshApiVersion };
      // Routing objects whose CRDs are served are watched: a change re-runs the Rollouts they concern.
      const routingVersions = [
        istioApiVersion,
        ctx.config.ambassadorApiVersion,
        `${SMI_TRAFFIC_SPLITS.group}/${ctx.config.trafficSplitApiVersion}`,
        `${ctx.config.traefikApiGroup}/${ctx.config.traefikApiVersion.slice(ctx.config.traefikApiVersion.lastIndexOf('/') + 1)}`,
        appMeshApiVersion,
      ];
      for (const type of optionalRoutingKinds(routingVersions)) {
        const enqueue = (obj: KubeObject): void => {
          for (const key of routingObjectKeys(obj, ctx.caches)) ctx.enqueue(key);
        };
        ctx.caches.optional?.(type)?.addHandlers({ add: enqueue, update: (_previous, current) => enqueue(current), delete: enqueue });
      }
      /**
       * A Rollout that is gone releases the Services and DestinationRules still marked as its own.
       * Its absence from the cache is confirmed with a GET first: a Rollout of another controller
       * instance (--instance-id) is not cached but still owns its Services.
       */
      const releaseLeftovers = async (namespace: string, name: string, signal: AbortSignal): Promise<void> => {
        const effects = releaseAfterDeletion(view.servicesManagedBy(namespace, name), managedDestinationRules(cached, istioApiVersion, namespace, name));
        if (effects.length === 0) return;
        const exists = await ctx.client.get(ROLLOUTS, namespace, name, { signal }).then(() => true, (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        });
        if (exists) return;
        await applyReleases(clientWriter(ctx.client, signal, traffic, cached), namespace, name, effects);
        ctx.logger.info({ rollout: `${namespace}/${name}`, released: effects.map((e) => (e.kind === 'releaseService' ? `service/${e.service}` : `destinationrule/${e.name}`)) }, 'released what a deleted rollout managed');
      };
      return async (key, signal) => {
        const [namespace, name] = key.includes('/') ? key.split('/', 2) as [string, string] : ['', key];
        const rollout = liveRollout(view, namespace, name);
        if (!rollout) {
          written.forget(key);
          if (!view.rollout(namespace, name)) await releaseLeftovers(namespace, name, signal);
          return;
        }
        // Checked before observe() so a pass that will not run makes no apiserver reads.
        const cachedVersion = (rollout.metadata as { resourceVersion?: string }).resourceVersion;
        if (written.isStale(key, cachedVersion)) return { requeueAfterMs: CACHE_CATCH_UP_MS };
        const observed = await observe(view, clientDirectReads(ctx.client, referenceVersions, signal, cached), namespace, name, new Date(ctx.clock.now()));
        if (!observed) {
          written.forget(key);
          return;
        }
        const decided = plan(observed);
        const record = (rollout: RolloutObject, event: RolloutEvent): void => {
          countEvent?.(rollout, event);
          ctx.recordEvent('Rollout', withWorkloadTemplate(rollout, observed), event);
        };
        const writer = clientWriter(ctx.client, signal, traffic, cached, record);
        if (!announced.has(key)) {
          announced.add(key);
          if (announcesAddedToInformer(observed.rollout)) await writer.recordEvent(observed.rollout, rolloutAddedToInformerEvent(namespace, name)).catch(() => undefined);
        }
        const result = await apply(writer, observed, decided);
        written.record(key, result.resourceVersion);
        ctx.observed('Rollout', withWorkloadTemplate({ ...observed.rollout, status: decided.status } as RolloutObject, observed));
        if (result.effects > 0 || result.statusPatched) {
          ctx.logger.info({ rollout: key, state: decided.state, effects: result.effects, phase: decided.status.phase }, 'reconciled');
        }
        return decided.requeueAfterMs !== undefined ? { requeueAfterMs: decided.requeueAfterMs } : undefined;
      };
    },
  };
}

export const rolloutRegistration = createRolloutRegistration();
