import type { V1Service } from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import type { Effect } from '../types.ts';
import type { StoredObject } from '../../traffic/router.ts';
import { releaseDestinationRules } from './released-destination-rules.ts';

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
export function releaseServiceEffects(spec: unknown, managedServices: readonly V1Service[] | undefined): Array<Extract<Effect, { kind: 'releaseService' }>> {
  const named = new Set(strategyServiceNames(spec));
  return (managedServices ?? [])
    .filter((svc) => !named.has(svc.metadata?.name ?? '') && svc.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] !== undefined)
    .map((svc) => ({ kind: 'releaseService' as const, service: svc.metadata?.name ?? '', reason: 'no longer referenced by the Rollout' }));
}

/**
 * What a Rollout that no longer exists leaves behind, released as Argo's Service and
 * DestinationRule controllers do: its Services' hash selector and managed-by annotation, its
 * DestinationRules' annotation and subset hash labels.
 */
export function releaseAfterDeletion(
  services: readonly V1Service[],
  destinationRules: readonly StoredObject[],
): Array<Extract<Effect, { kind: 'releaseService' | 'patchDestinationRule' }>> {
  return [...releaseServiceEffects(undefined, services), ...releaseDestinationRules(undefined, destinationRules)];
}
