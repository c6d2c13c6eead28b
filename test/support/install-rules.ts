import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * The permission rules every install variant must carry, read from the chart's files, which the
 * kustomize ClusterRoles are compared with (test/unit/install/manifests.test.ts) and the rendered
 * chart too (test/integration/helm-chart.test.ts).
 */

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const rulesFile = (name: string): Rule[] => parse(readFileSync(join(root, 'install/helm/ramp/files', name), 'utf8')) as Rule[];

export const controllerRules = (): Rule[] => rulesFile('controller-rules.yaml');
export const dashboardRules = (): Rule[] => rulesFile('dashboard-rules.yaml');

/** The rules of a namespace-scoped Role: the same, without the cluster-scoped kinds a Role cannot grant. */
export function namespacedRules(rules: readonly Rule[]): Rule[] {
  return rules
    .map((r) => ({ ...r, resources: r.resources.filter((res) => res !== 'clusteranalysistemplates') }))
    .filter((r) => r.resources.length > 0);
}

/** Whether `rules` let the subject do `verb` on `group`/`resource`. */
export function allows(rules: readonly Rule[], group: string, resource: string, verb: string): boolean {
  return rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));
}
