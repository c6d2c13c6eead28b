import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../cluster/processes.ts';
import { repoRoot } from '../cluster/layout.ts';
import { kubeconfigPath, sleep } from './cluster.ts';

export interface ControllerOptions {
  /** Watch only this namespace (each test uses its own). */
  namespace?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseName?: string;
  kubeconfig?: string;
  args?: string[];
  /** A name for the log file under .ramp/test-logs/. */
  name?: string;
}

export interface RunningController {
  process: ChildProcess;
  metricsUrl: string;
  healthzUrl: string;
  /** Everything the controller printed so far. */
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, as far as the cluster can tell. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

/** Starts `controller/main.ts` as a separate process against the local control plane. */
export async function startController(options: ControllerOptions = {}): Promise<RunningController> {
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const args = [
    '--import', 'tsx', join(repoRoot, 'controller/main.ts'),
    `--kubeconfig=${options.kubeconfig ?? kubeconfigPath()}`,
    `--metrics-port=${metricsPort}`, `--healthz-port=${healthzPort}`,
    `--leader-elect=${options.leaderElect ?? false}`,
    '--log-level=debug',
    ...(options.namespace ? [`--namespace=${options.namespace}`] : []),
    ...(options.leaseNamespace ? [`--lease-namespace=${options.leaseNamespace}`] : []),
    ...(options.leaseName ? [`--lease-name=${options.leaseName}`] : []),
    ...(options.args ?? []),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KUBECONFIG: '' } });
  const logDir = join(repoRoot, '.ramp', 'test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = createWriteStream(join(logDir, `${options.name ?? options.namespace ?? 'controller'}-${child.pid}.log`));
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-200_000);
    logFile.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { logFile.end(); resolve(code); }));
  let done = false;
  void exited.then(() => { done = true; });

  const healthzUrl = `http://127.0.0.1:${healthzPort}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !done) {
    try {
      if ((await fetch(`${healthzUrl}/healthz`)).ok) break;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  if (done) throw new Error(`the controller exited during start-up:\n${output.slice(-4000)}`);

  return {
    process: child,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
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
