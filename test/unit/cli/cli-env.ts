import type { Clock } from '../../../controller/kube/clock.ts';
import type { CliEnv } from '../../../controller/cli/context.ts';
import { runCli } from '../../../controller/cli/program.ts';
import type { KubeVerbs } from '../../../controller/kube/client.ts';
import { loadFixture, NOW } from '../../support/rollout-fixtures.ts';
import { FakeKube } from '../../support/fake-kube.ts';
import type { KubeObject } from '../../../controller/kube/resources.ts';

/** A clock whose timers fire at once, moving time forward by their delay. */
export function jumpingClock(start = NOW): Clock & { elapsed(): number } {
  let now = start;
  return {
    now: () => now,
    setTimer(fn, ms) {
      let cancelled = false;
      now += Math.max(0, ms);
      queueMicrotask(() => {
        if (!cancelled) fn();
      });
      return { cancel: () => (cancelled = true) };
    },
    elapsed: () => now - start,
  };
}

export interface Run {
  code: number;
  out: string;
  err: string;
}

export interface TestEnvOptions {
  kube?: KubeVerbs;
  connectError?: Error;
  files?: Record<string, string>;
  clock?: Clock;
  signal?: AbortSignal;
  isTTY?: boolean;
  namespace?: string;
}

/** Runs one command line against an in-memory cluster and captures what it prints. */
export async function run(argv: string[], opts: TestEnvOptions = {}): Promise<Run> {
  let out = '';
  let err = '';
  const env: CliEnv = {
    io: { out: (s) => (out += s), err: (s) => (err += s), isTTY: opts.isTTY ?? false, rows: 50 },
    env: {},
    clock: opts.clock ?? jumpingClock(),
    signal: opts.signal ?? new AbortController().signal,
    readFile(path) {
      const text = opts.files?.[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    connect(g) {
      if (opts.connectError) throw opts.connectError;
      if (opts.kube === undefined) throw new Error('no cluster in this test');
      return { client: opts.kube, namespace: g.namespace ?? opts.namespace ?? 'demo' };
    },
    version: '0.1.0',
    serveDashboard: () => Promise.reject(new Error('no dashboard in this test')),
  };
  const code = await runCli(argv, env);
  return { code, out, err };
}

/** An in-memory cluster holding one fixture's Rollout with its ReplicaSets, pods and AnalysisRuns. */
export function fixtureCluster(fixture: string): FakeKube {
  const f = loadFixture(fixture);
  return new FakeKube([f.rollout, ...f.replicaSets, ...f.pods, ...f.analysisRuns] as unknown as KubeObject[]);
}
