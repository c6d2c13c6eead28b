import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { INGRESSES, ROLLOUTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { service, type RolloutLike } from '../../support/rollouts.ts';
import { APP, HEADER_ROUTE, checkServices, serviceHash, type Provider } from './canary.ts';
import { PING, PONG } from './ping-pong.ts';

/**
 * The ALB router's walk: the user's Ingress (class alb) whose rule goes to the root Service's
 * `use-annotation` port, as the AWS Load Balancer Controller expects. At every step the
 * forward action annotation is read back and compared, as a string, with the JSON Argo's
 * encoding/json writes.
 */

const PREFIX = 'alb.ingress.kubernetes.io';
const ROOT = `${APP}-root`;
const ACTION = `${PREFIX}/actions.${ROOT}`;
const MANAGED = 'rollouts.argoproj.io/managed-alb-annotations';

interface IngressPathLike {
  path?: string;
  pathType?: string;
  backend?: { service?: { name?: string; port?: { name?: string; number?: number } } };
}
interface IngressLike extends KubeObject {
  spec?: { rules?: Array<{ host?: string; http?: { paths?: IngressPathLike[] } }> };
}

export function albIngress(name: string): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, annotations: { [`${PREFIX}/scheme`]: 'internet-facing', [`${PREFIX}/target-type`]: 'ip' } },
    spec: {
      ingressClassName: 'alb',
      rules: [{ host: `${name}.local`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: ROOT, port: { name: 'use-annotation' } } } }] } }],
    },
  } as KubeObject;
}

/** Argo's ALBAction for the split, byte for byte. */
export function forwardAction(groups: Array<[string, number]>): string {
  const targetGroups = groups.map(([name, weight]) => `{"ServiceName":"${name}","ServicePort":"80","Weight":${weight}}`).join(',');
  return `{"Type":"forward","ForwardConfig":{"TargetGroups":[${targetGroups}]}}`;
}

/** The [Service, weight] target groups of the forward action on Ingress `web`, read back. */
export async function actionWeights(c: KubeClient, ns: string): Promise<Array<[string, number]>> {
  const ingress = await c.get<IngressLike>(INGRESSES, ns, 'web');
  const raw = ingress.metadata?.annotations?.[ACTION];
  assert.ok(raw, 'the Ingress carries the forward action');
  const action = JSON.parse(raw) as { ForwardConfig: { TargetGroups: Array<{ ServiceName: string; Weight: number }> } };
  return action.ForwardConfig.TargetGroups.map((g) => [g.ServiceName, g.Weight]);
}

export const albProvider: Provider = {
  name: 'ALB',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: { alb: { ingress: 'web', rootService: ROOT, servicePort: 80 } },
  },
  objects: [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), albIngress('web')],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    const ingress = await c.get<IngressLike>(INGRESSES, ns, 'web');
    const annotations = ingress.metadata?.annotations ?? {};
    assert.equal(annotations[ACTION], forwardAction([[`${APP}-canary`, weight], [`${APP}-stable`, 100 - weight]]), 'the forward action on the Ingress');
    assert.equal(annotations[`${PREFIX}/scheme`], 'internet-facing', "the user's annotations are kept");
    const managed = JSON.parse(annotations[MANAGED] ?? '{}') as Record<string, string[]>;
    assert.ok(managed[APP]?.includes(ACTION), 'the action is listed as managed by the Rollout');
  },
  async headerRoute(c, ns, present) {
    const ingress = await c.get<IngressLike>(INGRESSES, ns, 'web');
    const annotations = ingress.metadata?.annotations ?? {};
    const paths = (ingress.spec?.rules?.[0]?.http?.paths ?? []).map((p) => [p.path, p.backend?.service?.name, p.backend?.service?.port?.name]);
    if (!present) {
      assert.equal(annotations[`${PREFIX}/actions.${HEADER_ROUTE}`], undefined, 'the header action is removed');
      assert.equal(annotations[`${PREFIX}/conditions.${HEADER_ROUTE}`], undefined, 'the header conditions are removed');
      assert.deepEqual(paths, [['/', ROOT, 'use-annotation']], 'the header path is removed');
      return;
    }
    assert.equal(annotations[`${PREFIX}/actions.${HEADER_ROUTE}`], forwardAction([[`${APP}-canary`, 100]]));
    assert.equal(annotations[`${PREFIX}/conditions.${HEADER_ROUTE}`], '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Canary","values":["yes"]}}]');
    assert.deepEqual(paths, [['/*', HEADER_ROUTE, 'use-annotation'], ['/', ROOT, 'use-annotation']], 'the header path comes first');
  },
};

/** Argo's ping-pong Services with the ALB router: which one is the canary follows status.canary.stablePingPong. */
export const albPingPongProvider: Provider = {
  name: 'ALB ping-pong',
  canary: {
    abortScaleDownDelaySeconds: 2,
    pingPong: { pingService: PING, pongService: PONG },
    trafficRouting: { alb: { ingress: 'web', rootService: ROOT, servicePort: 80 } },
  },
  objects: [service(PING, APP), service(PONG, APP), albIngress('web')],
  async checkRouting(c, ns, weight, hashes) {
    const ro = await c.get<RolloutLike>(ROLLOUTS, ns, APP);
    const stablePing = ro.status?.canary?.stablePingPong === 'ping';
    const [stable, canary] = stablePing ? [PING, PONG] : [PONG, PING];
    assert.deepEqual(await actionWeights(c, ns), [[canary, weight], [stable, 100 - weight]], 'the forward action splits between the ping-pong Services');
    if (hashes.canary !== hashes.stable) assert.equal(await serviceHash(c, ns, canary), hashes.canary, `the canary (${canary}) selects the new pods`);
  },
};
