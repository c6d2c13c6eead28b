import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installTraefikCrds } from '../support/crds.ts';
import { traefikGroupProvider, traefikProvider } from './support/traefik.ts';

/**
 * A canary with the Traefik router on the real control plane: the full walk (every step, promote, the
 * timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with the
 * weighted TraefikService read back at each step.
 */

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installTraefikCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the Traefik router on the real control plane', () => {
  test('TraefikService: the stable and canary weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, traefikProvider));
  test('TraefikService in traefik.containo.us (--traefik-api-group): the weights follow each step at the older group', (t) =>
    walkCanary(t, traefikGroupProvider('traefik.containo.us')));
});
