import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { walkHeaderRoute } from './support/header-route.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installApisixCrds } from '../support/crds.ts';
import { apisixProvider } from './support/apisix.ts';

/**
 * A canary behind an APISIX ApisixRoute on the real control plane: the full walk (every step,
 * promote, the timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with
 * the named rule's backend weights read back at each step.
 */

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installApisixCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the APISIX router on the real control plane', () => {
  test('ApisixRoute: the backend weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, apisixProvider));
  test('ApisixRoute: a setHeaderRoute step adds a header ApisixRoute to the canary, a later step, abort and promote --full remove it', (t) =>
    walkHeaderRoute(t, apisixProvider));
});
