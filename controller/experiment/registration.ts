// The Experiment controller's edge: reads the Experiment and what it owns from the informer
// caches, runs the pure plan, carries out its writes idempotently (an object that already
// exists is the one a previous pass created) and writes the status with the object, as
// Argo's CRD has no status subresource for Experiments.
import type { V1ReplicaSet, V1Service } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Experiment } from '../api/index.ts';
import { EXPERIMENT_TEMPLATE_NAME_ANNOTATION, FIELD_MANAGER, SCALE_DOWN_DEADLINE_ANNOTATION } from '../api/labels.ts';
import { validateExperiment } from '../api/validation/index.ts';
import type { KubeClient } from '../kube/client.ts';
import { isConflict, isNotFound } from '../kube/errors.ts';
import { createMergePatch } from '../kube/merge-patch.ts';
import {
  ANALYSIS_RUNS,
  ANALYSIS_TEMPLATES,
  CLUSTER_ANALYSIS_TEMPLATES,
  EXPERIMENTS,
  REPLICA_SETS,
  SERVICES,
  type KubeObject,
} from '../kube/resources.ts';
import { controllerOf } from '../kube/store.ts';
import { ownedBy, type Caches, type ReconcilerContext, type ReconcilerRegistration } from '../runtime/types.ts';
import { registerExperimentMetrics } from './metrics.ts';
import { planExperiment, planInvalidExperiment } from './plan.ts';
import type { ExperimentAction, ExperimentPlan, ExperimentWorld } from './types.ts';

export interface ExperimentControllerOptions {
  /** Where experiment_info and experiment_phase are registered; none without it. */
  registry?: Registry;
}

/** The objects an Experiment owns, by template, from the caches. */
function owned<T extends KubeObject>(caches: Caches, resource: typeof REPLICA_SETS, uid: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const obj of caches.informer<KubeObject>(resource).byOwner(uid)) {
    const template = obj.metadata?.annotations?.[EXPERIMENT_TEMPLATE_NAME_ANNOTATION];
    if (template !== undefined && controllerOf(obj)?.uid === uid) out.set(template, obj as T);
  }
  return out;
}

const byName = <T extends KubeObject>(objs: readonly KubeObject[]): Map<string, T> => new Map(objs.map((o) => [o.metadata?.name ?? '', o as T]));

