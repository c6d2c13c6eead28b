import { ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, ROLLOUTS, type KubeObject } from '../../kube/resources.ts';
import type { SecondaryWatch } from '../../runtime/types.ts';
import { referencedAnalysisTemplates } from '../shared/analysis-templates.ts';

const specOf = (rollout: KubeObject): unknown => (rollout as { spec?: unknown }).spec;

/**
 * A template that appears, changes or goes away re-runs the Rollouts whose analyses name it, so a
 * Rollout waiting on a missing template (InvalidSpec) moves on as soon as it is created.
 */
export const analysisTemplateWatches: SecondaryWatch[] = [
  {
    resource: ANALYSIS_TEMPLATES,
    keysFor(template, caches) {
      const { namespace, name } = template.metadata ?? {};
      if (!namespace || !name) return [];
      return caches
        .informer<KubeObject>(ROLLOUTS)
        .list(namespace)
        .filter((r) => referencedAnalysisTemplates(specOf(r)).templates.includes(name))
        .map((r) => `${namespace}/${r.metadata?.name}`);
    },
  },
  {
    resource: CLUSTER_ANALYSIS_TEMPLATES,
    keysFor(template, caches) {
      const name = template.metadata?.name;
      if (!name) return [];
      return caches
        .informer<KubeObject>(ROLLOUTS)
        .list()
        .filter((r) => referencedAnalysisTemplates(specOf(r)).clusterTemplates.includes(name))
        .map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
    },
  },
];
