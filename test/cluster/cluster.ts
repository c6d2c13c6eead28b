import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { argoBinDir, binDir, helmBinDir, influxdbBinDir, kubeconfigPath, logDir, repoRoot, restrictedKubeconfigPath, stateDir, stateFile, versions } from './layout.ts';
import { generatePki } from './pki.ts';
import { freePort, isAlive, startDetached, stopProcess, waitFor, type ManagedProcess } from './processes.ts';

export interface ClusterState {
  versions: typeof versions;
  server: string;
  kubeconfig: string;
  restrictedKubeconfig: string;
  caCert: string;
  adminToken: string;
  processes: ManagedProcess[];
  startedAt: string;
}

const say = (msg: string): void => {
  process.stderr.write(`[cluster ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/** Builds the binaries when the cache is cold; prints the build's progress. */
export function ensureBinaries(): string {
  const result = spawnSync('bash', [join(repoRoot, 'test/cluster/build.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: buildEnv(),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error('building the control plane failed (output above)');
  return binDir();
}

function buildEnv(): NodeJS.ProcessEnv {
  return { ...process.env, RAMP_K8S_VERSION: versions.kubernetes, RAMP_ETCD_VERSION: versions.etcd, RAMP_KWOK_VERSION: versions.kwok, RAMP_HELM_VERSION: versions.helm, RAMP_ARGO_ROLLOUTS_VERSION: versions.argoRollouts, RAMP_INFLUXDB_VERSION: versions.influxdb };
}

/** The path of the helm binary, built first when the cache is cold (progress on stderr). */
export function ensureHelm(): string {
  const result = spawnSync('bash', [join(repoRoot, 'test/cluster/build.sh'), 'helm'], { stdio: ['ignore', 'pipe', 'inherit'], env: buildEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error('building helm failed (output above); it needs Go and the Go module proxy');
  return join(helmBinDir(), 'helm');
}

/**
 * The directory holding Argo Rollouts' `rollouts-controller` and `kubectl-argo-rollouts`, built
 * first from the Go module proxy when the cache is cold (progress on stderr).
 */
export function ensureArgoRollouts(): string {
  const result = spawnSync('bash', [join(repoRoot, 'test/cluster/build.sh'), 'argo'], { stdio: ['ignore', 'pipe', 'inherit'], env: buildEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error('building Argo Rollouts failed (output above); it needs Go and the Go module proxy');
  return argoBinDir();
}

/** The path of influxd (with Flux), built first from the Go module proxy when the cache is cold (progress on stderr). */
export function ensureInfluxd(): string {
  const result = spawnSync('bash', [join(repoRoot, 'test/cluster/build.sh'), 'influxdb'], { stdio: ['ignore', 'pipe', 'inherit'], env: buildEnv(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error('building influxd failed (output above); it needs Go and the Go module proxy');
  return join(influxdbBinDir(), 'influxd');
}

export function readState(): ClusterState | undefined {
  if (!existsSync(stateFile())) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile(), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function isRunning(state: ClusterState | undefined): state is ClusterState {
  return state !== undefined && state.processes.every((p) => isAlive(p.pid));
}

function httpsGet(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

function kubeconfigYaml(server: string, caFile: string, user: string, token: string): string {
  const ca = readFileSync(caFile).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: ramp-local
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: ramp-local
  context:
    cluster: ramp-local
    user: ${user}
    namespace: default
current-context: ramp-local
`;
}

const nodeManifest = (name: string): string => JSON.stringify({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name,
    annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
    labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
  },
  spec: {},
  status: {
    allocatable: { cpu: '1000', memory: '4Ti', pods: '20000' },
    capacity: { cpu: '1000', memory: '4Ti', pods: '20000' },
    nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', kubeProxyVersion: 'fake' },
    phase: 'Running',
  },
});

export interface UpOptions {
  nodes?: number;
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on free loopback
 * ports, detached from this process so that `down` (or the next `up`) can stop them.
 */
export async function up(options: UpOptions = {}): Promise<ClusterState> {
  const existing = readState();
  if (isRunning(existing)) {
    say(`already running at ${existing.server} (kubeconfig ${existing.kubeconfig})`);
    return existing;
  }
  if (existing) await down({ quiet: true });

  const bin = ensureBinaries();
  const dir = stateDir();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(logDir(), { recursive: true });
  const pki = generatePki(join(dir, 'pki'));
  const adminToken = randomBytes(24).toString('hex');
  const restrictedToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'),
    `${adminToken},ramp-admin,ramp-admin,"system:masters"\n${restrictedToken},ramp-restricted,ramp-restricted,""\n`);

