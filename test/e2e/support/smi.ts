import assert from 'node:assert/strict';
import { SMI_TRAFFIC_SPLITS, type KubeObject, type OwnerReference } from '../../../controller/kube/resources.ts';
import { service } from '../../support/rollouts.ts';
import { APP, checkServices, type Provider } from './canary.ts';

/**
 * The SMI router's walk: the controller creates the TrafficSplit and owns it. The controller runs
 * with --traffic-split-api-version v1alpha3, so the split is read back at that version, with
 * integer weights.
 */

export const SMI_VERSION = 'v1alpha3';
const ROOT = `${APP}-root`;

interface TrafficSplitLike extends KubeObject {
  spec?: { service?: string; backends?: Array<{ service?: string; weight?: number | string }> };
}

export const smiProvider: Provider = {
  name: 'SMI',
  canary: {
    stableService: `${APP}-stable`,
    canaryService: `${APP}-canary`,
    abortScaleDownDelaySeconds: 2,
    trafficRouting: { smi: { rootService: ROOT } },
  },
  objects: [service(`${APP}-stable`, APP), service(`${APP}-canary`, APP), service(ROOT, APP)],
  controllerArgs: ['--traffic-split-api-version', SMI_VERSION],
  async checkRouting(c, ns, weight, hashes) {
    await checkServices(c, ns, hashes);
    const split = await c.get<TrafficSplitLike>({ ...SMI_TRAFFIC_SPLITS, version: SMI_VERSION }, ns, APP);
    assert.equal(split.apiVersion, `split.smi-spec.io/${SMI_VERSION}`);
    assert.deepEqual(split.spec, {
      service: ROOT,
      backends: [
        { service: `${APP}-canary`, weight },
        { service: `${APP}-stable`, weight: 100 - weight },
      ],
    }, 'the TrafficSplit splits the root Service by weight');
    const owner = (split.metadata?.ownerReferences as OwnerReference[] | undefined)?.[0];
    assert.deepEqual({ kind: owner?.kind, name: owner?.name, controller: owner?.controller }, { kind: 'Rollout', name: APP, controller: true }, 'the Rollout owns the TrafficSplit');
  },
};
