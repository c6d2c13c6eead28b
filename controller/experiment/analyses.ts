import type { AnalysisPhase, ExperimentAnalysisRunStatus, ExperimentAnalysisTemplateRef } from '../api/index.ts';
import type { AnalysisRun } from '../api/index.ts';
import { analysisRunName, findAnalysisTemplate, renderExperimentAnalysisRun } from './render.ts';
import { isCompletedPhase, isTerminating } from './state.ts';
import type { ExperimentWorld, PlanOutput } from './types.ts';

/**
 * One analysis of an Experiment (Argo's reconcileAnalysisRun): its template checked until the
 * templates are available, then its AnalysisRun created, followed, and terminated when the
 * experiment ends. Undefined while there is nothing to report yet.
 */
export function planAnalysis(world: ExperimentWorld, analysis: ExperimentAnalysisTemplateRef, out: PlanOutput): ExperimentAnalysisRunStatus | undefined {
  const ex = world.experiment;
  const prev = ex.status?.analysisRuns?.find((r) => r.name === analysis.name);
  const next = decide(world, analysis, prev, out);
  if (next && next.phase !== prev?.phase) {
    const detail = next.message ? `: ${next.message}` : '';
    out.events.push({
      type: next.phase === 'Failed' || next.phase === 'Error' || next.phase === 'Inconclusive' ? 'Warning' : 'Normal',
      reason: `AnalysisRun${next.phase}`,
      message: `AnalysisRun '${analysis.name}' transitioned from ${prev?.phase ?? ''} -> ${next.phase}${detail}`,
    });
  }
  return next;
}

const failed = (prev: ExperimentAnalysisRunStatus | undefined, name: string, analysisRun: string, message: string): ExperimentAnalysisRunStatus => ({
  ...prev,
  name,
  analysisRun,
  phase: 'Error',
  message,
});

function decide(
  world: ExperimentWorld,
  analysis: ExperimentAnalysisTemplateRef,
  prev: ExperimentAnalysisRunStatus | undefined,
  out: PlanOutput,
): ExperimentAnalysisRunStatus | undefined {
  const ex = world.experiment;
  if (!ex.status?.availableAt) {
    // Not available yet: no run, but a missing template is reported at once.
    try {
      findAnalysisTemplate(analysis, world.analysisTemplates);
    } catch (err) {
      const kind = analysis.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      return failed(prev, analysis.name, '', `${kind} verification failed for analysis '${analysis.name}': ${(err as Error).message}`);
    }
    return prev;
  }
  const terminating = isTerminating(ex, ex.status);
  if (!prev?.analysisRun) {
    const slot = runSlot(world, analysisRunName(ex, analysis));
    // A run created by a pass whose status write was lost is taken up again, not created twice.
    if (slot.adopt) return { name: analysis.name, analysisRun: slot.adopt.metadata.name ?? '', phase: slot.adopt.status?.phase ?? 'Pending' };
    if (terminating) return prev;
    try {
      const rendered = renderExperimentAnalysisRun(ex, analysis, world.analysisTemplates, world.replicaSets);
      const run = { ...rendered, metadata: { ...rendered.metadata, name: slot.create } };
      out.actions.push({ kind: 'createAnalysisRun', run });
      return { name: analysis.name, analysisRun: slot.create, phase: 'Pending' };
    } catch (err) {
      return failed(prev, analysis.name, '', `Failed to create AnalysisRun for analysis '${analysis.name}': ${(err as Error).message}`);
    }
  }
  if (isCompletedPhase(prev.phase)) return prev;
  const run = world.runs.get(prev.analysisRun);
  if (!run) return failed(prev, analysis.name, prev.analysisRun, `analysisruns.argoproj.io "${prev.analysisRun}" not found`);
  if (terminating) {
    if (!isCompletedPhase(run.status?.phase) && !run.spec.terminate) {
      out.actions.push({ kind: 'terminateAnalysisRun', name: prev.analysisRun });
      out.events.push({ type: 'Normal', reason: 'AnalysisRunTerminating', message: `Terminating ${analysis.name} (${prev.analysisRun})` });
    }
    return prev;
  }
  const phase: AnalysisPhase = run.status?.phase ?? 'Pending';
  const message = run.status?.message;
  return { name: analysis.name, analysisRun: prev.analysisRun, phase, ...(message ? { message } : {}) };
}

/**
 * Argo's CreateWithCollisionCounter over the runs the cache holds: a run of this experiment that
 * has not completed is its own (adopted); a completed one, as after `retry experiment`, or
 * another's takes the name, so the next free `<base>.<n>` is created.
 */
function runSlot(world: ExperimentWorld, base: string): { adopt?: AnalysisRun; create: string } {
  const uid = world.experiment.metadata.uid;
  for (let n = 0; ; n += 1) {
    const name = n === 0 ? base : `${base}.${n}`;
    const existing = world.runs.get(name);
    if (!existing) return { create: name };
    const owner = existing.metadata.ownerReferences?.find((ref) => ref.controller);
    const ours = owner !== undefined && (uid === undefined || owner.uid === uid);
    if (ours && !isCompletedPhase(existing.status?.phase)) return { adopt: existing, create: name };
  }
}
