import assert from 'node:assert/strict';
import { ANALYSIS_RUNS, type KubeObject } from '../../../controller/kube/resources.ts';
import type { RunningController } from '../../support/controller.ts';
import { HASH_LABEL, type RolloutHelper, type RolloutLike } from '../../support/rollouts.ts';

/** Checks of where a disturbed rollout ended, against where an undisturbed one ends. */

const REVISION = 'rollout.argoproj.io/revision';

/** Healthy on `hash` (or on whatever it rolled to): stable is current, and a blue-green's active Service selects it. */
export const healthyAt = (hash?: string) => (ro: RolloutLike): boolean => {
  const s = ro.status;
  if (s?.phase !== 'Healthy' || !s.currentPodHash || s.stableRS !== s.currentPodHash) return false;
  if (hash !== undefined && s.currentPodHash !== hash) return false;
  const isBlueGreen = (ro.spec.strategy as { blueGreen?: unknown } | undefined)?.blueGreen !== undefined;
  return !isBlueGreen || s.blueGreen?.activeSelector === s.currentPodHash;
};

/** One ReplicaSet per pod template: distinct hashes, distinct revisions, `count` of them. */
export async function assertOneReplicaSetPerTemplate(ro: RolloutHelper, count: number): Promise<void> {
  const rss = await ro.replicaSets();
  const hashes = rss.map((rs) => rs.metadata?.labels?.[HASH_LABEL]);
  const revisions = rss.map((rs) => rs.metadata?.annotations?.[REVISION]);
  const seen = JSON.stringify(rss.map((rs) => ({ name: rs.metadata?.name, revision: rs.metadata?.annotations?.[REVISION] })));
  assert.equal(rss.length, count, `expected ${count} ReplicaSets, found ${seen}`);
  assert.equal(new Set(hashes).size, count, `distinct pod template hashes: ${seen}`);
  assert.equal(new Set(revisions).size, count, `distinct revisions: ${seen}`);
}

export async function analysisRuns(ro: RolloutHelper): Promise<KubeObject[]> {
  return (await ro.client.list<KubeObject>(ANALYSIS_RUNS, { namespace: ro.namespace })).items;
}

export function noStackTraces(controller: RunningController): void {
  assert.doesNotMatch(controller.output(), /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace in the controller output');
}
