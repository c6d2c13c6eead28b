import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { PROVIDERS, walkCanary, type Provider } from './support/canary.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installSmiCrds } from '../support/crds.ts';
import { smiProvider } from './support/smi.ts';

/**
 * A canary with the SMI router on the real control plane: the full walk (every step, promote, the
 * timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with the
 * TrafficSplit the controller creates read back at each step; and SMI with NGINX on one Rollout,
 * as Argo allows, both objects read back at each step.
 */

/** Two routers on one Rollout: both configured, their objects created once, both read back. */
function together(a: Provider, b: Provider): Provider {
  const key = (o: { kind?: string; metadata?: { name?: string } }) => `${o.kind}/${o.metadata?.name}`;
  const objects = [...a.objects, ...b.objects].filter((o, i, all) => all.findIndex((x) => key(x) === key(o)) === i);
  return {
    name: `${a.name} and ${b.name}`,
    canary: { ...a.canary, ...b.canary, trafficRouting: { ...(a.canary.trafficRouting as object), ...(b.canary.trafficRouting as object) } },
    objects,
    controllerArgs: [...(a.controllerArgs ?? []), ...(b.controllerArgs ?? [])],
    async checkRouting(c, ns, weight, hashes) {
      await a.checkRouting(c, ns, weight, hashes);
      await b.checkRouting(c, ns, weight, hashes);
    },
  };
}

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installSmiCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the SMI router on the real control plane', () => {
  test('TrafficSplit: created and owned by the Rollout, its backend weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, smiProvider));
  test('NGINX and SMI on one Rollout: the canary Ingress and the TrafficSplit both carry each step\'s weight', (t) =>
    walkCanary(t, together(PROVIDERS.nginx, smiProvider)));
});
