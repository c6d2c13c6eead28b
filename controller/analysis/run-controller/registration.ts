// The AnalysisRun controller: each pass measures what is due through the
// providers, writes the status as a minimal merge patch on the status
// subresource, and comes back when the next measurement is due. Changes to the
// Jobs of job metrics bring their run back at once.
import type { Registry } from 'prom-client';
import type { KubeClient } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import {
  ANALYSIS_RUNS,
  ANALYSIS_TEMPLATES,
  CLUSTER_ANALYSIS_TEMPLATES,
  JOBS,
  type KubeObject,
} from '../../kube/resources.ts';
import { controllerNamespace } from '../../runtime/config.ts';
import type { ReconcilerRegistration, SecondaryWatch } from '../../runtime/types.ts';
import { ANALYSIS_RUN_NAME_ANNOTATION, ANALYSIS_RUN_UID_LABEL } from '../providers/job/render.ts';
import { createProviderRegistry, nodeHttp, type HttpPort } from '../providers/index.ts';
import { reconcileAnalysisRun } from './measure.ts';
import { isCompleted, type AnalysisRun, type AnalysisTemplate, type ClusterAnalysisTemplate } from '../types.ts';
import { registerAnalysisMetrics } from './metrics.ts';
import { runEvents, statusPatch, ttlDecision } from './pass.ts';
import { kubeJobPort, kubeSecretPort } from './ports.ts';
import { FIELD_MANAGER } from '../../api/labels.ts';

export interface AnalysisRunControllerOptions {
  /** Where the analysis_run_* and analysis_template_* gauges are registered; none without it. */
  registry?: Registry;
  /** How providers reach Prometheus and web endpoints; Node's http/https by default. */
  http?: HttpPort;
  /** The controller's environment (Datadog's DD_* keys); the process's by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A Job of a job metric carries its run's uid label and name annotation, as Argo labels them. */
export const jobsOfAnalysisRuns: SecondaryWatch = {
  resource: JOBS,
  keysFor(job, caches) {
    const uid = job.metadata?.labels?.[ANALYSIS_RUN_UID_LABEL];
    const namespace = job.metadata?.namespace;
    if (!uid || !namespace) return [];
    const name = job.metadata?.annotations?.[ANALYSIS_RUN_NAME_ANNOTATION];
    if (name) return [`${namespace}/${name}`];
    const run = caches.informer<KubeObject>(ANALYSIS_RUNS).list(namespace).find((r) => r.metadata?.uid === uid);
    return run?.metadata?.name ? [`${namespace}/${run.metadata.name}`] : [];
  },
};

async function deleteRun(client: KubeClient, run: AnalysisRun, signal: AbortSignal): Promise<void> {
  try {
    await client.delete(ANALYSIS_RUNS, run.metadata.namespace, run.metadata.name ?? '', { signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export function createAnalysisRunRegistration(options: AnalysisRunControllerOptions = {}): ReconcilerRegistration {
  const http = options.http ?? nodeHttp;
  const env = options.env ?? process.env;
  return {
    // Argo's metric stem: analysis_run_reconcile, analysis_run_reconcile_error.
    name: 'analysis_run',
    resource: ANALYSIS_RUNS,
    watches: [jobsOfAnalysisRuns],
    setup(ctx) {
      const { client, caches, clock, logger } = ctx;
      const runs = caches.informer<KubeObject>(ANALYSIS_RUNS);
      if (options.registry) {
        const templates = caches.informer<KubeObject>(ANALYSIS_TEMPLATES);
        const clusterTemplates = caches.informer<KubeObject>(CLUSTER_ANALYSIS_TEMPLATES);
        registerAnalysisMetrics(options.registry, {
          runs: () => runs.list() as unknown as AnalysisRun[],
          templates: () => templates.list() as unknown as AnalysisTemplate[],
          clusterTemplates: () => clusterTemplates.list() as unknown as ClusterAnalysisTemplate[],
        });
      }
      const now = (): number => clock.now();
      const namespace = controllerNamespace(ctx.config, client.contextNamespace);

      return async (key, signal) => {
        const run = runs.get(key) as unknown as AnalysisRun | undefined;
        if (!run || (run.metadata as { deletionTimestamp?: string }).deletionTimestamp) return;

        if (isCompleted(run.status?.phase)) {
          const ttl = ttlDecision(run, now());
          if (ttl.kind === 'wait') return { requeueAfterMs: ttl.ms };
          if (ttl.kind === 'delete') {
            logger.info({ analysisRun: key }, 'deleting analysis run: ttlStrategy exceeded');
            await deleteRun(client, run, signal);
          }
          return;
        }

        const secrets = kubeSecretPort(client, signal);
        const outcome = await reconcileAnalysisRun(run, {
          providers: createProviderRegistry({ http, jobs: kubeJobPort(client, caches, signal), secrets, controllerNamespace: namespace, env }),
          secrets,
          now,
        });
        for (const warning of outcome.warnings) logger.warn({ analysisRun: key }, warning);

        const patch = statusPatch(run, outcome.status);
        if (patch) {
          // The resourceVersion makes a pass over a stale copy fail with 409 and run again. Status is
          // written with the object: an AnalysisRun has no status subresource, in Argo's CRD as in Ramp's.
          await client.mergePatch(
            ANALYSIS_RUNS,
            run.metadata.namespace,
            run.metadata.name ?? '',
            { metadata: { resourceVersion: run.metadata.resourceVersion }, status: patch },
            { fieldManager: FIELD_MANAGER, signal },
          );
          logger.info({ analysisRun: key, phase: outcome.status.phase, message: outcome.status.message }, 'analysis run updated');
        }
        for (const event of runEvents(run.status, outcome.status)) {
          // Events are for people; failing to record one must not fail the pass.
          ctx.recordEvent('AnalysisRun', { ...run, status: outcome.status } as KubeObject, event);
        }

        if (isCompleted(outcome.status.phase)) {
          const ttl = ttlDecision({ ...run, status: outcome.status }, now());
          return ttl.kind === 'wait' ? { requeueAfterMs: ttl.ms } : ttl.kind === 'delete' ? { requeueAfterMs: 0 } : undefined;
        }
        return outcome.requeueAfterMs !== undefined ? { requeueAfterMs: outcome.requeueAfterMs } : undefined;
      };
    },
  };
}
