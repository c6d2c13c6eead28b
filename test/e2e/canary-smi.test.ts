import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installSmiCrds } from '../support/crds.ts';
import { smiProvider } from './support/smi.ts';

/**
 * A canary with the SMI router on the real control plane: the full walk (every step, promote, the
 * timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with the
 * TrafficSplit the controller creates read back at each step.
 */

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
});
