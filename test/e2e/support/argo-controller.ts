import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { KubeClient } from '../../../controller/kube/client.ts';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { kubeconfigPath } from '../../support/cluster.ts';
import { installExperimentCrd, removeExperimentCrd } from '../../support/argo-controller.ts';

/**
 * What only the e2e tests use of Argo Rollouts: its Experiment CRD around a describe block, its
 * own CLI, and its pass counts. Its controller and CRD installation are in
 * test/support/argo-controller.ts, which the bench shares.
 */
export { installExperimentCrd, removeExperimentCrd, startArgoController, type RunningArgoController } from '../../support/argo-controller.ts';

/**
 * Inside a describe block: Argo's Experiment CRD is served before its tests and removed after them
 * when it was added here (Argo's controller and plugin need it; a cluster moved from Argo has it).
 */
export function withExperimentCrd(admin: KubeClient): void {
  let added = false;
  before(async () => {
    added = await installExperimentCrd(admin);
  });
  after(async () => {
    if (added) await removeExperimentCrd(admin);
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
