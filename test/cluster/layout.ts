import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Versions of the control plane, pinned; the binary cache is keyed by them. */
export const versions = {
  kubernetes: process.env.RAMP_K8S_VERSION ?? 'v1.35.4',
  etcd: process.env.RAMP_ETCD_VERSION ?? 'v3.5.35',
  kwok: process.env.RAMP_KWOK_VERSION ?? 'v0.8.0',
  /** Not part of the control plane: the chart's tests render install/helm/ramp with it. */
  helm: process.env.RAMP_HELM_VERSION ?? 'v3.22.0',
  /** Argo Rollouts itself, run beside Ramp by the compatibility tests and the bench. */
  argoRollouts: process.env.RAMP_ARGO_ROLLOUTS_VERSION ?? 'v1.10.2',
  /** Argo CD's module, for its Lua health check and actions of Rollouts (source only, not built); 3.6 needs Go 1.27. */
  argoCd: process.env.RAMP_ARGO_CD_VERSION ?? 'v3.5.8',
  /** InfluxDB's server with Flux (1.8 serves /api/v2/query), for the InfluxDB provider's integration test. */
  influxdb: process.env.RAMP_INFLUXDB_VERSION ?? 'v1.8.10',
} as const;

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function cacheRoot(): string {
  return process.env.RAMP_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ramp');
}

export function binDir(): string {
  return join(cacheRoot(), `k8s-${versions.kubernetes}-etcd-${versions.etcd}-kwok-${versions.kwok}`, 'bin');
}

/** helm's own cache, keyed by its version, next to the control plane's. */
export function helmBinDir(): string {
  return join(cacheRoot(), `helm-${versions.helm}`, 'bin');
}

/** Argo Rollouts' controller and kubectl plugin, keyed by its version. */
export function argoBinDir(): string {
  return join(cacheRoot(), `argo-rollouts-${versions.argoRollouts}`, 'bin');
}

/** influxd, keyed by its version. */
export function influxdbBinDir(): string {
  return join(cacheRoot(), `influxdb-${versions.influxdb}`, 'bin');
}

/** Where a running control plane keeps its state, certificates, kubeconfig and logs. */
export function stateDir(): string {
  return process.env.RAMP_CLUSTER_DIR ?? join(repoRoot, '.ramp', 'cluster');
}

export const kubeconfigPath = (): string => join(stateDir(), 'kubeconfig');
export const restrictedKubeconfigPath = (): string => join(stateDir(), 'kubeconfig-restricted');
export const stateFile = (): string => join(stateDir(), 'state.json');
export const logDir = (): string => join(stateDir(), 'logs');
