// Builds an AnalysisRun from AnalysisTemplates and ClusterAnalysisTemplates,
// as Argo's NewAnalysisRunFromTemplates does for a Rollout's `templates[]`.
import type {
  AnalysisRun,
  AnalysisTemplate,
  AnalysisTemplateSpec,
  Argument,
  ClusterAnalysisTemplate,
  DryRun,
  MeasurementRetention,
  Metric,
  OwnerReference,
} from './types.ts';

export interface BuildAnalysisRunOptions {
  templates?: readonly AnalysisTemplate[];
  clusterTemplates?: readonly ClusterAnalysisTemplate[];
  // Values supplied by the caller (the Rollout); they override template defaults.
  args?: readonly Argument[];
  dryRun?: readonly DryRun[];
  measurementRetention?: readonly MeasurementRetention[];
  name?: string;
  generateName?: string;
  namespace: string;
  owner?: OwnerReference;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Argo's FlattenTemplates: the metrics and args of several templates as one; namespaced templates come first. */
export function flattenTemplates(all: readonly { spec: AnalysisTemplateSpec }[]): { metrics: Metric[]; args: Argument[] } {
  return { metrics: flattenMetrics(all), args: flattenArgs(all) };
}

export function buildAnalysisRun(options: BuildAnalysisRunOptions): AnalysisRun {
  const templates = options.templates ?? [];
  const clusterTemplates = options.clusterTemplates ?? [];
  const all = [...templates, ...clusterTemplates];
  const { metrics, args: templateArgs } = flattenTemplates(all);
  const args = mergeArgs(options.args ?? [], templateArgs);
  const dryRun = uniqueRules(
    [...(options.dryRun ?? []), ...all.flatMap((t) => t.spec.dryRun ?? [])],
    'Dry-Run',
  );
  const measurementRetention = uniqueRules(
    [...(options.measurementRetention ?? []), ...all.flatMap((t) => t.spec.measurementRetention ?? [])],
    'Measurement Retention',
  );
  const run: AnalysisRun = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      ...(options.name ? { name: options.name } : {}),
      ...(options.generateName ? { generateName: options.generateName } : {}),
      namespace: options.namespace,
      ...(options.labels ? { labels: { ...options.labels } } : {}),
      ...(options.annotations ? { annotations: { ...options.annotations } } : {}),
      ...(options.owner ? { ownerReferences: [{ ...options.owner, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: { metrics },
  };
  if (args.length > 0) run.spec.args = args;
  if (dryRun.length > 0) run.spec.dryRun = dryRun;
  if (measurementRetention.length > 0) run.spec.measurementRetention = measurementRetention;
  return run;
}

function flattenMetrics(templates: readonly { spec: AnalysisTemplateSpec }[]): Metric[] {
  const metrics = templates.flatMap((t) => structuredClone(t.spec.metrics ?? []));
  const seen = new Set<string>();
  for (const m of metrics) {
    if (seen.has(m.name)) throw new Error(`two metrics have the same name '${m.name}'`);
    seen.add(m.name);
  }
  return metrics;
}

// The same argument may appear in several templates; values must agree, and
// a value wins over an argument left open.
function flattenArgs(templates: readonly { spec: AnalysisTemplateSpec }[]): Argument[] {
  const combined: Argument[] = [];
  for (const arg of templates.flatMap((t) => t.spec.args ?? [])) {
    const i = combined.findIndex((a) => a.name === arg.name);
    if (i < 0) {
      combined.push(structuredClone(arg));
      continue;
    }
    const prev = combined[i]!;
    if (prev.value !== undefined && arg.value !== undefined && prev.value !== arg.value) {
      throw new Error(`Argument \`${prev.name}\` specified multiple times with different values: '${prev.value}', '${arg.value}'`);
    }
    if (prev.value === undefined) combined[i] = structuredClone(arg);
  }
  return combined;
}

// Argo's MergeArgs: supplied values fill the template's arguments; any
// argument still without a value or source is an error naming it.
export function mergeArgs(incoming: readonly Argument[], templateArgs: readonly Argument[]): Argument[] {
  const merged = templateArgs.map((a) => ({ ...a }));
  for (const arg of incoming) {
    const target = merged.find((a) => a.name === arg.name);
    if (target === undefined) continue;
    if (arg.value !== undefined) target.value = arg.value;
    else if (arg.valueFrom !== undefined) target.valueFrom = arg.valueFrom;
  }
  for (const arg of merged) {
    if (arg.value === undefined && arg.valueFrom === undefined) throw new Error(`args.${arg.name} was not resolved`);
  }
  return merged;
}

function uniqueRules<T extends { metricName: string }>(rules: T[], label: string): T[] {
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.metricName)) throw new Error(`two ${label} metric rules have the same name '${rule.metricName}'`);
    seen.add(rule.metricName);
  }
  return rules.map((r) => ({ ...r }));
}
