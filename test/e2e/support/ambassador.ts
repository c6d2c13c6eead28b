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

async function readMapping(c: KubeClient, ns: string, name: string, version: string): Promise<MappingLike | undefined> {
  try {
    return await c.get<MappingLike>({ ...AMBASSADOR_MAPPINGS, version }, ns, name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The walk with Mappings at `version` (getambassador.io v2, Argo's default, or v3alpha1 with --ambassador-api-version). */
export function ambassadorVersionProvider(version: 'v2' | 'v3alpha1'): Provider {
  const apiVersion = `${AMBASSADOR_MAPPINGS.group}/${version}`;
  const read = (c: KubeClient, ns: string, name: string) => readMapping(c, ns, name, version);
  return {
    name: `Ambassador (${apiVersion})`,
    ...(version === 'v2' ? {} : { controllerArgs: [`--ambassador-api-version=${apiVersion}`] }),
    canary: {
      stableService: `${APP}-stable`,
      canaryService: `${APP}-canary`,
      abortScaleDownDelaySeconds: 2,
      trafficRouting: { ambassador: { mappings: [MAPPING] } },
    },
    objects: [
      service(`${APP}-stable`, APP),
      service(`${APP}-canary`, APP),
      { apiVersion, kind: 'Mapping', metadata: { name: MAPPING }, spec: USER_SPEC } as KubeObject,
    ],
    async checkRouting(c, ns, weight, hashes) {
      await checkServices(c, ns, hashes);
      assert.deepEqual((await read(c, ns, MAPPING))?.spec, USER_SPEC, 'the user\'s Mapping is left as written');
      if (weight === 0) {
        // Set to 0 first, deleted by the pass after: the canary Mapping goes away without any user action.
        await eventually('the canary Mapping deleted at weight 0', async () => (await read(c, ns, `${MAPPING}-canary`)) === undefined, 15_000);
        return;
      }
      const canary = await read(c, ns, `${MAPPING}-canary`);
      assert.ok(canary, 'the canary Mapping exists while the canary has weight');
      assert.deepEqual(canary.spec, { ...USER_SPEC, service: `${APP}-canary:80`, weight }, 'the canary Mapping: a copy to the canary Service with the weight');
      assert.equal(canary.metadata?.ownerReferences, undefined, 'no owner, as Argo creates it');
      // The apiserver records the version each writer used: the controller wrote at the configured one.
      const versions = new Set((canary.metadata?.managedFields ?? []).map((f) => (f as { apiVersion?: string }).apiVersion));
      assert.deepEqual([...versions], [apiVersion], 'the canary Mapping is written at the configured API version');
    },
  };
}

export const ambassadorProvider = ambassadorVersionProvider('v2');
