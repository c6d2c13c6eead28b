import type { AnalysisRun, Rollout } from '../../controller/api/index.ts';
import { analysisIcon } from './icons.ts';
import { ownerUid, parseRevision } from './labels.ts';
import type { AnalysisRunInfo, JobInfo, MeasurementInfo, MetricInfo } from './types.ts';

/** Measurement metadata key under which the job provider records its Job's name. */
const JOB_NAME_KEY = 'job-name';

function measurementInfo(m: { phase: string; value?: string; message?: string; startedAt?: string; finishedAt?: string }): MeasurementInfo {
  const info: MeasurementInfo = { phase: m.phase };
  if (m.value !== undefined) info.value = m.value;
  if (m.message !== undefined) info.message = m.message;
  if (m.startedAt !== undefined) info.startedAt = m.startedAt;
  if (m.finishedAt !== undefined) info.finishedAt = m.finishedAt;
  return info;
}

function limit(value: number | string | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/**
 * Argo's getAnalysisRunInfo: the rollout's AnalysisRuns with totals and, per metric, its
 * conditions and measurements (kept for `explain`); newest revision first.
 */
export function analysisRunInfos(ro: Rollout, runs: readonly AnalysisRun[]): AnalysisRunInfo[] {
  return analysisRunInfosOwnedBy(ro.metadata.uid ?? '', runs);
}

/** The AnalysisRuns an object (a Rollout or an Experiment) owns, as analysisRunInfos shows them. */
export function analysisRunInfosOwnedBy(uid: string, runs: readonly AnalysisRun[]): AnalysisRunInfo[] {
  const owner = new Set([uid]);
  const infos: AnalysisRunInfo[] = [];
  for (const run of runs) {
    if (ownerUid(run.metadata.ownerReferences as { uid: string }[] | undefined, owner) === undefined) continue;
    const phase = run.status?.phase ?? '';
    const info: AnalysisRunInfo = {
      name: run.metadata.name ?? '',
      namespace: run.metadata.namespace ?? '',
      revision: parseRevision(run.metadata.annotations),
      status: phase,
      icon: analysisIcon(phase),
      successful: 0,
      failed: 0,
      inconclusive: 0,
      error: 0,
      metrics: [],
      jobs: [],
    };
    if (run.metadata.creationTimestamp !== undefined) info.creationTimestamp = run.metadata.creationTimestamp;
    if (run.status?.message) info.message = run.status.message;
    if (run.status?.startedAt !== undefined) info.startedAt = run.status.startedAt;
    if (run.status?.completedAt !== undefined) info.completedAt = run.status.completedAt;
    const results = new Map((run.status?.metricResults ?? []).map((r) => [r.name, r]));
    for (const result of run.status?.metricResults ?? []) {
      info.successful += result.successful ?? 0;
      info.failed += result.failed ?? 0;
      info.inconclusive += result.inconclusive ?? 0;
      info.error += result.error ?? 0;
      for (const m of result.measurements ?? []) {
        const jobName = m.metadata?.[JOB_NAME_KEY];
        if (jobName === undefined) continue;
        const job: JobInfo = { name: jobName, metricName: result.name, status: m.phase, icon: analysisIcon(m.phase) };
        if (m.startedAt !== undefined) job.startedAt = m.startedAt;
        info.jobs.push(job);
      }
    }
    for (const metric of run.spec.metrics) {
      const result = results.get(metric.name);
      const metricInfo: MetricInfo = {
        name: metric.name,
        phase: result?.phase ?? '',
        count: result?.count ?? 0,
        successful: result?.successful ?? 0,
        failed: result?.failed ?? 0,
        inconclusive: result?.inconclusive ?? 0,
        error: result?.error ?? 0,
        consecutiveError: result?.consecutiveError ?? 0,
        dryRun: result?.dryRun ?? false,
        measurements: (result?.measurements ?? []).map(measurementInfo),
      };
      if (result?.message) metricInfo.message = result.message;
      if (metric.successCondition !== undefined) metricInfo.successCondition = metric.successCondition;
      if (metric.failureCondition !== undefined) metricInfo.failureCondition = metric.failureCondition;
      const failureLimit = limit(metric.failureLimit);
      const inconclusiveLimit = limit(metric.inconclusiveLimit);
      const consecutiveErrorLimit = limit(metric.consecutiveErrorLimit);
      if (failureLimit !== undefined) metricInfo.failureLimit = failureLimit;
      if (inconclusiveLimit !== undefined) metricInfo.inconclusiveLimit = inconclusiveLimit;
      if (consecutiveErrorLimit !== undefined) metricInfo.consecutiveErrorLimit = consecutiveErrorLimit;
      info.metrics.push(metricInfo);
    }
    infos.push(info);
  }
  infos.sort((a, b) => {
    if (a.revision !== b.revision) return b.revision - a.revision;
    const ta = a.creationTimestamp ? Date.parse(a.creationTimestamp) : 0;
    const tb = b.creationTimestamp ? Date.parse(b.creationTimestamp) : 0;
    if (ta !== tb) return ta - tb;
    return a.name > b.name ? -1 : a.name < b.name ? 1 : 0;
  });
  return infos;
}
