// The Job a job metric creates, named, labelled and owned as Argo does so
// jobs from either controller are recognised and garbage collected alike.
import { getResult } from '../../run/helpers.ts';
import type { AnalysisRun, Metric } from '../../types.ts';

export const JOB_NAME_KEY = 'job-name';
export const JOB_NAMESPACE_KEY = 'job-namespace';
export const ANALYSIS_RUN_NAME_ANNOTATION = 'analysisrun.argoproj.io/name';
export const ANALYSIS_RUN_METRIC_ANNOTATION = 'analysisrun.argoproj.io/metric-name';
export const ANALYSIS_RUN_UID_LABEL = 'analysisrun.argoproj.io/uid';

export interface JobObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: {
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller: boolean;
      blockOwnerDeletion: boolean;
    }[];
  };
  spec: object;
}

// `<run uid>.<metric>.<n>`, n being the number of measurements taken so far
// plus one, so a retried measurement gets a new Job.
/** Kubernetes' DNS label limit: the job controller puts the Job's name into its pods' labels. */
const DNS_LABEL_LIMIT = 63;

/**
 * Argo's newJobName: `<run uid>.<metric>.<n>`, the metric name cut short when the whole would pass
 * 63 characters (the apiserver would refuse the Job, and every measurement would error). Where
 * Argo's cut ends the name part in '-', a name the apiserver refuses too (Argo's measurements then
 * error), the trailing dashes are dropped as well.
 */
export function jobName(run: AnalysisRun, metricName: string): string {
  const result = getResult(run.status?.metricResults, metricName);
  const id = result === undefined ? 1 : (result.count ?? 0) + (result.error ?? 0) + 1;
  const uid = run.metadata.uid ?? '';
  const full = `${uid}.${metricName}.${id}`;
  if (full.length <= DNS_LABEL_LIMIT) return full;
  const cut = metricName.slice(0, metricName.length - (full.length - DNS_LABEL_LIMIT)).replace(/-+$/, '');
  return `${uid}.${cut}.${id}`;
}

export function renderJob(run: AnalysisRun, metric: Metric): JobObject {
  const job = metric.provider.job;
  if (job === undefined) throw new Error(`metric '${metric.name}' has no job provider`);
  if (!run.metadata.uid) throw new Error(`AnalysisRun ${run.metadata.name ?? ''} has no uid; a Job cannot be owned by it`);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(run, metric.name),
      ...(run.metadata.namespace ? { namespace: run.metadata.namespace } : {}),
      labels: { ...(job.metadata?.labels ?? {}), [ANALYSIS_RUN_UID_LABEL]: run.metadata.uid },
      annotations: {
        ...(job.metadata?.annotations ?? {}),
        [ANALYSIS_RUN_NAME_ANNOTATION]: run.metadata.name ?? '',
        [ANALYSIS_RUN_METRIC_ANNOTATION]: metric.name,
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'AnalysisRun',
          name: run.metadata.name ?? '',
          uid: run.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: structuredClone(job.spec),
  };
}
