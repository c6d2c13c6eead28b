import {
  TrafficRoutingError,
  guardedPatch,
  isAlreadyExists,
  type TrafficKube,
  type TrafficRouter,
  type TrafficWrite,
} from '../router.ts';
import { isControlledBy, type RoutingTarget } from '../target.ts';
import type { NginxTrafficRouting, SetHeaderRoute } from '../types.ts';
import {
  INGRESS_API_VERSION,
  activeHeaderRoute,
  annotationPrefix,
  canaryIngressName,
  canaryIngressPatch,
  canaryWeightVerified,
  currentCanaryWeight,
  nginxHeaderRoute,
  renderCanaryIngress,
  stableIngressNames,
  type CanaryIngressInput,
  type Ingress,
  type NginxHeaderRoute,
} from './render.ts';

export const NGINX_TYPE = 'Nginx';

/** The canary Ingress as it is and as the caller wants it, given the one read from the cluster. */
type Desire = (canary: Ingress | null, input: CanaryIngressInput, stable: Ingress) => Ingress | null;

/**
 * NGINX ingress traffic routing: one canary Ingress per stable Ingress, owned by the Rollout.
 * NGINX cannot mirror traffic and routes by Service, not pod hash, so it has no setMirrorRoute
 * and no updateHash.
 */
export function createNginxRouter(target: RoutingTarget, nginx: NginxTrafficRouting, kube: TrafficKube): TrafficRouter {
  const prefix = annotationPrefix(nginx);
  const maxTrafficWeight = target.trafficRouting.maxTrafficWeight;
  const where = (name: string) => `${target.namespace}/${name}`;

  async function readStable(stableIngressName: string): Promise<Ingress> {
    const stable = (await kube.get(INGRESS_API_VERSION, 'Ingress', target.namespace, stableIngressName)) as Ingress | null;
    if (!stable) {
      throw new TrafficRoutingError(
        `stable Ingress ${where(stableIngressName)} named in spec.strategy.canary.trafficRouting.nginx was not found: ` +
          `create it or correct the Ingress name in the Rollout`,
        { kind: 'Ingress', namespace: target.namespace, name: stableIngressName },
      );
    }
    return stable;
  }

  async function readCanary(name: string): Promise<Ingress | null> {
    const canary = (await kube.get(INGRESS_API_VERSION, 'Ingress', target.namespace, name)) as Ingress | null;
    if (canary && !isControlledBy(canary, target)) {
      throw new TrafficRoutingError(
        `canary ingress \`${name}\` controlled by different object: delete Ingress ${where(name)} ` +
          `or rename it so Rollout ${target.rolloutName} can create its own`,
        { kind: 'Ingress', namespace: target.namespace, name },
      );
    }
    return canary;
  }

  /** Brings every canary Ingress to what `desire` renders, writing only where it differs. */
  async function reconcile(desire: Desire, describe: (verb: TrafficWrite['verb'], desired: Ingress) => string): Promise<TrafficWrite[]> {
    const writes: TrafficWrite[] = [];
    for (const stableIngressName of stableIngressNames(nginx, target)) {
      const name = canaryIngressName(target.rolloutName, stableIngressName);
      const input: CanaryIngressInput = { target, nginx, stableIngressName, maxTrafficWeight };
      const stable = await readStable(stableIngressName);
      let canary = await readCanary(name);
      let desired = desire(canary, input, stable);
      if (!desired) continue;
      if (!canary) {
        try {
          await kube.create(desired);
          writes.push(write('create', name, 'CreatingCanaryIngress', describe('create', desired)));
          continue;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          // Created by another pass since our read: carry on as if it had been there.
          canary = await readCanary(name);
          if (!canary) throw err;
          desired = desire(canary, input, stable);
          if (!desired) continue;
        }
      }
      const patch = canaryIngressPatch(canary, desired);
      if (!patch) continue;
      await kube.patch(INGRESS_API_VERSION, 'Ingress', target.namespace, name, guardedPatch(patch, canary));
      writes.push(write('patch', name, 'PatchingCanaryIngress', describe('patch', desired)));
    }
    return writes;
  }

  function write(verb: TrafficWrite['verb'], name: string, reason: string, message: string): TrafficWrite {
    return { verb, apiVersion: INGRESS_API_VERSION, kind: 'Ingress', namespace: target.namespace, name, reason, message };
  }

  /** Argo's event messages: creation reports the weight; other changes say what they set. */
  const describeWith = (change: (name: string) => string) => (verb: TrafficWrite['verb'], desired: Ingress) => {
    const name = desired.metadata.name;
    if (verb === 'create') {
      const weight = desired.metadata.annotations?.[`${prefix}/canary-weight`] ?? '0';
      return `Creating canary ingress \`${name}\` with weight \`${weight}\``;
    }
    return change(name);
  };

  return {
    type: NGINX_TYPE,

    setWeight(desiredWeight) {
      return reconcile(
        (canary, input, stable) => renderCanaryIngress(input, stable, desiredWeight, activeHeaderRoute(prefix, canary)),
        describeWith((name) => `Updating Ingress \`${name}\` to desiredWeight '${desiredWeight}'`),
      );
    },

    setHeaderRoute(headerRouting: SetHeaderRoute) {
      const route = nginxHeaderRoute(prefix, headerRouting);
      const name = headerRouting.name ?? '';
      return reconcile(
        (canary, input, stable) => {
          const active = activeHeaderRoute(prefix, canary);
          let next: NginxHeaderRoute | null = route;
          if (!route) {
            // Removing a route the canary does not carry changes nothing.
            if (!active || active.name !== name) return null;
            next = null;
          }
          return renderCanaryIngress(input, stable, currentCanaryWeight(prefix, canary) ?? 0, next);
        },
        describeWith((ingress) => `Updating Ingress \`${ingress}\` to headerRoute '${name}'`),
      );
    },

    removeManagedRoutes() {
      return reconcile(
        (canary, input, stable) => {
          if (!canary || !activeHeaderRoute(prefix, canary)) return null;
          return renderCanaryIngress(input, stable, currentCanaryWeight(prefix, canary) ?? 0, null);
        },
        describeWith((ingress) => `Ingress \`${ingress}\` removed all managed routes.`),
      );
    },

    async verifyWeight(desiredWeight) {
      for (const stableIngressName of stableIngressNames(nginx, target)) {
        const canary = await readCanary(canaryIngressName(target.rolloutName, stableIngressName));
        if (!canaryWeightVerified(prefix, canary, desiredWeight, maxTrafficWeight)) return false;
      }
      return true;
    },
  };
}
