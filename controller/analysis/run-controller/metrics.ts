// Argo's AnalysisRun and AnalysisTemplate gauges, computed from the informer
// caches each time /metrics is scraped (as Argo's analysisRunCollector does),
// so every series describes an object that exists now. analysis_run_reconcile
// and analysis_run_reconcile_error come from the runtime's reconcile metrics.
import type { Registry } from 'prom-client';
import { collectedGauge, type Sample } from '../../runtime/collected-gauge.ts';
import { dryRunMetricNames } from '../run/rules.ts';
import type { AnalysisRun, AnalysisTemplate, ClusterAnalysisTemplate, Metric } from '../types.ts';

export type { Sample };

export interface AnalysisSamples {
  info: Sample[];
  phase: Sample[];
  metricType: Sample[];
  metricPhase: Sample[];
  templateInfo: Sample[];
  templateMetricInfo: Sample[];
}

// metricproviders.Type: the provider's display name.
const PROVIDER_TYPES: Record<string, string> = {
  prometheus: 'Prometheus',
  job: 'Job',
  kayenta: 'Kayenta',
  web: 'Web',
  datadog: 'Datadog',
  wavefront: 'Wavefront',
  newRelic: 'NewRelic',
  cloudWatch: 'CloudWatch',
  graphite: 'Graphite',
  influxdb: 'Influxdb',
  skywalking: 'SkyWalking',
  plugin: 'RPCPlugin',
};

export function providerType(metric: Metric): string {
  const provider = (metric.provider ?? {}) as Record<string, unknown>;
  for (const [key, name] of Object.entries(PROVIDER_TYPES)) {
    if (provider[key] !== undefined && provider[key] !== null) return name;
  }
  return 'Unknown Provider';
}

// In the order Argo emits them.
const ANALYSIS_RUN_PHASES = ['Pending', 'Error', 'Failed', 'Successful', 'Running', 'Inconclusive'] as const;

const one = (b: boolean): number => (b ? 1 : 0);

/** The samples Argo's collector emits for these objects, pure. */
export function analysisSamples(
  runs: readonly AnalysisRun[],
  templates: readonly AnalysisTemplate[],
  clusterTemplates: readonly ClusterAnalysisTemplate[],
): AnalysisSamples {
  const out: AnalysisSamples = { info: [], phase: [], metricType: [], metricPhase: [], templateInfo: [], templateMetricInfo: [] };
  for (const run of runs) {
    const base = { namespace: run.metadata.namespace ?? '', name: run.metadata.name ?? '' };
    const phase = run.status?.phase ?? '';
    out.info.push({ labels: { ...base, phase }, value: 1 });
    for (const p of ANALYSIS_RUN_PHASES) {
      const matches = p === 'Pending' ? phase === 'Pending' || phase === '' : phase === p;
      out.phase.push({ labels: { ...base, phase: p }, value: one(matches) });
    }
    let dryRun = new Set<string>();
    try {
      dryRun = dryRunMetricNames(run.spec.dryRun, run.spec.metrics ?? []);
    } catch {
      // An invalid dry-run rule is reported on the run itself; here every metric counts as not dry-run.
    }
    for (const metric of run.spec.metrics ?? []) {
      const type = providerType(metric);
      out.metricType.push({ labels: { ...base, metric: metric.name, type }, value: 1 });
      const metricPhase = run.status?.metricResults?.find((r) => r.name === metric.name)?.phase ?? '';
      for (const p of ANALYSIS_RUN_PHASES) {
        const matches = p === 'Pending' ? metricPhase === 'Pending' || metricPhase === '' : metricPhase === p;
        out.metricPhase.push({
          labels: { ...base, metric: metric.name, type, dry_run: String(dryRun.has(metric.name)), phase: p },
          value: one(matches),
        });
      }
    }
  }
  for (const template of [...templates, ...clusterTemplates]) {
    const base = { namespace: template.metadata.namespace ?? '', name: template.metadata.name ?? '' };
    out.templateInfo.push({ labels: base, value: 1 });
    for (const metric of template.spec.metrics ?? []) {
      out.templateMetricInfo.push({ labels: { ...base, type: providerType(metric), metric: metric.name }, value: 1 });
    }
  }
  return out;
}

export interface AnalysisObjects {
  runs(): readonly AnalysisRun[];
  templates(): readonly AnalysisTemplate[];
  clusterTemplates(): readonly ClusterAnalysisTemplate[];
}


/** Registers the gauges on `registry`; they read `objects` at every scrape. */
export function registerAnalysisMetrics(registry: Registry, objects: AnalysisObjects): void {
  const source = (): AnalysisSamples => analysisSamples(objects.runs(), objects.templates(), objects.clusterTemplates());
  const nn = ['namespace', 'name'];
  collectedGauge(registry, 'analysis_run_info', 'Information about analysis run.', [...nn, 'phase'], (s) => s.info, source);
  collectedGauge(registry, 'analysis_run_phase', 'Information on the state of the Analysis Run (DEPRECATED - use analysis_run_info)', [...nn, 'phase'], (s) => s.phase, source);
  collectedGauge(registry, 'analysis_run_metric_type', 'Information on the type of a specific metric in the Analysis Runs', [...nn, 'metric', 'type'], (s) => s.metricType, source);
  collectedGauge(registry, 'analysis_run_metric_phase', 'Information on the duration of a specific metric in the Analysis Run', [...nn, 'metric', 'type', 'dry_run', 'phase'], (s) => s.metricPhase, source);
  collectedGauge(registry, 'analysis_template_info', 'Information about analysis templates.', nn, (s) => s.templateInfo, source);
  collectedGauge(registry, 'analysis_template_metric_info', 'Information on metrics in analysis templates.', [...nn, 'type', 'metric'], (s) => s.templateMetricInfo, source);
}
