import { createMergePatch } from '../../kube/merge-patch.ts';
import { TrafficRoutingError, guardedPatch, isAlreadyExists, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import { isControlledBy, type RoutingTarget } from '../target.ts';
import type { SMITrafficRouting } from '../types.ts';
import {
  SMI_GROUP,
  managedSpec,
  renderTrafficSplit,
  trafficSplitName,
  trafficSplitVerified,
  type SmiVersion,
  type TrafficSplit,
} from './render.ts';

export const SMI_TYPE = 'SMI';

export interface SmiRouterOptions {
  /** The split.smi-spec.io version (the controller's --traffic-split-api-version). */
  apiVersion: SmiVersion;
}

/**
 * SMI traffic routing, as Argo's SMI router: one TrafficSplit the Rollout creates and owns,
 * splitting the root Service between the canary and stable Services. A TrafficSplit has no header,
 * mirror or subset routing, so this router only sets and reads back weights.
 */
export function createSmiRouter(target: RoutingTarget, smi: SMITrafficRouting, kube: TrafficKube, options: SmiRouterOptions): TrafficRouter {
  const version = options.apiVersion;
  const apiVersion = `${SMI_GROUP}/${version}`;
  const name = trafficSplitName(target, smi);
  const ref = { kind: 'TrafficSplit', namespace: target.namespace, name };

  async function readOwned(): Promise<TrafficSplit | null> {
    const split = (await kube.get(apiVersion, 'TrafficSplit', target.namespace, name)) as TrafficSplit | null;
    if (split && !isControlledBy(split, target)) {
      throw new TrafficRoutingError(
        `Rollout does not own TrafficSplit \`${name}\`: delete TrafficSplit ${target.namespace}/${name} or set ` +
          'spec.strategy.canary.trafficRouting.smi.trafficSplitName to a name of its own',
        ref,
      );
    }
    return split;
  }

  const write = (verb: TrafficWrite['verb'], event?: { reason: string; message: string }): TrafficWrite => ({
    verb,
    apiVersion,
    kind: 'TrafficSplit',
    namespace: target.namespace,
    name,
    ...event,
  });

  return {
    type: SMI_TYPE,

    async setWeight(desiredWeight, additional = []) {
      const desired = renderTrafficSplit(target, smi, version, desiredWeight, additional);
      let current = await readOwned();
      if (!current) {
        try {
          await kube.create(desired);
          return [write('create', { reason: 'TrafficSplitCreated', message: `TrafficSplit \`${name}\` created` })];
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          // Created by another pass since our read: patch it as if it had been there.
          current = await readOwned();
          if (!current) throw err;
        }
      }
      const patch = createMergePatch(managedSpec(current.spec, version), managedSpec(desired.spec, version));
      if (!patch) return [];
      await kube.patch(apiVersion, 'TrafficSplit', target.namespace, name, guardedPatch({ spec: patch }, current));
      // Argo records no event when it patches a TrafficSplit.
      return [write('patch')];
    },

    async verifyWeight(desiredWeight, additional = []) {
      return trafficSplitVerified(await readOwned(), target, smi, desiredWeight, additional);
    },
  };
}
