import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { kubeconfigPath } from '../../support/cluster.ts';

/**
 * What only the e2e tests use of Argo Rollouts: its own CLI and its pass counts. Its controller
 * is started by test/support/argo-controller.ts, which the bench shares.
 */
export { startArgoController, type RunningArgoController } from '../../support/argo-controller.ts';

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
