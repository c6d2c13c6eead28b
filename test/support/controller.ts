import { join } from 'node:path';
import { freePort } from '../cluster/processes.ts';
import { repoRoot } from '../cluster/layout.ts';
import { ensureBuilt } from './build.ts';
import { kubeconfigPath } from './cluster.ts';
import { spawnController, type ControllerProcess } from './controller-process.ts';

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
  /**
   * `compiled` (default) runs dist/controller.js, as the image does; `source` runs the TypeScript
   * through tsx, which only the bench's start-up comparison uses.
   */
  runtime?: 'compiled' | 'source';
  /** Environment variables the controller process gets besides the test's. */
  env?: Record<string, string>;
}

export type RunningController = ControllerProcess;

/** The node arguments that start the controller in either runtime. */
function entry(runtime: 'compiled' | 'source'): string[] {
  if (runtime === 'source') return ['--import', 'tsx', join(repoRoot, 'controller/main.ts')];
  ensureBuilt();
  return [join(repoRoot, 'dist/controller.js')];
}

/** Starts the compiled controller (dist/controller.js) as a separate process against the local control plane. */
export async function startController(options: ControllerOptions = {}): Promise<RunningController> {
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const args = [
    ...entry(options.runtime ?? 'compiled'),
    `--kubeconfig=${options.kubeconfig ?? kubeconfigPath()}`,
    `--metrics-port=${metricsPort}`, `--healthz-port=${healthzPort}`,
    `--leader-elect=${options.leaderElect ?? false}`,
    '--log-level=debug',
    ...(options.namespace ? [`--namespace=${options.namespace}`] : []),
    ...(options.leaseNamespace ? [`--lease-namespace=${options.leaseNamespace}`] : []),
    ...(options.leaseName ? [`--lease-name=${options.leaseName}`] : []),
    ...(options.args ?? []),
  ];
  return spawnController({
    what: 'the controller',
    command: process.execPath,
    args,
    cwd: repoRoot,
    logFile: join(repoRoot, '.ramp', 'test-logs', `${options.name ?? options.namespace ?? 'controller'}-${Date.now()}.log`),
    metricsPort,
    healthzPort,
    startTimeoutMs: 30_000,
    ...(options.env ? { env: options.env } : {}),
  });
}
