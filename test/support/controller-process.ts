import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { sleep } from './cluster.ts';

/** A controller (Ramp's or Argo's) running as a child process, its output kept and logged. */
export interface ControllerProcess {
  process: ChildProcess;
  metricsUrl: string;
  healthzUrl: string;
  /** Everything it printed so far (the last 200 kB). */
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, as far as the cluster can tell. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface ControllerSpawn {
  /** For messages: "the controller", "Argo Rollouts' controller". */
  what: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  logFile: string;
  metricsPort: number;
  healthzPort: number;
  /** How long /healthz may take to answer. */
  startTimeoutMs: number;
  /** Variables added to the test's environment (AWS credentials, extra CAs). */
  env?: Record<string, string>;
}

/**
 * Spawns a controller with an empty KUBECONFIG (it gets --kubeconfig), logs its output to
 * `logFile`, and resolves once its /healthz answers; fails with its last output if it exits or
 * does not answer in time.
 */
export async function spawnController(spec: ControllerSpawn): Promise<ControllerProcess> {
  const child = spawn(spec.command, [...spec.args], { cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...spec.env, KUBECONFIG: '' } });
  mkdirSync(dirname(spec.logFile), { recursive: true });
  const log = createWriteStream(spec.logFile);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-200_000);
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      log.end();
      resolve(code);
    }),
  );

  const healthzUrl = `http://127.0.0.1:${spec.healthzPort}`;
  const deadline = Date.now() + spec.startTimeoutMs;
  while (Date.now() < deadline && !done) {
    try {
      if ((await fetch(`${healthzUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  if (done) throw new Error(`${spec.what} exited during start-up:\n${output.slice(-4000)}`);
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error(`${spec.what} did not answer /healthz within ${spec.startTimeoutMs / 1000}s:\n${output.slice(-4000)}`);
  }
  return {
    process: child,
    metricsUrl: `http://127.0.0.1:${spec.metricsPort}/metrics`,
    healthzUrl,
    output: () => output,
    exited,
    stop: async () => {
      if (!done) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}
