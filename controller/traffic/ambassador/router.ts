import { TrafficRoutingError, guardedPatch, isAlreadyExists, type TrafficKube, type TrafficRouter, type TrafficWrite } from '../router.ts';
import type { RoutingTarget } from '../target.ts';
import type { AmbassadorTrafficRouting } from '../types.ts';
import { AMBASSADOR_MAPPINGS, apiVersionOf } from '../../kube/resources.ts';
import { canaryMappingName, mappingType, mappingWeight, renderCanaryMapping, type MappingObject } from './render.ts';

export const AMBASSADOR_TYPE = 'Ambassador';

/** Argo's event reason for every weight change its Ambassador router makes. */
const WEIGHT_REASON = 'CanaryMappingWeightUpdate';

export interface AmbassadorRouterOptions {
  /** The controller's --ambassador-api-version (Argo's default getambassador.io/v2). */
  apiVersion?: string | undefined;
}

/** Argo's formatErrors: one error as it is, several as one naming each. */
function combined(errors: Error[]): Error | undefined {
  if (errors.length <= 1) return errors[0];
  return new TrafficRoutingError(`${errors.length} errors found: ${errors.map((e) => `[${e.message}]`).join('')}`, undefined, {
    cause: errors,
  });
}

/**
 * Ambassador/Emissary traffic routing, as Argo's Ambassador router: beside each named Mapping, a
 * canary Mapping `<mapping>-canary` pointing at the canary Service carries the canary weight
 * (Ambassador sends the rest to the original Mapping). It is created when the weight first rises
 * above 0 and deleted once the weight is back at 0. Mappings route by Service and have no header,
 * mirror or hash routing, so only setWeight and verifyWeight exist.
 */
export function createAmbassadorRouter(
  target: RoutingTarget,
  config: AmbassadorTrafficRouting,
  kube: TrafficKube,
  options: AmbassadorRouterOptions = {},
): TrafficRouter {
  const type = mappingType(options.apiVersion ?? apiVersionOf(AMBASSADOR_MAPPINGS));
  const apiVersion = apiVersionOf(type);
  const { kind } = type;
  const namespace = target.namespace;
  const services = { stableService: target.stableService, canaryService: target.canaryService };
  if (config.mappings.length === 0) {
    throw new TrafficRoutingError(
      `Rollout ${namespace}/${target.rolloutName}: spec.strategy.canary.trafficRouting.ambassador.mappings must provide at least one mapping`,
      { kind: 'Rollout', namespace, name: target.rolloutName },
    );
  }

  const get = async (name: string) => (await kube.get(apiVersion, kind, namespace, name)) as MappingObject | null;

  async function readBase(name: string): Promise<MappingObject> {
    const base = await get(name);
    const ref = { kind, namespace, name };
    if (!base) {
      throw new TrafficRoutingError(
        `Ambassador mapping "${name}" not found: create ${kind} ${namespace}/${name} (${apiVersion}, the controller's --ambassador-api-version) ` +
          'or correct spec.strategy.canary.trafficRouting.ambassador.mappings',
        ref,
      );
    }
    if (mappingWeight(base) !== 0) {
      throw new TrafficRoutingError(`Ambassador mapping "${name}" can not define weight: remove spec.weight from ${kind} ${namespace}/${name}`, ref);
    }
    return base;
  }

  function write(verb: TrafficWrite['verb'], name: string, weight: number): TrafficWrite {
    return { verb, apiVersion, kind, namespace, name, reason: WEIGHT_REASON, message: `Set canary mapping weight to ${weight}` };
  }

  /** One canary Mapping brought to `weight`: created, re-weighted, or (at 0) deleted. */
  async function canaryMapping(base: string, weight: number): Promise<TrafficWrite[]> {
    const name = canaryMappingName(base);
    let canary = await get(name);
    if (!canary) {
      if (weight === 0) return [];
      try {
        await kube.create(renderCanaryMapping(await readBase(base), services, weight));
        return [write('create', name, weight)];
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        canary = await get(name);
        if (!canary) throw err;
      }
    }
    if (mappingWeight(canary) === weight && weight === 0) {
      // Argo sets the weight to 0 and deletes the Mapping moments later; here the deletion is the
      // next pass's, which finds the weight already at 0, so no worker sleeps in between.
      await kube.delete(apiVersion, kind, namespace, name);
      return [write('delete', name, weight)];
    }
    if (mappingWeight(canary) === weight) return [];
    await kube.patch(apiVersion, kind, namespace, name, guardedPatch({ spec: { weight } }, canary));
    return [write('patch', name, weight)];
  }

  return {
    type: AMBASSADOR_TYPE,

    async setWeight(desiredWeight) {
      const writes: TrafficWrite[] = [];
      const errors: Error[] = [];
      for (const mapping of config.mappings) {
        try {
          writes.push(...(await canaryMapping(mapping, desiredWeight)));
        } catch (err) {
          errors.push(err instanceof Error ? err : new Error(String(err)));
        }
      }
      const error = combined(errors);
      if (error) throw error;
      return writes;
    },

    /** Argo answers "not verifiable"; here each canary Mapping is read back (none, at weight 0). */
    async verifyWeight(desiredWeight) {
      for (const mapping of config.mappings) {
        const canary = await get(canaryMappingName(mapping));
        const weight = canary ? mappingWeight(canary) : 0;
        if (weight !== desiredWeight) return false;
      }
      return true;
    },
  };
}
