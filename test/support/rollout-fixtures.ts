import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { AnalysisRun, Experiment, Rollout } from '../../controller/api/index.ts';
import type { RolloutObjects } from '../../client/info/rollout-info.ts';
import type { PodLike, ReplicaSetLike } from '../../client/info/types.ts';

/** The tests' clock: fixtures create their objects seven days before it. */
export const NOW = Date.parse('2025-01-10T12:00:00Z');

export const FIXTURES = new URL('../fixtures/cli/', import.meta.url);

/** The Rollout of a fixture file with the ReplicaSets, Pods, AnalysisRuns and Experiments beside it. */
export function loadFixture(name: string): Required<Omit<RolloutObjects, 'workloadTemplate'>> {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string });
  const rollout = docs.find((d) => d.kind === 'Rollout') as unknown as Rollout;
  return {
    rollout,
    replicaSets: docs.filter((d) => d.kind === 'ReplicaSet') as unknown as ReplicaSetLike[],
    pods: docs.filter((d) => d.kind === 'Pod') as unknown as PodLike[],
    analysisRuns: docs.filter((d) => d.kind === 'AnalysisRun') as unknown as AnalysisRun[],
    experiments: docs.filter((d) => d.kind === 'Experiment') as unknown as Experiment[],
  };
}

export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}
