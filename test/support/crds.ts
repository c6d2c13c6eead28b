import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { KubeClient } from '../../controller/kube/client.ts';
import { loadKubeConfig } from '../../controller/kube/kubeconfig.ts';
import {
  AMBASSADOR_MAPPINGS,
  APISIX_ROUTES,
  APPMESH_KINDS,
  GATEWAY_ROUTES,
  ISTIO_DESTINATION_RULES,
  ISTIO_VIRTUAL_SERVICES,
  SMI_TRAFFIC_SPLITS,
  TRAEFIK_CONTAINO_SERVICES,
  TRAEFIK_SERVICES,
  type KubeObject,
  type ResourceType,
} from '../../controller/kube/resources.ts';
import { isAlreadyExists } from '../../controller/traffic/router.ts';
import { eventually, kubeconfigPath } from './cluster.ts';

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

/** installIstioCrds through a client of its own, for a suite's before(). */
export async function ensureIstioCrds(): Promise<void> {
  const client = new KubeClient(loadKubeConfig({ kind: 'files', paths: [kubeconfigPath()] }));
  try {
    await installIstioCrds(client);
  } finally {
    client.close();
  }
}

/** The route CRDs of examples/canary-gatewayapi. */
export const installGatewayApiCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-gatewayapi/crds/gateway-api-crds.yaml', 'Gateway API route', GATEWAY_ROUTES);

/** The Mapping CRD of examples/canary-ambassador. */
export const installAmbassadorCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-ambassador/crds/ambassador-crds.yaml', 'Ambassador Mapping', [AMBASSADOR_MAPPINGS]);

/** The ApisixRoute CRD of examples/canary-apisix. */
export const installApisixCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-apisix/crds/apisix-crds.yaml', 'APISIX route', [APISIX_ROUTES]);
/** The TrafficSplit CRD of examples/canary-smi, serving v1alpha1 to v1alpha3. */
export const installSmiCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-smi/crds/smi-crds.yaml', 'SMI TrafficSplit', [
    SMI_TRAFFIC_SPLITS,
    { ...SMI_TRAFFIC_SPLITS, version: 'v1alpha2' },
    { ...SMI_TRAFFIC_SPLITS, version: 'v1alpha3' },
  ]);

/** The TraefikService CRDs of examples/canary-traefik, in both of Traefik's API groups. */
export const installTraefikCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-traefik/crds/traefik-crds.yaml', 'TraefikService', [TRAEFIK_SERVICES, TRAEFIK_CONTAINO_SERVICES]);

/** The VirtualService, VirtualRouter and VirtualNode CRDs of examples/canary-appmesh. */
export const installAppMeshCrds = (c: KubeClient): Promise<void> =>
  installExampleCrds(c, 'canary-appmesh/crds/appmesh-crds.yaml', 'App Mesh', APPMESH_KINDS);
