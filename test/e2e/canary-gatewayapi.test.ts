import { before, describe, test } from 'node:test';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import { walkCanary } from './support/canary.ts';
import { walkHeaderRoute } from './support/header-route.ts';
import { kubeconfigPath } from '../support/cluster.ts';
import { installGatewayApiCrds } from '../support/crds.ts';
import { gatewayApiProvider, gatewayRouteProvider } from './support/gatewayapi.ts';

/**
 * A canary configured as for Argo's Gateway API plugin, on the real control plane: the full walk
 * (every step, promote, the timed pause, abort, retry, promote --full, a controller SIGKILL and
 * restart) with the HTTPRoute's backendRef weights and in-progress label read back at each step.
 */

before(async () => {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installGatewayApiCrds(client);
  } finally {
    client.close();
  }
});

describe('canary with the Gateway API router on the real control plane', () => {
  test('HTTPRoute: the backendRef weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, gatewayApiProvider));
  test('HTTPRoute with useHeaderRoutes: a setHeaderRoute step adds a header rule to the canary, a later step, abort and promote --full remove it', (t) =>
    walkHeaderRoute(t, gatewayApiProvider));
  test('GRPCRoute: the backendRef weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, gatewayRouteProvider('GRPCRoute')));
  test('GRPCRoute with useHeaderRoutes: the header rule keeps the method match and adds the header', (t) => walkHeaderRoute(t, gatewayRouteProvider('GRPCRoute')));
  test('TCPRoute: the backendRef weights follow each step through promote, abort, retry, promote --full and a restart', (t) =>
    walkCanary(t, gatewayRouteProvider('TCPRoute')));
});
