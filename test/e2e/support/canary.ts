import assert from 'node:assert/strict';
import { abortRollout, promoteRollout, retryRollout } from '../../../client/actions/rollout-actions.ts';
import { KubeClient } from '../../../controller/kube/client.ts';
import {
  AMBASSADOR_MAPPINGS,
  APISIX_ROUTES,
  APPMESH_KINDS,
  GATEWAY_ROUTES,
  INGRESSES,
  ISTIO_DESTINATION_RULES,
  ISTIO_VIRTUAL_SERVICES,
  PODS,
  ROLLOUTS,
  SERVICES,
  TRAEFIK_CONTAINO_SERVICES,
  TRAEFIK_SERVICES,
  type KubeObject,
  type ResourceType,
} from '../../../controller/kube/resources.ts';
import { eventually, loadKubeConfig, sleep, testNamespace } from '../../support/cluster.ts';
import { startController, type RunningController } from '../../support/controller.ts';
import { canaryRollout as rolloutWith, HASH_LABEL, ingress, RolloutHelper, service, type RolloutLike } from '../../support/rollouts.ts';

/**
 * A canary walk on the real control plane, shared by the basic, NGINX, Istio and Gateway API tests: the same
 * steps, the same user actions (the kubectl-ramp write functions, which send Argo's patches) and,
 * at every step, the objects read back as a user would read them.
 */

export const STEPS = [{ setWeight: 33 }, { pause: {} }, { setWeight: 66 }, { pause: { duration: '5s' } }, { setWeight: 100 }];
const REPLICAS = 3;
export const APP = 'app';
/** The managed route the header-route walk (header-route.ts) adds and removes. */
export const HEADER_ROUTE = 'canary-header';

/** What the traffic objects hold for the canary now, as a user reads them. */
export interface RoutingView {
  /** The canary's share, read from the routing objects; undefined: no routing object says. */
  canaryWeight: number | undefined;
}

/**
 * The pods the canary and stable Services select; after an abort, `aborted` is the aborted
 * revision, which routers that select pods by hash (App Mesh VirtualNodes) keep for the canary.
 */
export interface RoutedHashes {
  canary: string;
  stable: string;
  aborted?: string;
}

/** One way of splitting traffic: the objects it needs and how to check them at a given weight. */
export interface Provider {
  name: string;
  /** Strategy fields besides the steps. */
  canary: Record<string, unknown>;
  /** The user-owned objects the Rollout names (Services, stable Ingress, VirtualService, …). */
  objects: KubeObject[];
  /**
   * Asserts that the routing objects carry `weight` for the canary, the canary pods being
   * `canaryHash` and the stable ones `stableHash`; resolves to nothing, throws on a mismatch.
   */
  checkRouting(c: KubeClient, ns: string, weight: number, hashes: RoutedHashes): Promise<void>;
  /** Routes by DestinationRule subsets rather than by Services. */
  subsetLevel?: boolean;
  /** Controller flags the provider needs (an API version of its objects, say). */
  controllerArgs?: string[];
  /**
   * For routers that take setHeaderRoute: asserts that the header route HEADER_ROUTE
   * (test/e2e/support/header-route.ts) sends `X-Canary: yes` to the canary, or is gone.
   */
  headerRoute?(c: KubeClient, ns: string, present: boolean): Promise<void>;
}

export function canaryRollout(name: string, canary: Record<string, unknown>, steps: unknown[] = STEPS): KubeObject {
  return rolloutWith(name, { steps, ...canary }, { replicas: REPLICAS });
}

const TYPES: readonly ResourceType[] = [
  SERVICES,
  INGRESSES,
  ISTIO_VIRTUAL_SERVICES,
  ISTIO_DESTINATION_RULES,
  ...GATEWAY_ROUTES,
  AMBASSADOR_MAPPINGS,
  APISIX_ROUTES,
  TRAEFIK_SERVICES,
  TRAEFIK_CONTAINO_SERVICES,
  ...APPMESH_KINDS,
  ROLLOUTS,
];

/** The type of an object by its group and kind: Istio and App Mesh both have a VirtualService. */
function typeOf(obj: KubeObject): ResourceType | undefined {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const known = TYPES.find((t) => t.kind === obj.kind && t.group === group);
  // Created at the version the object is written in (an Ambassador v3alpha1 Mapping, say).
  return known && known.version !== version ? { ...known, version } : known;
}

