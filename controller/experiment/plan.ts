import type { AnalysisPhase, Experiment, ExperimentStatus, TemplateStatus } from '../api/index.ts';
import { formatTime } from '../api/kit.ts';
import { invalidSpecMessage, type FieldError } from '../api/validation/index.ts';
import { decideExperimentPhase, type ExperimentFacts } from '../machine/experiment.ts';
import { CONDITION_TYPES, getCondition, newCondition, removeCondition, setCondition } from '../reconcile/shared/conditions.ts';
import { toMillis } from '../reconcile/shared/time.ts';
import { planAnalysis } from './analyses.ts';
import { progressDeadlineSecondsOf } from './render.ts';
import { desiredReplicas, durationRemainingMs, hasRequiredAnalysisRuns, isTerminating, requiredAnalysisRunsSuccessful } from './state.ts';
import { planTemplate } from './templates.ts';
import type { ExperimentPlan, ExperimentWorld, PlanOutput } from './types.ts';

/**
 * One pass of the Experiment controller, pure: from the Experiment and what it owns, the writes
 * to make, the status to write, the events to record and when to look again (Argo's
 * experimentContext.reconcile and calculateStatus).
 */
export function planExperiment(world: ExperimentWorld): ExperimentPlan {
  const ex = world.experiment;
  const out: PlanOutput = { actions: [], events: [], wakeups: [] };
  const status: ExperimentStatus = { ...ex.status };
  status.templateStatuses = ex.spec.templates.map((t) => planTemplate(world, t, out));
  const runs = (ex.spec.analyses ?? []).flatMap((a) => planAnalysis(world, a, out) ?? []);
  if (runs.length > 0) status.analysisRuns = runs;

  const templates = assessTemplates(ex, status);
  const analyses = assessAnalysisRuns(ex, status);
  if ((ex.status?.phase === 'Pending' || ex.status?.phase === 'Running') && templates.phase === 'Running' && !status.availableAt) {
    status.availableAt = formatTime(world.now);
  }
  const facts: ExperimentFacts = {
    templates,
    analyses,
    hasRequiredAnalyses: hasRequiredAnalysisRuns(ex),
    requiredAnalysesSuccessful: requiredAnalysisRunsSuccessful(ex, status),
  };
  const decided = decideExperimentPhase(ex.status?.phase, facts);
  status.phase = decided.phase;
  if (decided.message !== undefined) {
    if (decided.message) status.message = decided.message;
    else delete status.message;
  }
  status.conditions = experimentConditions(ex, status, world.now);
  if (status.phase !== ex.status?.phase) out.events.push(phaseEvent(ex.status?.phase, status.phase));

  const requeue = nextCheckMs(ex, status, world.now);
  if (requeue !== undefined) out.wakeups.push(requeue);
  const requeueAfterMs = out.wakeups.length > 0 ? Math.max(0, Math.min(...out.wakeups)) : undefined;
  return { actions: out.actions, status, events: out.events, ...(requeueAfterMs !== undefined ? { requeueAfterMs } : {}) };
}

/** The status of an Experiment whose spec is invalid: InvalidSpec naming the field, phase Error. */
export function planInvalidExperiment(ex: Pick<Experiment, 'metadata' | 'status'>, errors: readonly FieldError[], now: Date): ExperimentPlan {
  const message = invalidSpecMessage(ex.metadata.name ?? '', errors, 'Experiment');
  const previous = getCondition(ex.status?.conditions, CONDITION_TYPES.InvalidSpec);
  const conditions =
    previous?.message === message
      ? [...(ex.status?.conditions ?? [])]
      : [...removeCondition(ex.status?.conditions, CONDITION_TYPES.InvalidSpec), newCondition('InvalidSpec', 'True', 'InvalidSpec', message, now)];
  const status: ExperimentStatus = { ...ex.status, phase: 'Error', message, conditions };
  const events = ex.status?.phase === 'Error' ? [] : [phaseEvent(ex.status?.phase, 'Error')];
  return { actions: [], status, events };
}

function phaseEvent(from: AnalysisPhase | undefined, to: AnalysisPhase) {
  const warning = to === 'Failed' || to === 'Error' || to === 'Inconclusive';
  return { type: warning ? ('Warning' as const) : ('Normal' as const), reason: `Experiment${to}`, message: `Experiment transitioned from ${from ?? ''} -> ${to}` };
}

/** Best to worst, as Argo's TemplateIsWorse orders template statuses. */
const TEMPLATE_ORDER = ['Successful', 'Running', 'Progressing', 'Error', 'Failed'] as const;
const TEMPLATE_PHASE: Record<(typeof TEMPLATE_ORDER)[number], AnalysisPhase> = {
  Successful: 'Successful',
  Running: 'Running',
  Progressing: 'Pending',
  Error: 'Error',
  Failed: 'Failed',
};

