import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installAppMeshCrds } from '../support/crds.ts';
import { appMeshProvider } from './support/appmesh.ts';

/**
 * A canary in an App Mesh, on the real control plane: the full walk (every step, promote, the
 * timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with the
 * VirtualRouter's weighted targets and the VirtualNodes' pod selectors read back at each step.
 */

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installAppMeshCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the App Mesh router on the real control plane', () => {
  test('VirtualRouter: the weighted targets and VirtualNode selectors follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, appMeshProvider));
});
