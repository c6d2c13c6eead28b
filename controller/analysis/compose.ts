// Template composition: an AnalysisTemplate or ClusterAnalysisTemplate may
// name others in `spec.templates`. As Argo's getAnalysisTemplatesFromRefs, each
// named template comes first, then the ones it composes (recursively), and each
// template counts once (FilterUniqueTemplates keeps the first); the run is then
// built from all of them (buildAnalysisRun flattens metrics, args, dryRun and
// measurementRetention, refusing duplicate metrics and conflicting args).
import type { AnalysisTemplate, ClusterAnalysisTemplate } from './types.ts';

export interface TemplateRef {
  templateName?: string;
  clusterScope?: boolean;
}

/** Where templates are found by name: namespaced ones in the referrer's namespace. */
export interface TemplateLookup {
  template(name: string): AnalysisTemplate | undefined;
  clusterTemplate(name: string): ClusterAnalysisTemplate | undefined;
}

export interface ComposedTemplates {
  templates: AnalysisTemplate[];
  clusterTemplates: ClusterAnalysisTemplate[];
  /** References to templates that do not exist, nested ones included, in the order met. */
  missing: TemplateRef[];
}

const keyOf = (ref: TemplateRef) => `${ref.clusterScope ? 'cluster' : 'namespaced'}/${ref.templateName ?? ''}`;

export function composeTemplates(refs: readonly TemplateRef[], lookup: TemplateLookup): ComposedTemplates {
  const missing: TemplateRef[] = [];
  // `within` holds the templates being expanded, so a template that (indirectly) names itself ends the walk.
  const walk = (list: readonly TemplateRef[], within: ReadonlySet<string>): { templates: AnalysisTemplate[]; clusterTemplates: ClusterAnalysisTemplate[] } => {
    const templates: AnalysisTemplate[] = [];
    const clusterTemplates: ClusterAnalysisTemplate[] = [];
    for (const ref of list) {
      const name = ref.templateName ?? '';
      const found = ref.clusterScope ? lookup.clusterTemplate(name) : lookup.template(name);
      if (found === undefined) {
        missing.push(ref);
        continue;
      }
      if (ref.clusterScope) clusterTemplates.push(found as ClusterAnalysisTemplate);
      else templates.push(found as AnalysisTemplate);
      const key = keyOf(ref);
      if ((found.spec.templates ?? []).length > 0 && !within.has(key)) {
        const inner = walk(found.spec.templates ?? [], new Set([...within, key]));
        clusterTemplates.push(...inner.clusterTemplates);
        templates.push(...inner.templates);
      }
    }
    return { templates: uniqueByName(templates), clusterTemplates: uniqueByName(clusterTemplates) };
  };
  return { ...walk(refs, new Set()), missing };
}

function uniqueByName<T extends { metadata?: { name?: string } }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((t) => {
    const name = t.metadata?.name ?? '';
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** Every template reachable from `refs`, by name: what a referrer must read to compose them. */
export function reachableTemplates(refs: readonly TemplateRef[], lookup: TemplateLookup): { templates: Map<string, AnalysisTemplate>; clusterTemplates: Map<string, ClusterAnalysisTemplate> } {
  const composed = composeTemplates(refs, lookup);
  return {
    templates: new Map(composed.templates.map((t) => [t.metadata?.name ?? '', t])),
    clusterTemplates: new Map(composed.clusterTemplates.map((t) => [t.metadata?.name ?? '', t])),
  };
}
