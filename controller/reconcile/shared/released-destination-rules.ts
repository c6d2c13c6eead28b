import type { Rollout } from '../../api/index.ts';
import { releaseDestinationRulePatch, type DestinationRule } from '../../traffic/istio/destination-rule.ts';
import { guardedPatch, type StoredObject } from '../../traffic/router.ts';
import type { Effect } from '../types.ts';

/**
 * Argo's DestinationRule cleanup: a DestinationRule the Rollout marked as managed, which its spec
 * no longer names (trafficRouting or the destinationRule removed or renamed), loses the managed-by
 * annotation and the subsets' hash labels. Other DestinationRules are left alone. With no Rollout
 * (it was deleted) every one it managed is released.
 */
export function releaseDestinationRules(rollout: Rollout | undefined, managed: readonly StoredObject[] | undefined): Array<Extract<Effect, { kind: 'patchDestinationRule' }>> {
  const referenced = rollout?.spec.strategy.canary?.trafficRouting?.istio?.destinationRule?.name;
  return (managed ?? []).flatMap((dr): Array<Extract<Effect, { kind: 'patchDestinationRule' }>> => {
    const name = dr.metadata.name;
    if (name === referenced) return [];
    const patch = releaseDestinationRulePatch(dr as DestinationRule);
    if (!patch) return [];
    return [{ kind: 'patchDestinationRule', apiVersion: dr.apiVersion, name, patch: guardedPatch(patch, dr), reason: 'no longer referenced by the Rollout' }];
  });
}
