import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { AnalysisRun, Experiment } from '../../api/index.ts';
import { getRollout } from '../../../client/actions/rollout-actions.ts';
import type { CliEnv, Connection, GlobalOptions } from '../context.ts';
import { CliError, describeError, type ErrorSubject } from '../errors.ts';
import type { RolloutObjects } from '../../../client/info/rollout-info.ts';
import type { PodLike, PodTemplateLike, ReplicaSetLike } from '../../../client/info/types.ts';
import type { KubeVerbs } from '../../kube/client.ts';
import { ANALYSIS_RUNS, DEPLOYMENTS, EXPERIMENTS, PODS, REPLICA_SETS, type KubeObject, type ResourceType } from '../../kube/resources.ts';
import { colorEnabled, painter, type Painter } from '../render/color.ts';

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export function connect(env: CliEnv, cmd: Command): Connection {
  try {
    return env.connect(globals(cmd));
  } catch (err) {
    throw new CliError(describeError(err));
  }
}

/** Runs `fn`, turning any failure into a one-line CliError that names `subject`. */
export async function guard<T>(subject: ErrorSubject, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(describeError(err, subject));
  }
}

export function paintFor(env: CliEnv, cmd: Command): Painter {
  return painter(colorEnabled({ isTTY: env.io.isTTY, env: env.env, noColorFlag: globals(cmd).color === false }));
}

function selector(matchLabels: Record<string, string> | undefined): string | undefined {
  const parts = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

async function list(client: KubeVerbs, type: ResourceType, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
  return (await client.listAll(type, { namespace, ...(labelSelector !== undefined ? { labelSelector } : {}) })).items;
}

const hasExperimentStep = (rollout: { spec: { strategy: { canary?: { steps?: Array<{ experiment?: unknown }> } } } }): boolean =>
  (rollout.spec.strategy.canary?.steps ?? []).some((step) => step.experiment !== undefined);

/** The rollout and everything the view model shows about it, read in one go. */
export async function fetchRolloutObjects(client: KubeVerbs, namespace: string, name: string): Promise<RolloutObjects> {
  const rollout = await getRollout(client, namespace, name);
  const labels = selector(rollout.spec.selector?.matchLabels);
  const [replicaSets, pods, analysisRuns, experiments] = await Promise.all([
    list(client, REPLICA_SETS, namespace, labels),
    list(client, PODS, namespace, labels),
    list(client, ANALYSIS_RUNS, namespace),
    // Only a canary with an experiment step has Experiments; others need not read them (nor be allowed to).
    hasExperimentStep(rollout) ? list(client, EXPERIMENTS, namespace) : Promise.resolve([]),
  ]);
  const objects: RolloutObjects = {
    rollout,
    replicaSets: replicaSets as unknown as ReplicaSetLike[],
    pods: pods as unknown as PodLike[],
    analysisRuns: analysisRuns as unknown as AnalysisRun[],
    experiments: experiments as unknown as Experiment[],
  };
  const ref = rollout.spec.workloadRef;
  if (ref?.kind === 'Deployment' && ref.name) {
    const deploy = (await client.get(DEPLOYMENTS, namespace, ref.name)) as { spec?: { template?: PodTemplateLike } };
    if (deploy.spec?.template !== undefined) objects.workloadTemplate = deploy.spec.template;
  }
  return objects;
}

export type OutputFormat = 'json' | 'yaml' | 'wide' | undefined;

export function outputFormat(value: string | undefined, allowed: readonly string[]): OutputFormat {
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) throw new CliError(`unknown output format "${value}"; use one of: ${allowed.join(', ')}`);
  return value as OutputFormat;
}

export function serialize(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}

/** Parses a Go duration flag value ("30s", "5m", "1h") into milliseconds. */
export function durationFlag(value: string, flag: string, parse: (v: string) => number): number {
  try {
    return parse(value) * 1000;
  } catch (err) {
    throw new CliError(`invalid ${flag} "${value}": ${err instanceof Error ? err.message : String(err)}; use a duration such as 30s, 5m or 1h`);
  }
}