async function observe(client: KubeClient, caches: Caches, ex: Experiment, now: Date, signal: AbortSignal): Promise<ExperimentWorld> {
  const uid = ex.metadata.uid ?? '';
  const namespace = ex.metadata.namespace ?? '';
  const runs = byName<AnalysisRun & KubeObject>(caches.informer<KubeObject>(ANALYSIS_RUNS).byOwner(uid));
  // A run the status names but the cache has not seen yet is read from the apiserver, as Argo does.
  for (const status of ex.status?.analysisRuns ?? []) {
    if (!status.analysisRun || runs.has(status.analysisRun)) continue;
    try {
      runs.set(status.analysisRun, await client.get(ANALYSIS_RUNS, namespace, status.analysisRun, { signal }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const templates = byName<AnalysisTemplate & KubeObject>(caches.informer<KubeObject>(ANALYSIS_TEMPLATES).list(namespace));
  const clusterTemplates = byName<ClusterAnalysisTemplate & KubeObject>(caches.informer<KubeObject>(CLUSTER_ANALYSIS_TEMPLATES).list());
  // A template missing from the cache may be one created a moment ago: Error is only for one the
  // apiserver does not have either.
  for (const analysis of ex.spec.analyses ?? []) {
    const [found, resource, ns] = analysis.clusterScope
      ? [clusterTemplates as Map<string, KubeObject>, CLUSTER_ANALYSIS_TEMPLATES, undefined]
      : [templates as Map<string, KubeObject>, ANALYSIS_TEMPLATES, namespace];
    if (found.has(analysis.templateName)) continue;
    try {
      found.set(analysis.templateName, await client.get(resource, ns, analysis.templateName, { signal }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return {
    experiment: ex,
    replicaSets: owned<V1ReplicaSet>(caches, REPLICA_SETS, uid),
    services: owned<V1Service>(caches, SERVICES, uid),
    runs,
    analysisTemplates: { templates, clusterTemplates },
    now,
  };
}

/** Creates `obj`; one that already exists was created by an earlier pass. */
async function createOnce(client: KubeClient, resource: typeof REPLICA_SETS, obj: KubeObject, signal: AbortSignal): Promise<void> {
  try {
    await client.create(resource, obj, { fieldManager: FIELD_MANAGER, signal });
  } catch (err) {
    if (!isConflict(err)) throw err;
  }
}

async function carryOut(client: KubeClient, namespace: string, action: ExperimentAction, signal: AbortSignal): Promise<void> {
  const opts = { fieldManager: FIELD_MANAGER, signal };
  switch (action.kind) {
    case 'createReplicaSet':
      return createOnce(client, REPLICA_SETS, action.replicaSet as KubeObject, signal);
    case 'scaleReplicaSet':
      await client.mergePatch(REPLICA_SETS, namespace, action.name, { spec: { replicas: action.to } }, opts);
      return;
    case 'setScaleDownDeadline':
      await client.mergePatch(REPLICA_SETS, namespace, action.name, { metadata: { annotations: { [SCALE_DOWN_DEADLINE_ANNOTATION]: action.deadline } } }, opts);
      return;
    case 'createService':
      return createOnce(client, SERVICES, action.service as KubeObject, signal);
    case 'deleteService':
      await client.delete(SERVICES, namespace, action.name, { signal }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      return;
    case 'createAnalysisRun':
      return createOnce(client, ANALYSIS_RUNS, action.run as KubeObject, signal);
    case 'terminateAnalysisRun':
      await client.mergePatch(ANALYSIS_RUNS, namespace, action.name, { spec: { terminate: true } }, opts);
      return;
  }
}

async function write(client: KubeClient, ex: Experiment, plan: ExperimentPlan, signal: AbortSignal, recordEvent: ReconcilerContext['recordEvent']): Promise<void> {
  const namespace = ex.metadata.namespace ?? '';
  for (const action of plan.actions) await carryOut(client, namespace, action, signal);
  const patch = createMergePatch(ex.status ?? {}, plan.status);
  if (patch) {
    // The resourceVersion makes a pass over a stale copy fail with 409 and run again.
    await client.mergePatch(
      EXPERIMENTS,
      namespace,
      ex.metadata.name ?? '',
      { metadata: { resourceVersion: ex.metadata.resourceVersion }, status: patch },
      { fieldManager: FIELD_MANAGER, signal },
    );
  }
  for (const event of plan.events) {
    // Events are for people; failing to record one must not fail the pass.
    recordEvent('Experiment', ex as KubeObject, event);
  }
}

export function createExperimentRegistration(options: ExperimentControllerOptions = {}): ReconcilerRegistration {
  return {
    // Argo's metric stem: experiment_reconcile, experiment_reconcile_error.
    name: 'experiment',
    resource: EXPERIMENTS,
    watches: [ownedBy(REPLICA_SETS, 'Experiment'), ownedBy(SERVICES, 'Experiment'), ownedBy(ANALYSIS_RUNS, 'Experiment')],
    setup(ctx) {
      const { client, caches, clock, logger } = ctx;
      const experiments = caches.informer<KubeObject>(EXPERIMENTS);
      if (options.registry) registerExperimentMetrics(options.registry, () => experiments.list() as unknown as Experiment[]);
      return async (key, signal) => {
        const obj = experiments.get(key) as (KubeObject & { metadata: { deletionTimestamp?: string } }) | undefined;
        if (!obj || obj.metadata.deletionTimestamp) return;
        const now = new Date(clock.now());
        const validation = validateExperiment(obj);
        if (!validation.ok) {
          const ex = obj as unknown as Experiment;
          const plan = planInvalidExperiment(ex, validation.errors, now);
          logger.warn({ experiment: key, message: plan.status.message }, 'experiment spec is invalid');
          await write(client, ex, plan, signal, ctx.recordEvent);
          return;
        }
        const ex = validation.experiment;
        const plan = planExperiment(await observe(client, caches, ex, now, signal));
        if (plan.actions.length > 0) logger.info({ experiment: key, actions: plan.actions.map((a) => a.kind) }, 'experiment writes');
        await write(client, ex, plan, signal, ctx.recordEvent);
        if (plan.status.phase !== ex.status?.phase) logger.info({ experiment: key, phase: plan.status.phase, message: plan.status.message }, 'experiment phase');
        return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
      };
    },
  };
}
