import { ANALYSIS_TEMPLATES, CLUSTER_ANALYSIS_TEMPLATES, ROLLOUTS, type KubeObject } from '../../kube/resources.ts';
import type { SecondaryWatch } from '../../runtime/types.ts';
import type { AnalysisTemplate, ClusterAnalysisTemplate } from '../../api/index.ts';
import type { Caches } from '../../runtime/types.ts';
import { reachableAnalysisTemplates, referencedAnalysisTemplates } from '../shared/analysis-templates.ts';

const specOf = (rollout: KubeObject): unknown => (rollout as { spec?: unknown }).spec;

// The templates a Rollout's analyses reach, those composed by the named ones included.
function reached(rollout: KubeObject, caches: Caches) {
  const namespace = rollout.metadata?.namespace ?? '';
  return reachableAnalysisTemplates(specOf(rollout), {
    template: (name) => caches.informer<KubeObject>(ANALYSIS_TEMPLATES).get(`${namespace}/${name}`) as unknown as AnalysisTemplate | undefined,
    clusterTemplate: (name) => caches.informer<KubeObject>(CLUSTER_ANALYSIS_TEMPLATES).get(name) as unknown as ClusterAnalysisTemplate | undefined,
  });
}

// A template that does not exist yet is reached only by name: the Rollout, or a template it reaches, names it.
const reaches = (rollout: KubeObject, caches: Caches, name: string, cluster: boolean): boolean => {
  const direct = referencedAnalysisTemplates(specOf(rollout));
  if ((cluster ? direct.clusterTemplates : direct.templates).includes(name)) return true;
  const all = reached(rollout, caches);
  return [...all.templates.values(), ...all.clusterTemplates.values()].some((t) => (t.spec?.templates ?? []).some((ref) => ref.templateName === name && (ref.clusterScope === true) === cluster));
};

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
        .filter((r) => reaches(r, caches, name, false))
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
        .filter((r) => reaches(r, caches, name, true))
        .map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
    },
  },
];
