import { age, humanDuration } from '../../../client/info/duration.ts';
import { IconBad, IconOK, IconUnknown, IconWarning, TagActive, TagCanary, TagPing, TagPong, TagPreview, TagStable } from '../../../client/info/icons.ts';
import { revisions } from '../../../client/info/rollout-info.ts';
import type { AnalysisRunInfo, ExperimentInfo, ImageInfo, ReplicaSetInfo, RolloutInfo } from '../../../client/info/types.ts';
import { templateTag } from '../../../client/info/experiment-info.ts';
import { plain, type Painter } from './color.ts';
import { alignColumns } from './table.ts';

export const IconRollout = '⟳';
export const IconRevision = '#';
export const IconReplicaSet = '⧉';
export const IconPod = '□';
export const IconJob = '⊞';
export const IconAnalysis = 'α';
export const IconExperiment = 'Σ';

export interface RenderOptions {
  now: number;
  paint?: Painter;
}

function field(label: string, value: string | number): string {
  return `${label.padEnd(17)}${value}`.trimEnd();
}

function prefixes(isLast: boolean, sub: string): [string, string] {
  return isLast ? [`${sub}└──`, `${sub}   `] : [`${sub}├──`, `${sub}│  `];
}

function formatImage(image: ImageInfo, paint: Painter): string {
  if (image.tags.length === 0) return image.image;
  return `${image.image} (${image.tags.map((t) => paint.word(t)).join(', ')})`;
}

/** Time until a ReplicaSet's scale-down deadline, "passed" once it is over. */
export function scaleDownDelay(deadline: string, now: number): string {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return '';
  return at < now ? 'passed' : humanDuration(at - now);
}

/** The summary block above the tree: `kubectl argo rollouts get rollout` without the tree. */
export function renderSummary(info: RolloutInfo, opts: RenderOptions): string[] {
  const paint = opts.paint ?? plain;
  const lines = [field('Name:', info.name), field('Namespace:', info.namespace), field('Status:', `${paint.word(info.icon)} ${info.status}`)];
  if (info.message !== '') lines.push(field('Message:', info.message));
  lines.push(field('Strategy:', info.strategy));
  if (info.strategy === 'Canary') {
    lines.push(field('  Step:', info.step), field('  SetWeight:', info.setWeight), field('  ActualWeight:', info.actualWeight));
  }
  info.images.forEach((image, i) => lines.push(field(i === 0 ? 'Images:' : '', formatImage(image, paint))));
  lines.push(
    'Replicas:',
    field('  Desired:', info.desired),
    field('  Current:', info.current),
    field('  Updated:', info.updated),
    field('  Ready:', info.ready),
    field('  Available:', info.available),
  );
  return lines;
}

function row(name: string, kind: string, status: string, ageText: string, infoText: string): string {
  return `${name}\t${kind}\t${status}\t${ageText}\t${infoText}`;
}

function replicaSetRows(rs: ReplicaSetInfo, prefix: string, sub: string, opts: RenderOptions, paint: Painter): string[] {
  const tags: string[] = [];
  let name = rs.name;
  if (rs.stable) {
    tags.push(paint.word(TagStable));
    name = paint.as(name, TagStable);
  }
  if (rs.canary) {
    tags.push(paint.word(TagCanary));
    name = paint.as(name, TagCanary);
  } else if (rs.active) {
    tags.push(paint.word(TagActive));
    name = paint.as(name, TagActive);
  } else if (rs.preview) {
    tags.push(paint.word(TagPreview));
    name = paint.as(name, TagPreview);
  }
  if (rs.template !== undefined) tags.push(templateTag(rs.template));
  if (rs.ping) tags.push(paint.word(TagPing));
  if (rs.pong) tags.push(paint.word(TagPong));
  if (rs.scaleDownDeadline !== '') tags.push(`delay:${scaleDownDelay(rs.scaleDownDeadline, opts.now)}`);
  const rows = [row(`${prefix}${IconReplicaSet} ${name}`, 'ReplicaSet', `${paint.word(rs.icon)} ${rs.status}`, age(rs.creationTimestamp, opts.now), tags.join(','))];
  rs.pods.forEach((pod, i) => {
    const [podPrefix] = prefixes(i === rs.pods.length - 1, sub);
    const podInfo = [`ready:${pod.ready}`];
    if (pod.restarts > 0) podInfo.push(`restarts:${pod.restarts}`);
    rows.push(row(`${podPrefix}${IconPod} ${pod.name}`, 'Pod', `${paint.word(pod.icon)} ${pod.status}`, age(pod.creationTimestamp, opts.now), podInfo.join(',')));
  });
  return rows;
}

