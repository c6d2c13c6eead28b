import type { Metric } from '../types.ts';
import type { MetricProvider } from './provider.ts';

// Provider key in metric.provider (as in the AnalysisTemplate) → provider.
export type ProviderRegistry = Readonly<Record<string, MetricProvider>>;

export function providerFor(metric: Metric, registry: ProviderRegistry): MetricProvider {
  const spec = (metric.provider ?? {}) as Record<string, unknown>;
  const keys = Object.keys(spec).filter((k) => spec[k] !== undefined && spec[k] !== null);
  for (const key of keys) {
    const provider = registry[key];
    if (provider !== undefined) return provider;
  }
  if (keys.length === 0) throw new Error(`no valid provider in metric '${metric.name}'`);
  throw new Error(
    `metric '${metric.name}' uses provider '${keys.join("', '")}', which this controller does not support (supported: ${Object.keys(registry).join(', ')})`,
  );
}
