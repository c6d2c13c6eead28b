import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { parse } from 'yaml';
import { isAlreadyExists } from '../../../controller/traffic/router.ts';
import { KubeClient } from '../../../controller/kube/client.ts';
import { EXPERIMENTS, type KubeObject } from '../../../controller/kube/resources.ts';
import { ensureArgoRollouts } from '../../cluster/cluster.ts';
import { logDir } from '../../cluster/layout.ts';
import { freePort } from '../../cluster/processes.ts';
import { eventually, kubeconfigPath } from '../../support/cluster.ts';
import { spawnController, type ControllerProcess } from '../../support/controller-process.ts';
import { argoRolloutsModuleDir } from '../../support/argo-rollouts.ts';
import { CRDS } from '../../support/crds.ts';

/**
 * Argo Rollouts' own controller on the local control plane: the binary built from the Go module
 * proxy (ensureArgoRollouts) and the CRD it needs beside Ramp's, read from Argo's module source in
 * the Go module cache at test time.
 */

/**
 * Installs Argo's Experiment CRD (Ramp ships none; Argo's controller will not start without it)
 * and waits until it is served. The four kinds Ramp serves keep Ramp's CRDs, as they do on a
 * cluster moved over to Ramp with Argo kept for the way back. Resolves to whether it was created
 * here, so the caller can remove what it added.
 */
export async function installExperimentCrd(c: KubeClient): Promise<boolean> {
  const crd = parse(readFileSync(join(argoRolloutsModuleDir(), 'manifests', 'crds', 'experiment-crd.yaml'), 'utf8')) as KubeObject;
  let created = true;
  await c.create(CRDS, crd).catch((err: unknown) => {
    if (!isAlreadyExists(err)) throw err;
    created = false;
  });
  await eventually('the Experiment CRD is served', async () => {
    await c.list(EXPERIMENTS, { namespace: 'default', limit: 1 });
    return true;
  }, 30_000, 250);
  return created;
}

export async function removeExperimentCrd(c: KubeClient): Promise<void> {
  await c.delete(CRDS, undefined, 'experiments.argoproj.io').catch(() => undefined);
}

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
