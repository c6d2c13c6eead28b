import type { V1Service } from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import type { Effect } from '../types.ts';

/** The Services a Rollout's strategy names (active and preview, or canary and stable, and ping and pong). */
export function strategyServiceNames(spec: unknown): string[] {
  const strategy = (spec as { strategy?: { blueGreen?: Record<string, unknown>; canary?: Record<string, unknown> & { pingPong?: Record<string, unknown> } } } | undefined)
    ?.strategy;
  const names = [
    strategy?.blueGreen?.activeService,
    strategy?.blueGreen?.previewService,
    strategy?.canary?.canaryService,
    strategy?.canary?.stableService,
    strategy?.canary?.pingPong?.pingService,
    strategy?.canary?.pingPong?.pongService,
  ];
  return names.filter((n): n is string => typeof n === 'string' && n !== '');
}

/**
 * Argo's service controller (syncService): a Service the Rollout once managed but its strategy no
 * longer names (blue-green changed to canary, a Service renamed) gets its pod-template-hash
 * selector and managed-by annotation removed, so it selects all the Rollout's pods again rather
 * than staying pinned to one revision.
 */
export function releaseServiceEffects(spec: unknown, managedServices: readonly V1Service[] | undefined): Effect[] {
  const named = new Set(strategyServiceNames(spec));
  return (managedServices ?? [])
    .filter((svc) => !named.has(svc.metadata?.name ?? '') && svc.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] !== undefined)
    .map((svc) => ({ kind: 'releaseService', service: svc.metadata?.name ?? '', reason: 'no longer referenced by the Rollout' }));
}
