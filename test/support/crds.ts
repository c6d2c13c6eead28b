import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeClient } from '../../controller/kube/client.ts';
import {
  APPMESH_KINDS,
  GATEWAY_ROUTES,
  ISTIO_DESTINATION_RULES,
  ISTIO_VIRTUAL_SERVICES,
  type KubeObject,
  type ResourceType,
} from '../../controller/kube/resources.ts';
import { isAlreadyExists } from '../../controller/traffic/router.ts';
import { eventually } from './cluster.ts';

export const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  instanceScoped: false,
};

/**
 * Installs the schema-less CRDs of one example (the ones its user applies to a test cluster) and
 * waits until the API server serves every kind in `served`. Other test files, or a bench run, may
 * have installed them already, so AlreadyExists is success.
 */
async function installExampleCrds(c: KubeClient, file: string, what: string, served: readonly ResourceType[]): Promise<void> {
  const text = readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    await c.create(CRDS, doc.toJS() as KubeObject).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
    });
  }
  await eventually(`the ${what} CRDs are served`, async () => {
    for (const type of served) await c.list(type, { namespace: 'default', limit: 1 });
    return true;
  }, 30_000, 250);
}

/** The VirtualService and DestinationRule CRDs of examples/canary-istio. */
export const installIstioCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-istio/crds/istio-crds.yaml', 'Istio', [ISTIO_VIRTUAL_SERVICES, ISTIO_DESTINATION_RULES]);

/** The route CRDs of examples/canary-gatewayapi. */
export const installGatewayApiCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-gatewayapi/crds/gateway-api-crds.yaml', 'Gateway API route', GATEWAY_ROUTES);

/** The VirtualService, VirtualRouter and VirtualNode CRDs of examples/canary-appmesh. */
export const installAppMeshCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-appmesh/crds/appmesh-crds.yaml', 'App Mesh', APPMESH_KINDS);
