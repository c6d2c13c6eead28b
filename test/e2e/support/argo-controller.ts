import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { logDir } from '../../cluster/layout.ts';
import { freePort } from '../../cluster/processes.ts';
import { kubeconfigPath } from '../../support/cluster.ts';
import { spawnController, type ControllerProcess } from '../../support/controller-process.ts';

/**
 * Argo Rollouts' own controller on the local control plane: the binary built from the Go module
 * proxy (ensureArgoRollouts), over Ramp's CRDs (the Experiment CRD it needs included).
 */

export type RunningArgoController = ControllerProcess;

/**
 * Starts `rollouts-controller` for one namespace (`--namespaced`, the namespace by `-n`), without
 * leader election, on free metrics and healthz ports, logging to .ramp/cluster/logs. Resolves once
 * its healthz answers.
 */
export async function startArgoController(options: { namespace: string; name?: string }): Promise<RunningArgoController> {
  const bin = join(ensureArgoRollouts(), 'rollouts-controller');
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const args = [
    `--kubeconfig=${kubeconfigPath()}`, '--namespaced', `--namespace=${options.namespace}`, '--leader-elect=false',
    `--metricsPort=${metricsPort}`, `--healthzPort=${healthzPort}`, '--loglevel=debug',
  ];
  return spawnController({
    what: "Argo Rollouts' controller",
    command: bin,
    args,
    logFile: join(logDir(), `argo-rollouts-${options.name ?? options.namespace}-${Date.now()}.log`),
    metricsPort,
    healthzPort,
    startTimeoutMs: 60_000,
  });
}

/** Runs Argo's own `kubectl-argo-rollouts` against the local control plane; resolves to its output. */
export function argoCli(...args: string[]): string {
  const bin = join(ensureArgoRollouts(), 'kubectl-argo-rollouts');
  return execFileSync(bin, [`--kubeconfig=${kubeconfigPath()}`, ...args], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * How many passes a controller made over one Rollout, from its `rollout_reconcile` histogram
 * (Argo's metric, which Ramp serves under the same name and labels, in another label order).
 */
export async function reconcileCount(metricsUrl: string, namespace: string, name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text.split('\n')
    .filter((l) => l.startsWith('rollout_reconcile_count{') && l.includes(`namespace="${namespace}"`) && l.includes(`name="${name}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}
