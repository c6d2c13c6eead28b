import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isAlreadyExists } from '../../controller/traffic/router.ts';
import type { KubeClient } from '../../controller/kube/client.ts';
import { EXPERIMENTS, type KubeObject } from '../../controller/kube/resources.ts';
import { ensureArgoRollouts } from '../cluster/cluster.ts';
import { logDir } from '../cluster/layout.ts';
import { freePort } from '../cluster/processes.ts';
import { argoRolloutsModuleDir } from './argo-rollouts.ts';
import { eventually, kubeconfigPath } from './cluster.ts';
import { spawnController, type ControllerProcess } from './controller-process.ts';
import { CRDS } from './crds.ts';

/**
 * Argo Rollouts' own controller on the local control plane, for the e2e tests and the bench's
 * side-by-side run: the binary built from the Go module proxy (ensureArgoRollouts) and the CRD it
 * needs beside Ramp's, read from Argo's module source in the Go module cache.
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

export type RunningArgoController = ControllerProcess;

export interface ArgoControllerOptions {
  namespace: string;
  name?: string;
  /** Argo's --loglevel: debug for the tests (their logs are read when one fails), info for the bench. */
  logLevel?: 'debug' | 'info';
}

/**
 * Starts `rollouts-controller` for one namespace (`--namespaced`, the namespace by `-n`), without
 * leader election, on free metrics and healthz ports, logging to .ramp/cluster/logs. Resolves once
 * its healthz answers.
 */
export async function startArgoController(options: ArgoControllerOptions): Promise<RunningArgoController> {
  const bin = join(ensureArgoRollouts(), 'rollouts-controller');
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const args = [
    `--kubeconfig=${kubeconfigPath()}`, '--namespaced', `--namespace=${options.namespace}`, '--leader-elect=false',
    `--metricsPort=${metricsPort}`, `--healthzPort=${healthzPort}`, `--loglevel=${options.logLevel ?? 'debug'}`,
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
