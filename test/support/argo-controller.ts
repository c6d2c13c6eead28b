import { join } from 'node:path';
import { ensureArgoRollouts } from '../cluster/cluster.ts';
import { logDir } from '../cluster/layout.ts';
import { freePort } from '../cluster/processes.ts';
import { kubeconfigPath } from './cluster.ts';
import { spawnController, type ControllerProcess } from './controller-process.ts';

/**
 * Argo Rollouts' own controller on the local control plane, for the e2e tests and the bench's
 * side-by-side run: the binary built from the Go module proxy (ensureArgoRollouts), over Ramp's
 * CRDs (the Experiment CRD it needs included).
 */

export type RunningArgoController = ControllerProcess;

export interface ArgoControllerOptions {
  namespace: string;
  name?: string;
  /** Argo's --loglevel: debug for the tests (their logs are read when one fails), info for the bench. */
  logLevel?: 'debug' | 'info';
  /**
   * Where Argo reads argo-rollouts-notification-configmap and its Secret (POD_NAMESPACE, as its
   * Deployment sets it through the downward API); Argo's own default namespace otherwise.
   */
  notificationsNamespace?: string;
  /** Further flags, e.g. --instance-id for the bench's sharding run. */
  args?: readonly string[];
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
    ...(options.args ?? []),
  ];
  return spawnController({
    what: "Argo Rollouts' controller",
    command: bin,
    args,
    logFile: join(logDir(), `argo-rollouts-${options.name ?? options.namespace}-${Date.now()}.log`),
    metricsPort,
    healthzPort,
    startTimeoutMs: 60_000,
    ...(options.notificationsNamespace ? { env: { POD_NAMESPACE: options.notificationsNamespace } } : {}),
  });
}
