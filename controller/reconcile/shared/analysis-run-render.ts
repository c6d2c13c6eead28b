import { buildArgumentsForRollout } from '../../analysis/args.ts';
import { buildAnalysisRun } from '../../analysis/build.ts';
import type { AnalysisRun, Rollout, RolloutAnalysis } from '../../api/index.ts';
import { INSTANCE_ID_LABEL, POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from '../../api/labels.ts';
import { composedTemplates, type AnalysisTemplates } from './analysis-templates.ts';
import { ROLLOUT_TYPE_LABEL, type AnalysisRunKind } from './rollout-analysis.ts';

/** The AnalysisRun a Rollout creates for one of its analyses, named and labelled as Argo does. */

/** Where each kind of analysis is configured, for error messages. */
const SPEC_PATH: Record<AnalysisRunKind, string> = {
  PrePromotion: 'prePromotionAnalysis',
  PostPromotion: 'postPromotionAnalysis',
  Step: 'the analysis step',
  Background: 'canary.analysis',
};

/**
 * Argo's `<rollout>-<hash>-<revision>[-<infix>]` (infix `pre`, `post` or a step index; none for a
 * background run), with `.N` when a run of that name already exists (CreateWithCollisionCounter).
 */
export function analysisRunName(rollout: Rollout, hash: string, infix: string, taken: ReadonlySet<string>): string {
  const revision = rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '';
  const base = [rollout.metadata.name ?? '', hash, revision, ...(infix ? [infix] : [])].join('-');
  if (!taken.has(base)) return base;
  for (let n = 1; ; n++) if (!taken.has(`${base}.${n}`)) return `${base}.${n}`;
}

/** Argo's newAnalysisRunFromRollout: `extraLabels` carries a step run's `step-index`. */
export function renderAnalysisRun(
  rollout: Rollout,
  kind: AnalysisRunKind,
  spec: RolloutAnalysis,
  hashes: { newHash: string; stableHash?: string },
  templates: AnalysisTemplates,
  name: string,
  extraLabels: Record<string, string> = {},
): AnalysisRun {
  const labels: Record<string, string> = { [POD_TEMPLATE_HASH_LABEL]: hashes.newHash, [ROLLOUT_TYPE_LABEL]: kind, ...extraLabels };
  const instanceId = rollout.metadata.labels?.[INSTANCE_ID_LABEL];
  if (instanceId) labels[INSTANCE_ID_LABEL] = instanceId;
  Object.assign(labels, spec.analysisRunMetadata?.labels, rollout.spec.selector?.matchLabels);
  const annotations = { [REVISION_ANNOTATION]: rollout.metadata.annotations?.[REVISION_ANNOTATION] ?? '', ...spec.analysisRunMetadata?.annotations };
  const found = resolveTemplates(spec, templates, kind);
  const args = buildArgumentsForRollout(spec.args, { rollout, latestPodHash: hashes.newHash, ...(hashes.stableHash ? { stablePodHash: hashes.stableHash } : {}) });
  return buildAnalysisRun({
    templates: found.templates,
    clusterTemplates: found.clusterTemplates,
    args,
    ...(spec.dryRun ? { dryRun: spec.dryRun } : {}),
    ...(spec.measurementRetention ? { measurementRetention: spec.measurementRetention } : {}),
    name,
    namespace: rollout.metadata.namespace ?? '',
    owner: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '' },
    labels,
    annotations,
  });
}

function resolveTemplates(spec: RolloutAnalysis, templates: AnalysisTemplates, kind: AnalysisRunKind) {
  const composed = composedTemplates(spec.templates, templates);
  const missing = composed.missing[0];
  if (missing) {
    const resource = missing.clusterScope ? 'clusteranalysistemplate.argoproj.io' : 'analysistemplate.argoproj.io';
    throw new Error(`${resource} ${JSON.stringify(missing.templateName ?? '')} not found`);
  }
  if (composed.templates.length + composed.clusterTemplates.length === 0) throw new Error(`${SPEC_PATH[kind]} names no templates`);
  return composed;
}