export async function createAll(c: KubeClient, ns: string, objects: KubeObject[]): Promise<void> {
  for (const obj of objects) {
    const type = typeOf(obj);
    assert.ok(type, `no resource type for ${obj.apiVersion} ${obj.kind}`);
    await c.create(type, { ...obj, metadata: { ...obj.metadata, namespace: ns } });
  }
}


interface IngressLike extends KubeObject {
  spec?: { rules?: Array<{ http?: { paths?: Array<{ backend?: { service?: { name?: string } } }> } }> };
}
interface Route {
  name?: string;
  match?: unknown;
  route?: Array<{ destination?: { host?: string; subset?: string }; weight?: number }>;
}
interface VirtualServiceLike extends KubeObject {
  spec?: { http?: Route[] };
}
interface DestinationRuleLike extends KubeObject {
  spec?: { subsets?: Array<{ name?: string; labels?: Record<string, string> }> };
}

export const serviceHash = async (c: KubeClient, ns: string, name: string) =>
  (await c.get<{ spec?: { selector?: Record<string, string> } }>(SERVICES, ns, name)).spec?.selector?.[HASH_LABEL];

/** Both Services pinned to their ReplicaSets, as every traffic-routed canary needs. */
export async function checkServices(c: KubeClient, ns: string, hashes: { canary: string; stable: string }): Promise<void> {
  assert.equal(await serviceHash(c, ns, `${APP}-canary`), hashes.canary, 'the canary Service selects the canary pods');
  assert.equal(await serviceHash(c, ns, `${APP}-stable`), hashes.stable, 'the stable Service selects the stable pods');
}

/** Weights of the route named `primary`, by destination (host or subset). */
export async function routeWeights(c: KubeClient, ns: string, key: 'host' | 'subset'): Promise<Record<string, number>> {
  const vs = await c.get<VirtualServiceLike>(ISTIO_VIRTUAL_SERVICES, ns, `${APP}-vs`);
  const route = vs.spec?.http?.find((r) => r.name === 'primary');
  assert.ok(route, 'the VirtualService keeps its primary route');
  const weights = Object.fromEntries((route.route ?? []).map((d) => [d.destination?.[key] ?? '?', d.weight ?? 0]));
  assert.equal(Object.values(weights).reduce((a, b) => a + b, 0), 100, `the route weights sum to 100: ${JSON.stringify(weights)}`);
  return weights;
}

/** The Istio header route: an HTTP route named HEADER_ROUTE, first, sending `X-Canary: yes` to `destination`. */
async function istioHeaderRoute(c: KubeClient, ns: string, present: boolean, destination: { host: string; subset?: string }): Promise<void> {
  const vs = await c.get<VirtualServiceLike>(ISTIO_VIRTUAL_SERVICES, ns, `${APP}-vs`);
  const http = vs.spec?.http ?? [];
  const route = http.find((r) => r.name === HEADER_ROUTE);
  if (!present) {
    assert.equal(route, undefined, 'no header route in the VirtualService');
    return;
  }
  assert.equal(http[0]?.name, HEADER_ROUTE, 'the header route comes first, so Istio tries it before the weighted route');
  assert.deepEqual(route?.match, [{ headers: { 'X-Canary': { exact: 'yes' } } }]);
  assert.deepEqual(route?.route?.map((d) => ({ ...d.destination, weight: d.weight })), [{ ...destination, weight: 100 }]);
}

