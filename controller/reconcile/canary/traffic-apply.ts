import type { RolloutStatus, WeightDestination } from '../../api/index.ts';
import { newTrafficRouters, type TrafficRouterOptions } from '../../traffic/registry.ts';
import type { TrafficKube, TrafficRouter, TrafficWrite } from '../../traffic/router.ts';
import type { TrafficRollout } from '../../traffic/types.ts';
import { MESSAGES, REASONS } from '../shared/messages.ts';
import type { Effect, RolloutEvent, RolloutObject, TrafficEffect } from '../types.ts';

/**
 * The effectful edge of canary traffic routing: carries out the traffic effects plan() asked for
 * through every router the Rollout configures, and reads the weight back. The read-back is
 * recorded in `status.canary.weights.verified`, which the next pass's plan() reads to decide
 * whether a setWeight step is reached: plan stays pure, and a weight counts only once it has been
 * written and seen on the routing objects.
 */

/** How apply() reaches the routing objects (Ingresses, VirtualServices, DestinationRules). */
export interface TrafficRoutingAccess {
  kube: TrafficKube;
  options?: TrafficRouterOptions;
}

export interface TrafficOutcome {
  /** Present after a setTrafficWeight: `verified` is undefined when no router can verify weights. */
  weightRead?: { verified: boolean | undefined };
  events: RolloutEvent[];
}

const TRAFFIC_KINDS: ReadonlySet<Effect['kind']> = new Set<TrafficEffect['kind']>([
  'removeManagedRoutes',
  'setHeaderRoute',
  'setMirrorRoute',
  'updateTrafficHash',
  'setTrafficWeight',
]);

export function isTrafficEffect(effect: Effect): effect is TrafficEffect {
  return TRAFFIC_KINDS.has(effect.kind);
}

/**
 * The Rollout as routers read it. plan() validated this same object in this pass before asking
 * for traffic effects, so its canary strategy has the shape the API schema gives it.
 */
export function trafficRolloutOf(raw: RolloutObject): TrafficRollout {
  const spec = raw.spec as { strategy?: { canary?: TrafficRollout['spec']['strategy']['canary'] } } | undefined;
  return { apiVersion: raw.apiVersion, metadata: raw.metadata, spec: { strategy: { canary: spec?.strategy?.canary } }, status: raw.status };
}

function writeEvents(writes: TrafficWrite[]): RolloutEvent[] {
  return writes.flatMap((w) => (w.reason ? [{ type: 'Normal' as const, reason: w.reason, message: w.message ?? '' }] : []));
}

async function each(routers: TrafficRouter[], call: (router: TrafficRouter) => Promise<TrafficWrite[]> | undefined): Promise<RolloutEvent[]> {
  const events: RolloutEvent[] = [];
  for (const router of routers) events.push(...writeEvents((await call(router)) ?? []));
  return events;
}

/**
 * Carries out one traffic effect on every router, in Argo's way: a router that cannot do
 * something (NGINX has no mirror routes, host-level Istio no hashes) is skipped.
 */
export async function applyTrafficEffect(access: TrafficRoutingAccess | undefined, rollout: RolloutObject, effect: TrafficEffect): Promise<TrafficOutcome> {
  if (!access) {
    const { namespace, name } = rollout.metadata;
    throw new Error(
      `Rollout ${namespace}/${name} uses spec.strategy.canary.trafficRouting, but this controller was started without access to routing objects; ` +
        'the RolloutWriter must provide trafficRouting()',
    );
  }
  const routers = newTrafficRouters(trafficRolloutOf(rollout), access.kube, access.options);
  switch (effect.kind) {
    case 'removeManagedRoutes':
      return { events: await each(routers, (r) => r.removeManagedRoutes?.()) };
    case 'setHeaderRoute':
      return { events: await each(routers, (r) => r.setHeaderRoute?.(effect.route)) };
    case 'setMirrorRoute':
      return { events: await each(routers, (r) => r.setMirrorRoute?.(effect.route)) };
    case 'updateTrafficHash':
      return { events: await each(routers, (r) => r.updateHash?.(effect.canaryHash, effect.stableHash, effect.additional ?? [])) };
    case 'setTrafficWeight': {
      const additional = effect.additional ?? [];
      const events = await each(routers, (r) => r.setWeight(effect.weight, additional));
      const read = await verifyWeight(routers, effect.weight, additional);
      return { weightRead: { verified: read.verified }, events: [...events, ...read.events] };
    }
  }
}

/**
 * Reads the weight back from every router that can. A read that fails counts as not verified
 * (the step waits and the next pass reads again) and is reported as Argo's WeightVerifyError.
 */
async function verifyWeight(routers: TrafficRouter[], weight: number, additional: WeightDestination[]): Promise<{ verified: boolean | undefined; events: RolloutEvent[] }> {
  let verified: boolean | undefined;
  const events: RolloutEvent[] = [];
  for (const router of routers) {
    if (!router.verifyWeight) continue;
    try {
      const ok = await router.verifyWeight(weight, additional);
      verified = (verified ?? true) && ok;
    } catch (err) {
      verified = false;
      const detail = err instanceof Error ? err.message : String(err);
      events.push({ type: 'Warning', reason: REASONS.WeightVerifyError, message: MESSAGES.weightVerifyError(detail) });
    }
  }
  return { verified, events };
}

/** The status with a weight read-back recorded, as Argo sets `status.canary.weights.verified`. */
export function withVerifiedWeight(status: RolloutStatus, outcome: TrafficOutcome): RolloutStatus {
  const weights = status.canary?.weights;
  if (!weights || !outcome.weightRead) return status;
  const { verified: _previous, ...rest } = weights;
  const verified = outcome.weightRead.verified;
  return { ...status, canary: { ...status.canary, weights: verified === undefined ? rest : { ...rest, verified } } };
}
