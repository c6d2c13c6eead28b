/**
 * The controllers the bench measures: Ramp (compiled, as the image runs it) and, with
 * `--against argo`, Argo Rollouts' own controller (v1.10.2, built by test/cluster/build.sh argo),
 * each started for one namespace of its own, and their processes' memory and CPU read from /proc
 * the same way for both.
 */
import { readFileSync } from 'node:fs';
import type { RunningController } from '../../test/support/controller.ts';
import { startArgoController } from '../../test/support/argo-controller.ts';
import { versions } from '../../test/cluster/layout.ts';
import { benchController, type BenchCluster } from './env.ts';

export interface Subject {
  /** As the report names it: "Ramp", "Argo". */
  name: string;
  /** Said once under the report, e.g. the version. */
  description: string;
  /** Makes the cluster ready for it (Argo needs its Experiment CRD served). */
  prepare(cluster: BenchCluster): Promise<void>;
  /** The controller watching only `namespace`, logging at info. */
  start(namespace: string, scenario: string, options?: StartOptions): Promise<RunningController>;
}

export interface StartOptions {
  /** Only Rollouts labelled with this controller instance id (sharding). */
  instanceId?: string;
  /** Ramp's flags only, e.g. --workers=30; the side-by-side scenarios pass none. */
  rampArgs?: readonly string[];
}

/**
 * The client-side rate limit both controllers are started with (`--qps`, `--burst`, which the two
 * read the same way: per client set), or none for their defaults.
 */
export interface ClientFlags {
  qps?: number;
  burst?: number;
}

const clientArgs = (flags: ClientFlags): string[] => [
  ...(flags.qps !== undefined ? [`--qps=${flags.qps}`] : []),
  ...(flags.burst !== undefined ? [`--burst=${flags.burst}`] : []),
];

export function rampSubject(flags: ClientFlags = {}): Subject {
  return {
    name: 'Ramp',
    description: 'Ramp, compiled (node dist/controller.js), --namespace',
    prepare: async () => undefined,
    start: (namespace, scenario, options = {}) =>
      benchController(namespace, scenario, [...clientArgs(flags), ...(options.instanceId ? [`--instance-id=${options.instanceId}`] : []), ...(options.rampArgs ?? [])]),
  };
}

export function argoSubject(flags: ClientFlags = {}): Subject {
  return {
    name: 'Argo',
    description: `Argo Rollouts ${versions.argoRollouts} (rollouts-controller built from the Go module proxy), --namespaced --namespace`,
    prepare: async () => undefined,
    start: (namespace, scenario, options = {}) =>
      startArgoController({ namespace, name: `bench-${scenario}`, logLevel: 'info', args: [...clientArgs(flags), ...(options.instanceId ? [`--instance-id=${options.instanceId}`] : [])] }),
  };
}

export interface ProcessUsage {
  rssBytes: number;
  /** User and system CPU time since the process started. */
  cpuSeconds: number;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/**
 * Resident memory and CPU time of a process from /proc: the same source for a Node and a Go
 * process, whatever their own metrics call these.
 */
export function processUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  // The command name in field 2 may hold spaces; the fields after its closing parenthesis do not.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: rssKiB * 1024, cpuSeconds: ticks / USER_HZ };
}
