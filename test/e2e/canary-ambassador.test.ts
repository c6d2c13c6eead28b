import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installAmbassadorCrds } from '../support/crds.ts';
import { ambassadorProvider, ambassadorVersionProvider } from './support/ambassador.ts';

/**
 * A canary behind an Ambassador Mapping on the real control plane: the full walk (every step,
 * promote, the timed pause, abort, retry, promote --full, a controller SIGKILL and restart) with
 * the canary Mapping read back at each step and gone whenever the canary has no weight.
 */

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installAmbassadorCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the Ambassador router on the real control plane', () => {
  test('Mapping: the canary Mapping follows each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, ambassadorProvider));
  test('Mapping at getambassador.io/v3alpha1 (--ambassador-api-version): the canary Mapping is written at that version through the walk', (t) =>
    walkCanary(t, ambassadorVersionProvider('v3alpha1')));
});
