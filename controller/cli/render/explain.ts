import { formatTime } from '../../api/kit.ts';
import { humanDuration } from '../../../client/info/duration.ts';
import type { AnalysisRunInfo, MetricInfo, PauseInfo, ReplicaSetInfo, RolloutInfo } from '../../../client/info/types.ts';

/**
 * `explain`: the rollout's state in plain sentences — what it waits for and since when, which
 * analysis measurement failed with which value, which pods are not ready, why it is Degraded —
 * and the command that moves it on.
 */

function when(timestamp: string | undefined, now: number): string {
  if (timestamp === undefined) return '';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return timestamp;
  return at <= now ? `${timestamp} (${humanDuration(now - at)} ago)` : `${timestamp} (in ${humanDuration(at - now)})`;
}

function rsLabel(rs: ReplicaSetInfo | undefined): string {
  return rs === undefined ? 'no ReplicaSet yet' : `ReplicaSet ${rs.name} (revision ${rs.revision})`;
}

function newest(info: RolloutInfo): ReplicaSetInfo | undefined {
  return info.replicaSets.find((rs) => rs.podTemplateHash === info.currentHash);
}

function stable(info: RolloutInfo): ReplicaSetInfo | undefined {
  return info.replicaSets.find((rs) => rs.podTemplateHash === info.stableHash);
}

function explainPause(info: RolloutInfo, pause: PauseInfo, now: number): string[] {
  const name = info.name;
  const since = when(pause.startTime, now);
  switch (pause.reason) {
    case 'CanaryPauseStep': {
      const index = info.currentStepIndex ?? 0;
      const step = info.steps[index] ?? 'pause';
      const lines = [`It waits at step ${index + 1} of ${info.steps.length} (${step}) since ${since}, with the canary at ${info.actualWeight}% of traffic.`];
      if (info.pauseDurationSeconds !== undefined) {
        const resumeAt = Date.parse(pause.startTime) + info.pauseDurationSeconds * 1000;
        lines.push(`The pause ends by itself at ${when(formatTime(new Date(resumeAt)), now)}; to go on now: kubectl ramp promote ${name}`);
      } else {
        lines.push(`This pause has no duration: it waits for you. Continue with: kubectl ramp promote ${name}`);
      }
      return lines;
    }
    case 'BlueGreenPause': {
      const preview = info.replicaSets.find((rs) => rs.podTemplateHash !== undefined && rs.podTemplateHash === info.previewSelector);
      const active = info.replicaSets.find((rs) => rs.active);
      const lines = [
        `It waits since ${since} for the preview ${preview !== undefined ? rsLabel(preview) : 'ReplicaSet'} to be promoted.`,
        `The preview service ${info.services.preview ?? '(none)'} selects ${info.previewSelector || 'nothing yet'}; the active service ${info.services.active ?? ''} still selects ${active?.name ?? (info.activeSelector || 'nothing')}.`,
      ];
      if (info.autoPromotionSeconds !== undefined && info.autoPromotionEnabled) {
        const at = Date.parse(pause.startTime) + info.autoPromotionSeconds * 1000;
        lines.push(`It promotes itself at ${when(formatTime(new Date(at)), now)}; to promote now: kubectl ramp promote ${name}`);
      } else {
        lines.push(`Promote it with: kubectl ramp promote ${name}`);
      }
      return lines;
    }
    case 'InconclusiveAnalysisRun':
      return [`It paused at ${since} because an analysis was inconclusive (see below). Continue with: kubectl ramp promote ${name}, or give up with: kubectl ramp abort ${name}`];
    case 'InconclusiveExperiment':
      return [`It paused at ${since} because an experiment was inconclusive. Continue with: kubectl ramp promote ${name}, or give up with: kubectl ramp abort ${name}`];
    default:
      return [`It is paused (${pause.reason}) since ${since}.`];
  }
}