function analysisRunRows(run: AnalysisRunInfo, prefix: string, sub: string, opts: RenderOptions, paint: Painter): string[] {
  const counts: string[] = [];
  if (run.successful > 0) counts.push(`${paint.word(IconOK)} ${run.successful}`);
  if (run.failed > 0) counts.push(`${paint.word(IconBad)} ${run.failed}`);
  if (run.inconclusive > 0) counts.push(`${paint.word(IconUnknown)} ${run.inconclusive}`);
  if (run.error > 0) counts.push(`${paint.word(IconWarning)} ${run.error}`);
  const rows = [
    row(`${prefix}${IconAnalysis} ${paint.as(run.name, run.status)}`, 'AnalysisRun', `${paint.word(run.icon)} ${run.status}`, age(run.creationTimestamp, opts.now), counts.join(',')),
  ];
  run.jobs.forEach((job, i) => {
    const [jobPrefix] = prefixes(i === run.jobs.length - 1, sub);
    rows.push(row(`${jobPrefix}${IconJob} ${paint.as(job.name, job.status)}`, 'Job', `${paint.word(job.icon)} ${job.status}`, age(job.startedAt, opts.now), ''));
  });
  return rows;
}

/** Argo's PrintExperimentInfo: the experiment, then its ReplicaSets and AnalysisRuns. */
function experimentRows(ex: ExperimentInfo, prefix: string, sub: string, opts: RenderOptions, paint: Painter): string[] {
  const rows = [row(`${prefix}${IconExperiment} ${paint.as(ex.name, ex.status)}`, 'Experiment', `${paint.word(ex.icon)} ${ex.status}`, age(ex.creationTimestamp, opts.now), '')];
  const total = ex.replicaSets.length + ex.analysisRuns.length;
  let current = 0;
  for (const rs of ex.replicaSets) {
    const [childPrefix, childSub] = prefixes(current++ === total - 1, sub);
    rows.push(...replicaSetRows(rs, childPrefix, childSub, opts, paint));
  }
  for (const run of ex.analysisRuns) {
    const [childPrefix, childSub] = prefixes(current++ === total - 1, sub);
    rows.push(...analysisRunRows(run, childPrefix, childSub, opts, paint));
  }
  return rows;
}

/** `get experiment`: Argo's summary (name, namespace, status, message, images), a blank line and the tree. */
export function renderExperiment(ex: ExperimentInfo, opts: RenderOptions): string {
  const paint = opts.paint ?? plain;
  const lines = [field('Name:', ex.name), field('Namespace:', ex.namespace), field('Status:', `${paint.word(ex.icon)} ${ex.status}`)];
  if (ex.message !== '') lines.push(field('Message:', ex.message));
  ex.images.forEach((image, i) => lines.push(field(i === 0 ? 'Images:' : '', formatImage(image, paint))));
  const tree = alignColumns([row('NAME', 'KIND', 'STATUS', 'AGE', 'INFO'), ...experimentRows(ex, '', '', opts, paint)]);
  return [...lines, '', ...tree].join('\n') + '\n';
}

/** The tree of revisions, ReplicaSets, pods, Experiments and AnalysisRuns under the rollout. */
export function renderTree(info: RolloutInfo, opts: RenderOptions): string[] {
  const paint = opts.paint ?? plain;
  const rows = [row('NAME', 'KIND', 'STATUS', 'AGE', 'INFO'), row(`${IconRollout} ${info.name}`, 'Rollout', `${paint.word(info.icon)} ${info.status}`, age(info.creationTimestamp, opts.now), '')];
  const revs = revisions(info);
  revs.forEach((revision, i) => {
    const [prefix, sub] = prefixes(i === revs.length - 1, '');
    rows.push(row(`${prefix}${IconRevision} revision:${revision}`, '', ' ', '', ''));
    const replicaSets = info.replicaSets.filter((rs) => rs.revision === revision);
    const runs = info.analysisRuns.filter((run) => run.revision === revision);
    const experiments = info.experiments.filter((ex) => ex.revision === revision);
    const total = replicaSets.length + experiments.length + runs.length;
    let current = 0;
    for (const rs of replicaSets) {
      const [childPrefix, childSub] = prefixes(current === total - 1, sub);
      rows.push(...replicaSetRows(rs, childPrefix, childSub, opts, paint));
      current++;
    }
    for (const ex of experiments) {
      const [childPrefix, childSub] = prefixes(current === total - 1, sub);
      rows.push(...experimentRows(ex, childPrefix, childSub, opts, paint));
      current++;
    }
    for (const run of runs) {
      const [childPrefix, childSub] = prefixes(current === total - 1, sub);
      rows.push(...analysisRunRows(run, childPrefix, childSub, opts, paint));
      current++;
    }
  });
  return alignColumns(rows);
}

/** `get rollout`: the summary, a blank line and the tree, newline-terminated. */
export function renderRollout(info: RolloutInfo, opts: RenderOptions): string {
  return [...renderSummary(info, opts), '', ...renderTree(info, opts)].join('\n') + '\n';
}