  const [etcdPort, etcdPeerPort, apiPort, kcmPort, schedPort] =
    [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;
  const processes: ManagedProcess[] = [];
  const state: ClusterState = {
    versions, server, kubeconfig: kubeconfigPath(), restrictedKubeconfig: restrictedKubeconfigPath(),
    caCert: pki.caCert, adminToken, processes, startedAt: new Date().toISOString(),
  };
  const persist = (): void => writeFileSync(stateFile(), JSON.stringify(state, null, 2));

  try {
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    processes.push(startDetached('etcd', join(bin, 'etcd'), [
      `--data-dir=${join(dir, 'etcd')}`, `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`, '--unsafe-no-fsync', '--quota-backend-bytes=4294967296',
      '--log-level=warn',
    ], logDir()));
    persist();
    say(`etcd on ${etcdUrl}`);
    await waitFor('etcd health', async () => (await fetch(`${etcdUrl}/health`)).ok, 30_000, processes[0]!.log);

    processes.push(startDetached('kube-apiserver', join(bin, 'kube-apiserver'), [
      `--etcd-servers=${etcdUrl}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`,
      `--tls-cert-file=${pki.servingCert}`, `--tls-private-key-file=${pki.servingKey}`, `--client-ca-file=${pki.caCert}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki.serviceAccountPub}`, `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--service-cluster-ip-range=10.96.0.0/16', '--allow-privileged=true', '--endpoint-reconciler-type=none',
      '--enable-priority-and-fairness=false', '--max-requests-inflight=2000', '--max-mutating-requests-inflight=1000',
      '--v=1',
    ], logDir()));
    persist();
    say(`kube-apiserver ${versions.kubernetes} on ${server}`);
    const ca = readFileSync(pki.caCert, 'utf8');
    await waitFor('kube-apiserver /readyz', async () => (await httpsGet(`${server}/readyz`, ca, adminToken)).status === 200,
      90_000, processes[1]!.log);

    writeFileSync(kubeconfigPath(), kubeconfigYaml(server, pki.caCert, 'ramp-admin', adminToken), { mode: 0o600 });
    writeFileSync(restrictedKubeconfigPath(), kubeconfigYaml(server, pki.caCert, 'ramp-restricted', restrictedToken), { mode: 0o600 });

    processes.push(startDetached('kube-controller-manager', join(bin, 'kube-controller-manager'), [
      `--kubeconfig=${kubeconfigPath()}`, `--authentication-kubeconfig=${kubeconfigPath()}`, `--authorization-kubeconfig=${kubeconfigPath()}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${kcmPort}`,
      `--service-account-private-key-file=${pki.serviceAccountKey}`, `--root-ca-file=${pki.caCert}`,
      `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
      '--use-service-account-credentials=false', '--controllers=*',
      '--kube-api-qps=200', '--kube-api-burst=400', '--concurrent-replicaset-syncs=10', '--concurrent-deployment-syncs=10',
      '--v=1',
    ], logDir()));
    processes.push(startDetached('kube-scheduler', join(bin, 'kube-scheduler'), [
      `--kubeconfig=${kubeconfigPath()}`, `--authentication-kubeconfig=${kubeconfigPath()}`, `--authorization-kubeconfig=${kubeconfigPath()}`,
      '--leader-elect=false', '--bind-address=127.0.0.1', `--secure-port=${schedPort}`, '--v=1',
    ], logDir()));
    processes.push(startDetached('kwok', join(bin, 'kwok'), [
      `--kubeconfig=${kubeconfigPath()}`, `--config=${join(bin, 'kwok-stages.yaml')}`, '--manage-all-nodes=false',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake', '--manage-nodes-with-label-selector=',
      '--manage-single-node=', '--cidr=10.244.0.0/16', '--node-ip=10.244.0.1', '--node-lease-duration-seconds=40',
    ], logDir()));
    persist();
    say('kube-controller-manager, kube-scheduler and kwok started');

    const kubectl = (args: string[], input?: string): string =>
      execFileSync(join(bin, 'kubectl'), [`--kubeconfig=${kubeconfigPath()}`, ...args], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    const nodeCount = options.nodes ?? 2;
    for (let i = 0; i < nodeCount; i++) kubectl(['apply', '-f', '-'], nodeManifest(`kwok-node-${i}`));
    await waitFor('kwok nodes Ready', async () => {
      const out = kubectl(['get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}']);
      return out.split('\n').filter((s) => s === 'True').length === nodeCount;
    }, 60_000, join(logDir(), 'kwok.log'));
    await waitFor('the default ServiceAccount (controller-manager running)', async () => {
      kubectl(['get', 'serviceaccount', 'default', '-n', 'default']);
      return true;
    }, 60_000, join(logDir(), 'kube-controller-manager.log'));
    persist();
    say(`ready: export KUBECONFIG=${kubeconfigPath()}`);
    return state;
  } catch (err) {
    say(`start failed; logs kept in ${logDir()}`);
    for (const p of processes.reverse()) await stopProcess(p.pid);
    throw err;
  }
}

export async function down(options: { quiet?: boolean; keepLogs?: boolean } = {}): Promise<void> {
  const state = readState();
  if (!state) {
    if (!options.quiet) say('not running');
    return;
  }
  // Stop clients before the apiserver and the apiserver before etcd, so nothing logs spurious errors.
  for (const p of [...state.processes].reverse()) await stopProcess(p.pid);
  rmSync(join(stateDir(), 'etcd'), { recursive: true, force: true });
  rmSync(stateFile(), { force: true });
  if (!options.keepLogs) rmSync(logDir(), { recursive: true, force: true });
  if (!options.quiet) say(options.keepLogs ? `stopped; logs kept in ${logDir()}` : 'stopped');
}

/**
 * Stops the kube-apiserver of the running control plane and starts it again with the same flags
 * (same port, certificates and etcd, so every client's kubeconfig stays valid), then waits until it
 * is ready. For tests of what clients do while the apiserver is away.
 */
export async function restartApiserver(options: { downMs?: number } = {}): Promise<void> {
  const state = readState();
  if (!isRunning(state)) throw new Error('restartApiserver: no running control plane (npm run cluster -- up)');
  const index = state.processes.findIndex((p) => p.name === 'kube-apiserver');
  const apiserver = state.processes[index];
  if (!apiserver?.command) throw new Error('restartApiserver: the state file does not record how kube-apiserver was started; restart the control plane with this version');
  await stopProcess(apiserver.pid);
  if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
  const restarted = startDetached('kube-apiserver', apiserver.command.bin, apiserver.command.args, logDir());
  state.processes[index] = restarted;
  writeFileSync(stateFile(), JSON.stringify(state, null, 2));
  const ca = readFileSync(state.caCert, 'utf8');
  await waitFor('kube-apiserver /readyz after restart', async () => (await httpsGet(`${state.server}/readyz`, ca, state.adminToken)).status === 200,
    90_000, restarted.log);
}
