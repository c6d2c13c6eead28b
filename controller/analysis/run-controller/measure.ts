// One pass over an AnalysisRun: decide what is due (pure), take those
// measurements through the providers (effects), fold them in (pure). The
// caller writes the returned status and requeues after `requeueAfterMs`.
import { resolveSecretArgs, type SecretPort } from '../args.ts';
import { errorMessage, markMeasurementError, type MetricProvider, type ProviderContext } from '../providers/provider.ts';
import { providerFor, type ProviderRegistry } from '../providers/registry.ts';
import { applyMeasurements, planMeasurements, type MetricTask, type TakenMeasurement } from '../run/index.ts';
import { errorStatus } from '../run/plan.ts';
import { formatTime } from '../../api/kit.ts';
import { resolveMetricArgs } from '../template.ts';
import type { AnalysisRun, AnalysisRunStatus, Argument, Measurement } from '../types.ts';

export interface AnalysisDeps {
  providers: ProviderRegistry;
  secrets: SecretPort;
  now(): number;
}

export interface ReconcileOutcome {
  status: AnalysisRunStatus;
  // False when the run was already complete and nothing was done.
  changed: boolean;
  requeueAfterMs: number | undefined;
  // Cleanup problems that do not change the run (e.g. an old Job not deleted).
  warnings: string[];
}

export async function reconcileAnalysisRun(run: AnalysisRun, deps: AnalysisDeps): Promise<ReconcileOutcome> {
  const plan = planMeasurements(run, deps.now());
  if (plan.kind === 'completed') return { status: run.status ?? {}, changed: false, requeueAfterMs: undefined, warnings: [] };
  if (plan.kind === 'invalid') return { status: plan.status, changed: true, requeueAfterMs: undefined, warnings: [] };

  let args: Argument[] = run.spec.args ?? [];
  let secrets: string[] = [];
  if (plan.tasks.length > 0) {
    try {
      ({ args, secrets } = await resolveSecretArgs(run.spec.args, run.metadata.namespace ?? 'default', deps.secrets));
    } catch (err) {
      const status = errorStatus(run, `Unable to resolve metric arguments: ${errorMessage(err)}`, deps.now());
      return { status, changed: true, requeueAfterMs: undefined, warnings: [] };
    }
  }

  const taken = await Promise.all(plan.tasks.map((task) => measure(run, task, args, deps)));
  const applied = applyMeasurements(run, deps.now(), taken, { secrets });

  const warnings: string[] = [];
  for (const gc of applied.garbageCollect) {
    const spec = run.spec.metrics.find((m) => m.name === gc.metricName);
    if (spec === undefined) continue;
    try {
      const metric = resolveMetricArgs(spec, args);
      const provider = providerFor(metric, deps.providers);
      await provider.garbageCollect?.({ run, metric, now: deps.now }, gc.limit);
    } catch (err) {
      warnings.push(`garbage collection of metric '${gc.metricName}' failed: ${errorMessage(err)}`);
    }
  }
  return { status: applied.status, changed: true, requeueAfterMs: applied.requeueAfterMs, warnings };
}

async function measure(run: AnalysisRun, task: MetricTask, args: Argument[], deps: AnalysisDeps): Promise<TakenMeasurement> {
  const replacesLast = task.action !== 'run';
  const base: Measurement = task.incomplete ?? { phase: 'Running', startedAt: formatTime(new Date(deps.now())) };
  let provider: MetricProvider;
  let ctx: ProviderContext;
  try {
    const metric = resolveMetricArgs(task.metric, args);
    provider = providerFor(metric, deps.providers);
    ctx = { run, metric, now: deps.now };
  } catch (err) {
    return { metricName: task.metric.name, measurement: markMeasurementError(base, err, deps.now()), replacesLast };
  }
  let measurement: Measurement;
  try {
    if (task.action === 'run') measurement = await provider.run(ctx);
    else if (task.action === 'resume') measurement = provider.resume ? await provider.resume(ctx, base) : base;
    else {
      measurement = provider.terminate ? await provider.terminate(ctx, base) : base;
      if (measurement.phase === 'Successful' || measurement.phase === 'Inconclusive') measurement = { ...measurement, message: 'Metric Terminated' };
    }
  } catch (err) {
    measurement = markMeasurementError(base, err, deps.now());
  }
  const resultMetadata = provider.metadata?.(ctx.metric);
  return { metricName: task.metric.name, measurement, replacesLast, ...(resultMetadata ? { resultMetadata } : {}) };
}
