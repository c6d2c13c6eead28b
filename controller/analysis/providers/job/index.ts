// Job metric provider: a Kubernetes Job is the measurement; it succeeds when
// the Job completes and fails when the Job fails.
import { formatTime } from '../../../api/kit.ts';
import type { Measurement } from '../../types.ts';
import { markMeasurementError, startMeasurement, type MetricProvider, type ProviderContext } from '../provider.ts';
import { ANALYSIS_RUN_UID_LABEL, JOB_NAME_KEY, JOB_NAMESPACE_KEY, renderJob, type JobObject } from './render.ts';

export const PROVIDER_TYPE = 'Job';

export interface ObservedJob {
  metadata: {
    name?: string;
    namespace?: string;
    creationTimestamp?: string | Date;
    ownerReferences?: { uid: string; controller?: boolean }[];
  };
  spec?: { selector?: { matchLabels?: Record<string, string> } };
  status?: { conditions?: { type: string; status?: string }[] };
}

interface ContainerStatus {
  name: string;
  state?: { waiting?: { reason?: string; message?: string } };
}

export interface ObservedPod {
  metadata: { name?: string };
  status?: { initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] };
}

// The cluster, as far as job metrics need it.
export interface JobPort {
  // Returns 'AlreadyExists' instead of throwing when the name is taken.
  create(namespace: string, job: JobObject): Promise<ObservedJob | 'AlreadyExists'>;
  get(namespace: string, name: string): Promise<ObservedJob | undefined>;
  // Foreground propagation, so the Job's pods go with it; a missing Job is not an error.
  delete(namespace: string, name: string): Promise<void>;
  list(namespace: string, labelSelector: string): Promise<ObservedJob[]>;
  /** The pods matching a Job's selector. */
  pods(namespace: string, labelSelector: string): Promise<ObservedPod[]>;
}

export function createJobProvider(jobs: JobPort): MetricProvider {
  const namespaceOf = (ctx: ProviderContext) => ctx.run.metadata.namespace ?? 'default';
  // Argo's getJobNamespacedName: the namespace recorded with the measurement, else the run's.
  const jobNamespace = (ctx: ProviderContext, m: Measurement) => m.metadata?.[JOB_NAMESPACE_KEY] || namespaceOf(ctx);
  return {
    type: PROVIDER_TYPE,

    async run(ctx) {
      const measurement = startMeasurement(ctx.now());
      try {
        const job = renderJob(ctx.run, ctx.metric);
        const created = await jobs.create(namespaceOf(ctx), job);
        if (created === 'AlreadyExists') {
          // A previous pass created it but its status update was lost.
          const existing = await jobs.get(namespaceOf(ctx), job.metadata.name);
          const owner = existing?.metadata.ownerReferences?.find((r) => r.controller);
          if (existing === undefined || owner?.uid !== ctx.run.metadata.uid) {
            throw new Error(`jobs.batch "${job.metadata.name}" already exists and is not owned by this AnalysisRun`);
          }
        }
        // Argo's JobProvider.Run: resumed at once, to catch a Job that finishes quickly.
        return { ...measurement, metadata: { [JOB_NAME_KEY]: job.metadata.name, [JOB_NAMESPACE_KEY]: namespaceOf(ctx) }, resumeAt: formatTime(new Date(ctx.now())) };
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
    },

    async resume(ctx, measurement) {
      const name = measurement.metadata?.[JOB_NAME_KEY];
      if (!name) return markMeasurementError(measurement, new Error('job metadata reference missing'), ctx.now());
      let job: ObservedJob | undefined;
      try {
        job = await jobs.get(jobNamespace(ctx, measurement), name);
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
      if (job === undefined) return markMeasurementError(measurement, new Error(`job.batch "${name}" not found`), ctx.now());
      const observed = phaseFromConditions(measurement, job, ctx.now());
      if (observed.finishedAt !== undefined) return observed;
      let stuck: string | undefined;
      try {
        stuck = terminalPodError(await jobs.pods(jobNamespace(ctx, measurement), selectorOf(job)));
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
      // Argo's processJobPods: a pod that can never start proves nothing either way, so the
      // measurement is Inconclusive and the rollout waits for a person rather than failing.
      if (stuck !== undefined) return { ...observed, phase: 'Inconclusive', message: stuck, finishedAt: formatTime(new Date(ctx.now())) };
      return { ...observed, resumeAt: nextResume(observed, ctx.now()) };
    },

    async terminate(ctx, measurement) {
      const name = measurement.metadata?.[JOB_NAME_KEY];
      if (!name) return markMeasurementError(measurement, new Error('job metadata reference missing'), ctx.now());
      try {
        await jobs.delete(jobNamespace(ctx, measurement), name);
      } catch (err) {
        return markMeasurementError(measurement, err, ctx.now());
      }
      // As Argo's JobProvider.Terminate: a Job stopped before it finished proved nothing either way.
      return { ...measurement, phase: 'Inconclusive', finishedAt: formatTime(new Date(ctx.now())) };
    },

    async garbageCollect(ctx, limit) {
      const owned = await jobs.list(namespaceOf(ctx), `${ANALYSIS_RUN_UID_LABEL}=${ctx.run.metadata.uid ?? ''}`);
      const created = (j: ObservedJob) => new Date(j.metadata.creationTimestamp ?? 0).getTime();
      const oldestFirst = [...owned].sort((a, b) => created(a) - created(b));
      for (const job of oldestFirst.slice(0, Math.max(0, oldestFirst.length - limit))) {
        if (job.metadata.name) await jobs.delete(namespaceOf(ctx), job.metadata.name);
      }
    },
  };
}

/** Waiting reasons after which a Job's container never starts on its own (Argo's terminalWaitingReasons). */
const TERMINAL_WAITING_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

/** The first container of the Job's pods stuck in a terminal waiting state, as Argo words it. */
export function terminalPodError(pods: readonly ObservedPod[]): string | undefined {
  for (const pod of pods) {
    for (const cs of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && TERMINAL_WAITING_REASONS.has(waiting.reason)) {
        return `Pod ${pod.metadata.name ?? ''}, container ${cs.name} has terminal error (${waiting.reason}): ${waiting.message ?? ''}`;
      }
    }
  }
  return undefined;
}

function selectorOf(job: ObservedJob): string {
  return Object.entries(job.spec?.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * Argo's JobProvider.Resume: a Job still running is looked at again after a delay growing with the
 * time it has run (sqrt(2 * elapsed seconds)). Without a later resumeAt, a measurement whose
 * resumeAt has passed (as Argo leaves it at creation) would have its run requeued at once, pass
 * after pass.
 */
function nextResume(measurement: Measurement, now: number): string {
  const started = measurement.startedAt ? new Date(measurement.startedAt).getTime() : now;
  const elapsedSeconds = Math.max(0, (now - started) / 1000);
  return formatTime(new Date(now + Math.sqrt(2 * elapsedSeconds) * 1000));
}

// Argo looks only at the condition types: Complete succeeds, Failed fails,
// and a Job with neither is still running.
export function phaseFromConditions(measurement: Measurement, job: ObservedJob, now: number): Measurement {
  let out = measurement;
  for (const condition of job.status?.conditions ?? []) {
    if (condition.type === 'Complete') out = { ...out, phase: 'Successful', finishedAt: formatTime(new Date(now)) };
    else if (condition.type === 'Failed') out = { ...out, phase: 'Failed', finishedAt: formatTime(new Date(now)) };
  }
  return out;
}
