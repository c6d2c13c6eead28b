import { isCompleted } from '../../analysis/types.ts';
import type { Experiment } from '../../api/index.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';
import type { KubeClient, WriteOptions } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { EXPERIMENTS, type KubeObject } from '../../kube/resources.ts';
import { controllerOf } from '../../kube/store.ts';
import type { RolloutWriter } from '../apply.ts';

/**
 * A name already taken by an experiment this Rollout started for the same revision, still going,
 * means a previous pass created it and its status write was lost (Argo's
 * createExperimentWithCollisionHandling). Any other holder of the name fails the pass: the next
 * one sees it in the cache and picks the next name.
 */
function isSameExperiment(existing: Experiment, wanted: Experiment): boolean {
  const owner = controllerOf(existing as KubeObject);
  return (
    owner?.uid !== undefined &&
    owner.uid === controllerOf(wanted as KubeObject)?.uid &&
    !isCompleted(existing.status?.phase) &&
    existing.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === wanted.metadata.labels?.[POD_TEMPLATE_HASH_LABEL]
  );
}

/** The Experiment writes of a Rollout pass, each through the counted client. */
export function experimentWriter(client: KubeClient, opts: WriteOptions): Required<Pick<RolloutWriter, 'createExperiment' | 'patchExperiment' | 'deleteExperiment'>> {
  return {
    async createExperiment(namespace, experiment) {
      const name = experiment.metadata.name ?? '';
      try {
        await client.create(EXPERIMENTS, { ...experiment, metadata: { ...experiment.metadata, namespace } } as KubeObject, opts);
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      const existing = await client.get<KubeObject>(EXPERIMENTS, namespace, name, { signal: opts.signal });
      if (!isSameExperiment(existing as unknown as Experiment, experiment)) {
        throw new Error(`experiments "${name}" already exists in ${namespace} and is not this revision's running experiment`);
      }
    },
    async patchExperiment(namespace, name, patch) {
      try {
        await client.mergePatch(EXPERIMENTS, namespace, name, patch, opts);
      } catch (err) {
        // An experiment deleted meanwhile needs no terminating.
        if (!isNotFound(err)) throw err;
      }
    },
    async deleteExperiment(namespace, name) {
      try {
        await client.delete(EXPERIMENTS, namespace, name, { propagationPolicy: 'Background', signal: opts.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