export const PROVIDERS: Record<'basic' | 'nginx' | 'istioHost' | 'istioSubset', Provider> = {
  basic: {
    name: 'basic canary (replica counts)',
    canary: {},
    objects: [],
    async checkRouting() {},
  },
  nginx: {
    name: 'NGINX',
    canary: {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      abortScaleDownDelaySeconds: 2,
      trafficRouting: { nginx: { stableIngress: 'web' } },
      canaryMetadata: { labels: { role: 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
    },
    objects: [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), ingress('web', `${APP}-stable`)],
    async checkRouting(c, ns, weight, hashes) {
      await checkServices(c, ns, hashes);
      const canary = await c.get<IngressLike>(INGRESSES, ns, `${APP}-web-canary`);
      const annotations = canary.metadata?.annotations ?? {};
      assert.equal(annotations['nginx.ingress.kubernetes.io/canary'], 'true');
      assert.equal(annotations['nginx.ingress.kubernetes.io/canary-weight'], String(weight), 'the canary Ingress weight');
      assert.equal(canary.spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name, `${APP}-canary`, 'the canary Ingress routes to the canary Service');
      const owner = (canary.metadata?.ownerReferences as Array<{ kind?: string; name?: string; controller?: boolean }> | undefined)?.[0];
      assert.deepEqual({ kind: owner?.kind, name: owner?.name, controller: owner?.controller }, { kind: 'Rollout', name: APP, controller: true });
      const stable = await c.get<IngressLike>(INGRESSES, ns, 'web');
      assert.equal(stable.spec?.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name, `${APP}-stable`, 'the stable Ingress is left as the user wrote it');
      assert.equal(stable.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'], undefined);
    },
  },
  istioHost: {
    name: 'Istio host-level',
    canary: {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      abortScaleDownDelaySeconds: 2,
      trafficRouting: { istio: { virtualService: { name: `${APP}-vs`, routes: ['primary'] } } },
    },
    objects: [
      service(`${APP}-stable`, APP),
      service(`${APP}-canary`, APP),
      virtualService([
        { destination: { host: `${APP}-stable` }, weight: 100 },
        { destination: { host: `${APP}-canary` }, weight: 0 },
      ]),
    ],
    async checkRouting(c, ns, weight, hashes) {
      await checkServices(c, ns, hashes);
      assert.deepEqual(await routeWeights(c, ns, 'host'), { [`${APP}-stable`]: 100 - weight, [`${APP}-canary`]: weight });
    },
    headerRoute: (c, ns, present) => istioHeaderRoute(c, ns, present, { host: `${APP}-canary` }),
  },
  istioSubset: {
    name: 'Istio subset-level',
    subsetLevel: true,
    canary: {
      abortScaleDownDelaySeconds: 2,
      trafficRouting: {
        istio: {
          virtualService: { name: `${APP}-vs`, routes: ['primary'] },
          destinationRule: { name: `${APP}-dr`, canarySubsetName: 'canary', stableSubsetName: 'stable' },
        },
      },
    },
    objects: [
      service(APP, APP),
      virtualService([
        { destination: { host: APP, subset: 'stable' }, weight: 100 },
        { destination: { host: APP, subset: 'canary' }, weight: 0 },
      ]),
      {
        apiVersion: 'networking.istio.io/v1alpha3',
        kind: 'DestinationRule',
        metadata: { name: `${APP}-dr` },
        spec: { host: APP, subsets: [{ name: 'stable', labels: { app: APP } }, { name: 'canary', labels: { app: APP } }] },
      } as KubeObject,
    ],
    async checkRouting(c, ns, weight, hashes) {
      assert.deepEqual(await routeWeights(c, ns, 'subset'), { stable: 100 - weight, canary: weight });
      const dr = await c.get<DestinationRuleLike>(ISTIO_DESTINATION_RULES, ns, `${APP}-dr`);
      const subsets = Object.fromEntries((dr.spec?.subsets ?? []).map((s) => [s.name, s.labels ?? {}]));
      assert.deepEqual(subsets, {
        stable: { app: APP, [HASH_LABEL]: hashes.stable },
        canary: { app: APP, [HASH_LABEL]: hashes.canary },
      }, 'the DestinationRule subsets select the pods by pod-template hash');
    },
    headerRoute: (c, ns, present) => istioHeaderRoute(c, ns, present, { host: APP, subset: 'canary' }),
  },
};

export function virtualService(route: Route['route']): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'VirtualService',
    metadata: { name: `${APP}-vs` },
    spec: { hosts: [APP], http: [{ name: 'primary', route }] },
  } as KubeObject;
}

/** Everything one walk needs: the namespace, the helpers, the controller (which a test may restart). */
export class CanaryWalk {
  readonly cli = new KubeClient(loadKubeConfig());
  controller!: RunningController;
  private restarts = 0;

  constructor(
    readonly t: Parameters<typeof testNamespace>[0],
    readonly ns: string,
    readonly provider: Provider,
    readonly steps: ReadonlyArray<Record<string, unknown>> = STEPS,
    readonly ro = new RolloutHelper(ns),
  ) {}

  /** Creates the provider's objects and the Rollout `app` with `steps` (and `canary` for the strategy), then starts a controller. */
  static async start(
    t: Parameters<typeof testNamespace>[0],
    provider: Provider,
    steps: ReadonlyArray<Record<string, unknown>> = STEPS,
    canary: Record<string, unknown> = provider.canary,
  ): Promise<CanaryWalk> {
    const walk = new CanaryWalk(t, await testNamespace(t), provider, steps);
    await createAll(walk.ro.client, walk.ns, [...provider.objects, canaryRollout(APP, canary, [...steps])]);
    await walk.startController();
    return walk;
  }

