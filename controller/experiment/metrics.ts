import type { Registry } from 'prom-client';
import type { Experiment } from '../api/index.ts';
import { collectedGauge, type Sample } from '../runtime/collected-gauge.ts';

/**
 * Argo's experiment gauges (controller/metrics/experiments.go), computed from the informer cache
 * at each scrape: experiment_info{namespace,name,phase} and the deprecated experiment_phase, one
 * series per phase Argo lists (Failed is not among them), 1 for the current one.
 */

const DEPRECATED_PHASES = ['Pending', 'Error', 'Successful', 'Running', 'Inconclusive'] as const;

export function experimentSamples(experiments: readonly Experiment[]): { info: Sample[]; phase: Sample[] } {
  const out = { info: [] as Sample[], phase: [] as Sample[] };
  for (const ex of experiments) {
    const base = { namespace: ex.metadata.namespace ?? '', name: ex.metadata.name ?? '' };
    const phase = ex.status?.phase ?? '';
    out.info.push({ labels: { ...base, phase }, value: 1 });
    for (const p of DEPRECATED_PHASES) {
      const current = p === 'Pending' ? phase === 'Pending' || phase === '' : phase === p;
      out.phase.push({ labels: { ...base, phase: p }, value: current ? 1 : 0 });
    }
  }
  return out;
}

export function registerExperimentMetrics(registry: Registry, experiments: () => readonly Experiment[]): void {
  const source = () => experimentSamples(experiments());
  const labels = ['namespace', 'name', 'phase'];
  collectedGauge(registry, 'experiment_info', 'Information about Experiment.', labels, (s) => s.info, source);
  collectedGauge(registry, 'experiment_phase', 'Information on the state of the experiment (DEPRECATED - use experiment_info)', labels, (s) => s.phase, source);
}