/** Argo's assessTemplates: the worst template status, as an experiment phase. */
function assessTemplates(ex: Experiment, status: ExperimentStatus): { phase: AnalysisPhase; message: string } {
  let worst: (typeof TEMPLATE_ORDER)[number] = 'Successful';
  let message = '';
  for (const template of ex.spec.templates) {
    const ts: TemplateStatus | undefined = status.templateStatuses?.find((t) => t.name === template.name);
    const code = ts?.status ?? 'Progressing';
    if (TEMPLATE_ORDER.indexOf(code) > TEMPLATE_ORDER.indexOf(worst)) {
      worst = code;
      message = ts?.message ?? '';
    }
  }
  return { phase: TEMPLATE_PHASE[worst], message };
}

/** Best to worst, as Argo's analysisutil.IsWorse orders phases. */
const ANALYSIS_ORDER: readonly AnalysisPhase[] = ['Successful', 'Running', 'Pending', 'Inconclusive', 'Error', 'Failed'];

/** Argo's assessAnalysisRuns: the worst analysis phase, Running rather than Pending. */
function assessAnalysisRuns(ex: Experiment, status: ExperimentStatus): { phase: AnalysisPhase; message: string } {
  let worst: AnalysisPhase = 'Successful';
  let message = '';
  for (const analysis of ex.spec.analyses ?? []) {
    const run = status.analysisRuns?.find((r) => r.name === analysis.name);
    if (run && ANALYSIS_ORDER.indexOf(run.phase) > ANALYSIS_ORDER.indexOf(worst)) {
      worst = run.phase;
      message = run.message ?? '';
    }
  }
  if (requiredAnalysisRunsSuccessful(ex, status) && ANALYSIS_ORDER.indexOf(worst) <= ANALYSIS_ORDER.indexOf('Running')) {
    return { phase: 'Successful', message: 'Required AnalysisRuns completed' };
  }
  return { phase: worst === 'Pending' ? 'Running' : worst, message };
}

/** Argo's calculateExperimentConditions: Progressing, completed or running; no InvalidSpec on a valid spec. */
function experimentConditions(ex: Experiment, status: ExperimentStatus, now: Date) {
  const name = ex.metadata.name ?? '';
  const conditions = removeCondition(status.conditions, CONDITION_TYPES.InvalidSpec);
  if (status.phase === 'Successful') {
    return setCondition(conditions, newCondition('Progressing', 'False', 'ExperimentCompleted', `Experiment "${name}" has successfully ran and completed.`, now)).conditions;
  }
  if (templatesProgressed(ex.status, status)) {
    return setCondition(conditions, newCondition('Progressing', 'True', 'ReplicaSetUpdated', `Experiment "${name}" is progressing.`, now)).conditions;
  }
  const remaining = durationRemainingMs(ex, ex.status, now);
  if (ex.status?.availableAt && !(remaining !== undefined && remaining < 0)) {
    return setCondition(conditions, newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `Experiment "${name}" is running.`, now)).conditions;
  }
  return conditions;
}

/** Argo's ExperimentProgressing: a template appeared or its pod counts moved. */
function templatesProgressed(before: ExperimentStatus | undefined, after: ExperimentStatus): boolean {
  const old = before?.templateStatuses ?? [];
  const next = after.templateStatuses ?? [];
  if (old.length < next.length) return true;
  return old.some((o) => {
    const n = next.find((t) => t.name === o.name);
    return (
      !!n &&
      (o.replicas !== n.replicas || o.updatedReplicas !== n.updatedReplicas || o.readyReplicas !== n.readyReplicas || o.availableReplicas !== n.availableReplicas)
    );
  });
}

/** Argo's calculateEnqueueDuration: the end of the duration, or the first template progress deadline. */
function nextCheckMs(ex: Experiment, status: ExperimentStatus, now: Date): number | undefined {
  if (isTerminating(ex, status)) return undefined;
  const candidates: number[] = [];
  const remaining = durationRemainingMs(ex, status, now);
  if (remaining !== undefined && remaining >= 0) candidates.push(remaining + 1);
  const deadlineMs = progressDeadlineSecondsOf(ex) * 1000;
  for (const template of ex.spec.templates) {
    const ts = status.templateStatuses?.find((t) => t.name === template.name);
    if (!ts || (ts.status !== 'Progressing' && ts.status !== 'Running')) continue;
    const since = toMillis(ts.lastTransitionTime);
    if (ts.availableReplicas !== desiredReplicas(ex, status, template) && since !== undefined) {
      candidates.push(since + deadlineMs - now.getTime() + 1);
    }
  }
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
