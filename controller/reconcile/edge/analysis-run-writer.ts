import { isCompleted } from '../../analysis/types.ts';
import type { AnalysisRun } from '../../api/index.ts';
import type { KubeClient, WriteOptions } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { ANALYSIS_RUNS, type KubeObject } from '../../kube/resources.ts';
import { controllerOf } from '../../kube/store.ts';
import { ROLLOUT_TYPE_LABEL } from '../shared/rollout-analysis.ts';
import type { RolloutWriter } from '../apply.ts';
import { POD_TEMPLATE_HASH_LABEL } from '../../api/labels.ts';

/** Collisions tried before giving up; each one is a run of that name that is not ours. */
const MAX_COLLISIONS = 50;

/**
 * A name already taken by a run this Rollout started for the same revision and kind, still going,
 * means a previous pass created it and its status write was lost (Argo's CreateWithCollisionCounter).
 */
function isSameRun(existing: AnalysisRun, wanted: AnalysisRun): boolean {
  const owner = controllerOf(existing as KubeObject);
  const wantedOwner = controllerOf(wanted as KubeObject);
  const label = (run: AnalysisRun, key: string): string | undefined => run.metadata.labels?.[key];
  return (
    owner?.uid !== undefined &&
    owner.uid === wantedOwner?.uid &&
    !isCompleted(existing.status?.phase) &&
    label(existing, POD_TEMPLATE_HASH_LABEL) === label(wanted, POD_TEMPLATE_HASH_LABEL) &&
    label(existing, ROLLOUT_TYPE_LABEL) === label(wanted, ROLLOUT_TYPE_LABEL)
  );
}

/** The AnalysisRun writes of a Rollout pass, each through the counted client. */
export function analysisRunWriter(client: KubeClient, opts: WriteOptions): Pick<RolloutWriter, 'createAnalysisRun' | 'patchAnalysisRun' | 'deleteAnalysisRun'> {
  return {
    async createAnalysisRun(namespace, run) {
      const base = run.metadata.name ?? '';
      for (let n = 0; n <= MAX_COLLISIONS; n++) {
        const name = n === 0 ? base : `${base}.${n}`;
        const attempt = { ...run, metadata: { ...run.metadata, name, namespace } };
        try {
          await client.create(ANALYSIS_RUNS, attempt as KubeObject, opts);
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
        const existing = await client.get<KubeObject>(ANALYSIS_RUNS, namespace, name, { signal: opts.signal });
        if (isSameRun(existing as unknown as AnalysisRun, attempt)) return;
      }
      throw new Error(`analysisruns "${base}" and ${MAX_COLLISIONS} numbered variants already exist in ${namespace}: delete the stale ones`);
    },
    async patchAnalysisRun(namespace, name, patch) {
      try {
        await client.mergePatch(ANALYSIS_RUNS, namespace, name, patch, opts);
      } catch (err) {
        // A run deleted meanwhile needs no terminating.
        if (!isNotFound(err)) throw err;
      }
    },
    async deleteAnalysisRun(namespace, name) {
      try {
        await client.delete(ANALYSIS_RUNS, namespace, name, { propagationPolicy: 'Background', signal: opts.signal });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
