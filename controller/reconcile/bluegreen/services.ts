import type { V1Service } from '@kubernetes/client-node';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import { switchServiceEvent } from '../shared/events.ts';
import type { Effect, RolloutEvent } from '../types.ts';

export function selectorHash(service: V1Service | undefined): string | undefined {
  return service?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL] || undefined;
}

export interface ServiceLayout {
  rolloutName: string;
  activeService: V1Service;
  previewService?: V1Service;
  /** The hash the active Service selects now. */
  activeHash: string | undefined;
  desiredActive: string | undefined;
  desiredPreview: string | undefined;
}

/**
 * The selector changes the state asks for: the preview Service first, then the active one, each
 * with Argo's SwitchService event.
 */
export function serviceSelectorEffects(layout: ServiceLayout): { effects: Effect[]; events: RolloutEvent[] } {
  const { rolloutName, activeService, previewService, activeHash, desiredActive, desiredPreview } = layout;
  const effects: Effect[] = [];
  const events: RolloutEvent[] = [];
  if (previewService && desiredPreview && selectorHash(previewService) !== desiredPreview) {
    const service = previewService.metadata?.name ?? '';
    effects.push({ kind: 'setServiceSelector', service, hash: desiredPreview, rollout: rolloutName, reason: 'preview' });
    events.push(switchServiceEvent(service, selectorHash(previewService) ?? '', desiredPreview, 'previewService'));
  }
  if (desiredActive && activeHash !== desiredActive) {
    const service = activeService.metadata?.name ?? '';
    effects.push({ kind: 'setServiceSelector', service, hash: desiredActive, rollout: rolloutName, reason: 'active' });
    events.push(switchServiceEvent(service, activeHash ?? '', desiredActive, 'activeService'));
  }
  return { effects, events };
}
