import type { KubeClient } from '../../../controller/kube/client.ts';
import { SERVICES, type KubeObject } from '../../../controller/kube/resources.ts';
import { testNamespace } from '../../support/cluster.ts';
import type { ControllerProcess } from '../../support/controller-process.ts';
import { canaryRollout, RolloutHelper, service } from '../../support/rollouts.ts';
import { argoCli } from './argo-controller.ts';
import { APP, createAll } from './canary.ts';
import { PING, PONG } from './ping-pong.ts';

/** A router's ping-pong set-up and what of it is compared under the two controllers. */
export interface PingPongRouter {
  trafficRouting: Record<string, unknown>;
  objects: KubeObject[];
  /** The routing object's state as its users read it (an Ingress's annotations, a VirtualService's http routes). */
  routing(c: KubeClient, ns: string): Promise<unknown>;
}

export interface PingPongView {
  stablePingPong: string | undefined;
  /** The image of the ReplicaSet each Service selects: the two namespaces are compared, not their hashes. */
  ping: string | undefined;
  pong: string | undefined;
  routing: unknown;
}

/**
 * One controller's ping-pong walk in its own namespace: v1 deployed, v2 paused at setWeight 50,
 * promoted with Argo's CLI, v3 paused at setWeight 50, promoted; a view at each pause and a
 * reader for after the last promotion.
 */
export async function pingPongWalk(
  t: { after: (fn: () => Promise<void>) => void },
  name: string,
  router: PingPongRouter,
  start: (ns: string) => Promise<ControllerProcess>,
): Promise<{ views: PingPongView[]; promoted: () => Promise<PingPongView> }> {
  const ns = await testNamespace({ after: (fn) => t.after(fn), name });
  const ro = new RolloutHelper(ns);
  const canary = {
    pingPong: { pingService: PING, pongService: PONG },
    steps: [{ setWeight: 50 }, { pause: {} }],
    trafficRouting: router.trafficRouting,
  };
  await createAll(ro.client, ns, [service(PING, APP), service(PONG, APP), ...router.objects, canaryRollout(APP, canary, { replicas: 2 })]);
  const controller = await start(ns);
  t.after(() => controller.kill());
  const selector = async (svc: string) => {
    const hash = (await ro.client.get<{ spec?: { selector?: Record<string, string> } }>(SERVICES, ns, svc)).spec?.selector?.['rollouts-pod-template-hash'];
    if (hash === undefined) return undefined;
    const rs = (await ro.replicaSet(hash)) as { spec?: { template?: { spec?: { containers?: Array<{ image?: string }> } } } } | undefined;
    return rs?.spec?.template?.spec?.containers?.[0]?.image ?? `unknown ReplicaSet ${hash}`;
  };
  const view = async (): Promise<PingPongView> => ({
    stablePingPong: (await ro.get(APP)).status?.canary?.stablePingPong,
    ping: await selector(PING),
    pong: await selector(PONG),
    routing: await router.routing(ro.client, ns),
  });
  const paused = (what: string, image: string) =>
    ro.waitFor(APP, what, (r) => r.status?.currentStepIndex === 1 && (r.status.pauseConditions ?? []).some((p) => p.reason === 'CanaryPauseStep') &&
      (r.spec as { template?: { spec?: { containers?: Array<{ image?: string }> } } }).template?.spec?.containers?.[0]?.image === image, 90_000);
  const promoted = (what: string) =>
    ro.waitFor(APP, what, (r) => r.status?.phase === 'Healthy' && r.status.stableRS === r.status.currentPodHash && r.status.currentStepIndex === 2, 90_000);

  const views: PingPongView[] = [];
  await ro.waitFor(APP, 'v1 Healthy', (r) => r.status?.phase === 'Healthy' && !!r.status.stableRS && r.status.stableRS === r.status.currentPodHash, 90_000);
  views.push(await view());
  await ro.setImage(APP, 'registry.local/app:v2');
  await paused('v2 paused', 'registry.local/app:v2');
  views.push(await view());
  argoCli('promote', APP, '-n', ns);
  await promoted('v2 promoted');
  await ro.setImage(APP, 'registry.local/app:v3');
  await paused('v3 paused', 'registry.local/app:v3');
  views.push(await view());
  argoCli('promote', APP, '-n', ns);
  await promoted('v3 promoted');
  return { views, promoted: view };
}