function describeMetric(metric: MetricInfo, now: number): string[] {
  const lines: string[] = [];
  const condition = [
    metric.successCondition !== undefined ? `success condition: ${metric.successCondition}` : '',
    metric.failureCondition !== undefined ? `failure condition: ${metric.failureCondition}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  const counts = `${metric.count} measurement${metric.count === 1 ? '' : 's'}: ${metric.successful} successful, ${metric.failed} failed, ${metric.inconclusive} inconclusive, ${metric.error} errors`;
  const limits = metric.failureLimit !== undefined ? ` (failure limit ${metric.failureLimit})` : '';
  lines.push(`  metric "${metric.name}" is ${metric.phase || 'Pending'}${metric.dryRun ? ' (dry run)' : ''}: ${counts}${limits}.`);
  if (condition !== '') lines.push(`    ${condition}`);
  const bad = metric.measurements.filter((m) => m.phase === 'Failed' || m.phase === 'Error' || m.phase === 'Inconclusive');
  const shown = bad.length > 0 ? bad.slice(-3) : metric.measurements.slice(-1);
  for (const m of shown) {
    const value = m.value !== undefined ? `value ${m.value}` : 'no value';
    const message = m.message ? `: ${m.message}` : '';
    lines.push(`    ${m.phase.toLowerCase()} measurement at ${when(m.finishedAt ?? m.startedAt, now)}: ${value}${message}`);
  }
  if (metric.message) lines.push(`    ${metric.message}`);
  return lines;
}

const outcome = (status: string): string =>
  status === 'Failed' ? 'failed' : status === 'Error' ? 'errored' : status === 'Inconclusive' ? 'was inconclusive' : status === 'Successful' ? 'succeeded' : `is ${status || 'Pending'}`;

/** Only what belongs to the revision being rolled out (every revision before there is one). */
function ofCurrentRevision<T extends { revision: number }>(info: RolloutInfo, items: readonly T[]): T[] {
  const rs = newest(info);
  return items.filter((item) => rs === undefined || item.revision === rs.revision);
}

function explainAnalysis(info: RolloutInfo, now: number): string[] {
  return describeRuns(ofCurrentRevision(info, info.analysisRuns), now);
}

/** The experiments of the current revision: their templates' ReplicaSets, duration and analyses. */
function explainExperiments(info: RolloutInfo, now: number): string[] {
  const lines: string[] = [];
  for (const ex of ofCurrentRevision(info, info.experiments)) {
    lines.push(`Experiment ${ex.name} (revision ${ex.revision}) ${outcome(ex.status)}${ex.message ? `: ${ex.message}` : '.'}`);
    for (const rs of ex.replicaSets) lines.push(`  template "${rs.template ?? rs.name}": ReplicaSet ${rs.name}, ${rs.available} of ${rs.desired} available.`);
    if (ex.duration !== undefined) {
      const start = ex.availableAt !== undefined ? `since every template became available at ${when(ex.availableAt, now)}` : 'once every template is available';
      lines.push(`  It runs for ${ex.duration} ${start}.`);
    }
    lines.push(...describeRuns(ex.analysisRuns, now, false).map((line) => `  ${line}`));
  }
  if (info.status !== 'Healthy' && info.steps[info.currentStepIndex ?? 0] === 'experiment') {
    lines.push(`The experiment step goes on once its experiment succeeds; a failed one aborts the update. To go past it now: kubectl ramp promote ${info.name}`);
  }
  return lines;
}

/** `withRevision`: a Rollout's runs say which revision they judge; an Experiment's have none. */
function describeRuns(runs: readonly AnalysisRunInfo[], now: number, withRevision = true): string[] {
  const lines: string[] = [];
  for (const run of runs) {
    const verb = outcome(run.status);
    const at = run.completedAt !== undefined ? ` at ${when(run.completedAt, now)}` : run.startedAt !== undefined ? ` since ${when(run.startedAt, now)}` : '';
    lines.push(`Analysis run ${run.name}${withRevision ? ` (revision ${run.revision})` : ''} ${verb}${at}${run.message ? `: ${run.message}` : '.'}`);
    const metrics = run.status === 'Failed' || run.status === 'Error' || run.status === 'Inconclusive'
      ? run.metrics.filter((m) => m.phase === 'Failed' || m.phase === 'Error' || m.phase === 'Inconclusive')
      : run.metrics;
    for (const metric of metrics) lines.push(...describeMetric(metric, now));
  }
  return lines;
}

function explainPods(info: RolloutInfo): string[] {
  const lines: string[] = [];
  for (const rs of info.replicaSets) {
    const role = [rs.canary && 'canary', rs.stable && 'stable', rs.active && 'active', rs.preview && 'preview'].filter(Boolean).join(', ');
    for (const pod of rs.pods) {
      if (pod.status === 'Running' && pod.readyContainers === pod.totalContainers) continue;
      if (pod.status === 'Completed') continue;
      const restarts = pod.restarts > 0 ? `, ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}` : '';
      const why = pod.message ? `: ${pod.message}` : '';
      lines.push(`Pod ${pod.name} (${rs.name}${role ? `, ${role}` : ''}) is not ready: ${pod.status}, ${pod.ready} containers ready${restarts}${why}.`);
    }
  }
  return lines;
}

function explainDegraded(info: RolloutInfo, now: number): string[] {
  const name = info.name;
  const lines: string[] = [];
  const invalid = info.conditions.find((c) => c.type === 'InvalidSpec' && c.status === 'True');
  if (invalid !== undefined) {
    lines.push(`Its spec is invalid: ${invalid.message}`, `Fix the manifest (check it with: kubectl ramp lint FILE) and apply it again.`);
    return lines;
  }
  const progressing = info.conditions.find((c) => c.type === 'Progressing');
  if (info.aborted) {
    const reason = progressing?.reason === 'RolloutAborted' ? progressing.message : 'the update was aborted';
    lines.push(`The update was aborted${info.abortedAt !== undefined ? ` at ${when(info.abortedAt, now)}` : ''}: ${reason}.`);
    const rs = stable(info);
    lines.push(`All traffic went back to the stable ${rsLabel(rs)}; spec.template still holds the new version.`);
    lines.push(`Try the update again with: kubectl ramp retry rollout ${name}; or go back to the previous template with: kubectl ramp undo ${name}`);
  } else if (progressing?.reason === 'ProgressDeadlineExceeded') {
    lines.push(`It made no progress for ${info.progressDeadlineSeconds}s (progressDeadlineSeconds): ${progressing.message}`);
    lines.push(`Fix what keeps the new pods from becoming ready (below), or go back with: kubectl ramp abort ${name}`);
  } else {
    lines.push(`It is Degraded: ${info.message}`);
  }
  return lines;
}

export function explainRollout(info: RolloutInfo, now: number): string {
  const strategy = info.strategy === 'unknown' ? 'no strategy' : info.strategy === 'BlueGreen' ? 'blue-green' : info.trafficRouter ? `canary with ${info.trafficRouter} traffic routing` : 'canary';
  const current = newest(info);
  const lines = [`Rollout "${info.name}" in namespace "${info.namespace}" is ${info.status} (${strategy}, ${current !== undefined ? `revision ${current.revision}` : 'no revision yet'}).`];

  if (info.status === 'Degraded') lines.push(...explainDegraded(info, now));
  else if (info.status === 'Paused') {
    if (info.manuallyPaused) lines.push(`It was paused by hand (spec.paused is true). Resume it with: kubectl ramp resume ${info.name}`);
    for (const pause of info.pauseConditions) lines.push(...explainPause(info, pause, now));
  } else if (info.status === 'Progressing') {
    lines.push(`It is progressing: ${info.message || 'updating'}.`);
    if (info.strategy === 'Canary' && info.step !== '') {
      const index = info.currentStepIndex ?? 0;
      const step = info.steps[index];
      lines.push(
        step !== undefined
          ? `It is at step ${index + 1} of ${info.steps.length} (${step}); the canary has ${info.actualWeight}% of traffic (set weight ${info.setWeight}%).`
          : `It ran all ${info.steps.length} steps and is finishing the promotion.`,
      );
    }
  } else if (info.status === 'Healthy') {
    const rs = stable(info);
    const image = (rs?.images ?? info.images.map((i) => i.image)).join(', ');
    lines.push(`The stable ${rsLabel(rs)} runs ${image || 'the current template'}: ${info.available} of ${info.desired} replicas available.`);
  }
  if (info.status !== 'Healthy') {
    const desc = [`Replicas: ${info.desired} desired, ${info.updated} updated, ${info.ready} ready, ${info.available} available.`];
    lines.push(...desc);
  }
  const experiments = explainExperiments(info, now);
  if (experiments.length > 0) lines.push('', ...experiments);
  const analysis = explainAnalysis(info, now);
  if (analysis.length > 0) lines.push('', ...analysis);
  const pods = explainPods(info);
  if (pods.length > 0) lines.push('', ...pods);
  return lines.join('\n') + '\n';
}