  async startController(): Promise<void> {
    const controller = await startController({ namespace: this.ns, name: `${this.ns}-${this.restarts++}`, args: this.provider.controllerArgs ?? [] });
    this.t.after(() => controller.kill());
    this.controller = controller;
  }

  get(): Promise<RolloutLike> {
    return this.ro.get(APP);
  }

  healthy(what: string, hash?: string): Promise<RolloutLike> {
    return this.ro.waitFor(APP, what, (r) =>
      r.status?.phase === 'Healthy' &&
      !!r.status.currentPodHash &&
      r.status.stableRS === r.status.currentPodHash &&
      (hash === undefined || r.status.currentPodHash === hash) &&
      r.status.observedGeneration === String((r.metadata as { generation?: number }).generation));
  }

  /** Waits for the walk to stand at step `index` (a pause step: paused there). */
  atStep(index: number, what: string, hash?: string): Promise<RolloutLike> {
    const pause = this.steps[index]?.pause !== undefined;
    return this.ro.waitFor(APP, `${what} (step ${index})`, (r) =>
      r.status?.currentStepIndex === index &&
      (hash === undefined || r.status.currentPodHash === hash) &&
      (!pause || (r.status.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep')));
  }

  async setImage(tag: string): Promise<string> {
    const before = (await this.get()).status?.currentPodHash;
    await this.ro.setImage(APP, `registry.local/app:${tag}`);
    const ro = await this.ro.waitFor(APP, `the ${tag} ReplicaSet`, (r) => !!r.status?.currentPodHash && r.status.currentPodHash !== before);
    return ro.status!.currentPodHash!;
  }

  /** ReplicaSet replicas and routing at `weight`, with the canary `canary` and the stable `stable`. */
  async checkAt(weight: number, hashes: { canary: string; stable: string }, what: string): Promise<void> {
    const traffic = this.provider.objects.length > 0;
    const canaryReplicas = Math.ceil((REPLICAS * weight) / 100);
    // A basic canary splits by replica counts alone: the stable gives up what the canary takes.
    const stableReplicas = traffic || hashes.canary === hashes.stable ? REPLICAS : REPLICAS - canaryReplicas;
    await eventually(`${what}: ReplicaSets at canary ${canaryReplicas}, stable ${stableReplicas}`, async () => {
      const canary = await this.ro.replicaSet(hashes.canary);
      const stable = await this.ro.replicaSet(hashes.stable);
      if (hashes.canary === hashes.stable) return canary?.spec?.replicas === REPLICAS && canary.status?.availableReplicas === REPLICAS;
      return canary?.spec?.replicas === canaryReplicas && stable?.spec?.replicas === stableReplicas && canary.status?.availableReplicas === canaryReplicas;
    }, 30_000);
    // The step was reached only once the routing objects carried the weight: no waiting here.
    await this.provider.checkRouting(this.ro.client, this.ns, weight, hashes).catch((err: unknown) => {
      throw new Error(`${this.provider.name}, ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    if (this.provider.canary.canaryMetadata) {
      // Ephemeral metadata follows the role of each ReplicaSet's pods, patched in place.
      const roles = async (hash: string) =>
        (await this.ro.client.list<KubeObject>(PODS, { namespace: this.ns, labelSelector: `${HASH_LABEL}=${hash}` })).items.map((p) => p.metadata?.labels?.role);
      await eventually(`${what}: canary pods labelled role=canary, stable pods role=stable`, async () => {
        const canary = await roles(hashes.canary);
        const stable = hashes.canary === hashes.stable ? [] : await roles(hashes.stable);
        const want = hashes.canary === hashes.stable ? 'stable' : 'canary';
        const some = canary.length > 0 && (hashes.canary === hashes.stable || stable.length > 0);
        return some && canary.every((r) => r === want) && stable.every((r) => r === 'stable') ? true : { canary, stable };
      }, 30_000);
    }
    if (traffic) {
      const ro = await this.get();
      assert.equal(ro.status?.canary?.weights?.canary.weight, weight, `${what}: status.canary.weights records the canary weight`);
    }
  }

  promote(full = false): Promise<unknown> {
    return promoteRollout(this.cli, this.ns, APP, { full });
  }
  abort(): Promise<unknown> {
    return abortRollout(this.cli, this.ns, APP);
  }
  retry(): Promise<unknown> {
    return retryRollout(this.cli, this.ns, APP);
  }
}

/**
 * The whole walk: v1 deploys; v2 goes through every step (promote past the indefinite pause, the
 * timed pause ends by itself); v3 is aborted mid-way, retried and promoted with --full; v4 is
 * paused when the controller is SIGKILLed, and a new controller takes it to the same end.
 */
export async function walkCanary(t: Parameters<typeof testNamespace>[0], provider: Provider): Promise<void> {
  const walk = await CanaryWalk.start(t, provider);
  const v1 = (await walk.healthy('v1 Healthy')).status!.currentPodHash!;
  await walk.checkAt(0, { canary: v1, stable: v1 }, 'v1 deployed');

  // v2: every step.
  const v2 = await walk.setImage('v2');
  let ro = await walk.atStep(1, 'v2 paused after setWeight 33', v2);
  assert.equal(ro.status?.phase, 'Paused');
  assert.equal(ro.status?.stableRS, v1);
  await walk.checkAt(33, { canary: v2, stable: v1 }, 'setWeight 33');

  await walk.promote();
  ro = await walk.atStep(3, 'v2 in the timed pause after setWeight 66', v2);
  assert.equal(ro.spec.paused ?? false, false, 'promote cleared spec.paused');
  assert.ok(ro.status?.pauseConditions?.[0]?.startTime, 'the timed pause records when it started');
  await walk.checkAt(66, { canary: v2, stable: v1 }, 'setWeight 66');

  ro = await walk.healthy('v2 fully promoted after the timed pause ends by itself', v2);
  assert.equal(ro.status?.currentStepIndex, STEPS.length);
  await walk.checkAt(0, { canary: v2, stable: v2 }, 'v2 fully promoted');
  await eventually('v1 scaled down', async () => ((await walk.ro.replicaSet(v1))?.spec?.replicas === 0 ? true : undefined), 60_000);

  // v3: abort mid-way, retry, promote --full.
  const v3 = await walk.setImage('v3');
  await walk.atStep(1, 'v3 paused after setWeight 33', v3);
  await walk.abort();
  ro = await walk.ro.waitFor('app', 'v3 aborted and Degraded', (r) => r.status?.phase === 'Degraded' && r.status.abort === true);
  assert.match(ro.status?.message ?? '', /^RolloutAborted: Rollout aborted update to revision 3/);
  assert.equal(ro.status?.stableRS, v2);
  await eventually('the aborted canary scaled down', async () => ((await walk.ro.replicaSet(v3))?.spec?.replicas === 0 ? true : undefined), 30_000);
  // Argo points the canary Service back at the stable pods; a DestinationRule's canary subset keeps the aborted hash.
  const abortedCanary = provider.subsetLevel ? v3 : v2;
  await eventually('weight 0 on the routing objects after abort', async () => {
    await provider.checkRouting(walk.ro.client, walk.ns, 0, { canary: abortedCanary, stable: v2, aborted: v3 });
    return true;
  }, 30_000);
  assert.equal((await walk.get()).status?.canary?.weights?.canary.weight ?? 0, 0, 'weight back to 0 after abort');

  await walk.retry();
  ro = await walk.atStep(1, 'v3 paused at setWeight 33 again after retry', v3);
  assert.notEqual(ro.status?.abort, true);
  await walk.checkAt(33, { canary: v3, stable: v2 }, 'setWeight 33 after retry');
  await walk.promote(true);
  ro = await walk.healthy('v3 fully promoted by promote --full', v3);
  assert.equal(ro.status?.promoteFull ?? false, false, 'promoteFull is cleared once fully promoted');
  await walk.checkAt(0, { canary: v3, stable: v3 }, 'v3 fully promoted');

  // v4: a controller killed at a step; a new one resumes to the same end.
  const v4 = await walk.setImage('v4');
  const paused = await walk.atStep(1, 'v4 paused after setWeight 33', v4);
  await walk.controller.kill();
  await walk.startController();
  await sleep(2000);
  ro = await walk.get();
  assert.equal(ro.status?.currentStepIndex, 1, 'the new controller keeps the step');
  assert.equal(ro.status?.currentPodHash, v4);
  assert.equal(ro.status?.pauseConditions?.[0]?.startTime, paused.status?.pauseConditions?.[0]?.startTime, 'and the pause');
  await walk.checkAt(33, { canary: v4, stable: v3 }, 'setWeight 33 after a controller restart');
  await walk.promote();
  await walk.atStep(3, 'v4 in the timed pause after the restart', v4);
  await walk.checkAt(66, { canary: v4, stable: v3 }, 'setWeight 66 after a controller restart');
  await walk.healthy('v4 fully promoted after the restart', v4);
  await walk.checkAt(0, { canary: v4, stable: v4 }, 'v4 fully promoted');
  assert.equal(walk.controller.process.exitCode, null, 'the controller is still running');
}
