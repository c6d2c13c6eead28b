import assert from 'node:assert/strict';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { isNotFound } from '../../../controller/kube/errors.ts';
import { AMBASSADOR_MAPPINGS, type KubeObject } from '../../../controller/kube/resources.ts';
import { eventually } from '../../support/cluster.ts';
import { service } from '../../support/rollouts.ts';
import { APP, checkServices, type Provider } from './canary.ts';

/** The Ambassador router's walk: one Mapping to the stable Service, its canary copy read back at each step. */

interface MappingLike extends KubeObject {
  spec?: { prefix?: string; service?: string; weight?: number };
}

const MAPPING = `${APP}-mapping`;
const USER_SPEC = { prefix: `/${APP}/`, rewrite: '/', service: `${APP}-stable:80` };

async function readMapping(c: KubeClient, ns: string, name: string): Promise<MappingLike | undefined> {
  try {
    return await c.get<MappingLike>(AMBASSADOR_MAPPINGS, ns, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export const ambassadorProvider: Provider = {
  name: 'Ambassador',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: { ambassador: { mappings: [MAPPING] } },
  },
  objects: [
    service(`${APP}-stable`, APP),
    service(`${APP}-canary`, APP),
    { apiVersion: 'getambassador.io/v2', kind: 'Mapping', metadata: { name: MAPPING }, spec: USER_SPEC } as KubeObject,
  ],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    assert.deepEqual((await readMapping(c, ns, MAPPING))?.spec, USER_SPEC, 'the user\'s Mapping is left as written');
    if (weight === 0) {
      // Set to 0 first, deleted by the pass after: the canary Mapping goes away without any user action.
      await eventually('the canary Mapping deleted at weight 0', async () => (await readMapping(c, ns, `${MAPPING}-canary`)) === undefined, 15_000);
      return;
    }
    const canary = await readMapping(c, ns, `${MAPPING}-canary`);
    assert.ok(canary, 'the canary Mapping exists while the canary has weight');
    assert.deepEqual(canary.spec, { ...USER_SPEC, service: `${APP}-canary:80`, weight }, 'the canary Mapping: a copy to the canary Service with the weight');
    assert.equal(canary.metadata?.ownerReferences, undefined, 'no owner, as Argo creates it');
  },
};
