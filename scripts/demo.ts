// The newcomer's tour: a local control plane, the CRDs, the controller, and example rollouts
// walked through their steps with kubectl and kubectl-ramp, printing each command as it runs.
// `make demo` leaves everything running until Ctrl-C; RAMP_DEMO_EXIT=1 tears down at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { down, up } from '../test/cluster/cluster.ts';
import { binDir, repoRoot, stateDir } from '../test/cluster/layout.ts';

const NAMESPACE = 'ramp-demo';
const bold = (s: string): string => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s: string): void => console.log(`\n${bold(`▶ ${s}`)}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let kubeconfig = '';
const children: ChildProcess[] = [];

function run(cmd: string, args: string[], opts: { quiet?: boolean } = {}): string {
  // kubectl-ramp runs as `node bin/kubectl-ramp.mjs …`; show it the way a user types it.
  const shown = cmd === process.execPath ? ['kubectl ramp', ...args.slice(1)].join(' ') : ['kubectl', ...args].join(' ');
  if (!opts.quiet) console.log(`$ ${shown}`);
  const result = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfig } });
  if (!opts.quiet) process.stdout.write(result.stdout);
  if (result.status !== 0) throw new Error(`${shown} failed: ${result.stderr.trim()}`);
  return result.stdout;
}
const kubectl = (...args: string[]): string => run(join(binDir(), 'kubectl'), args);
const kubectlQuiet = (...args: string[]): string => run(join(binDir(), 'kubectl'), args, { quiet: true });
const ramp = (...args: string[]): string => run(process.execPath, [join(repoRoot, 'bin/kubectl-ramp.mjs'), ...args]);

async function waitFor(what: string, jsonpath: string, want: (value: string) => boolean, timeoutMs = 90_000): Promise<string> {
  process.stdout.write(`  waiting for ${what} …`);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = kubectlQuiet('get', 'rollout', '-n', NAMESPACE, ...jsonpath.split(' '));
    if (want(last)) {
      console.log(' done');
      return last;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

function startController(): ChildProcess {
  const logDir = join(stateDir(), '..', 'demo');
  mkdirSync(logDir, { recursive: true });
  const log = openSync(join(logDir, 'controller.log'), 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'controller/main.ts', `--kubeconfig=${kubeconfig}`, `--namespace=${NAMESPACE}`,
    '--leader-elect=false', '--metrics-port=18090', '--healthz-port=18080'], { cwd: repoRoot, stdio: ['ignore', log, log] });
  children.push(child);
  console.log(`  controller pid ${child.pid}, logs in ${join(logDir, 'controller.log')}, metrics on http://127.0.0.1:18090/metrics`);
  return child;
}

async function blueGreenTour(): Promise<void> {
  const name = 'bluegreen-demo';
  say('Blue-green: deploy v1 (the first revision goes straight to the active Service)');
  kubectl('apply', '-n', NAMESPACE, '-k', 'examples/bluegreen');
  await waitFor('the rollout to be Healthy', `${name} -o jsonpath={.status.phase}`, (v) => v === 'Healthy');
  ramp('get', 'rollout', name, '-n', NAMESPACE);

  say('Blue-green: update the image; v2 comes up behind the preview Service and pauses');
  ramp('set', 'image', name, `${name}=argoproj/rollouts-demo:green`, '-n', NAMESPACE);
  await waitFor('the BlueGreenPause', `${name} -o jsonpath={.status.phase}`, (v) => v === 'Paused');
  ramp('get', 'rollout', name, '-n', NAMESPACE);
  kubectl('get', 'service', '-n', NAMESPACE, '-o', 'custom-columns=SERVICE:.metadata.name,SELECTS-HASH:.spec.selector.rollouts-pod-template-hash');

  say('Blue-green: promote; the active Service switches to v2, v1 scales down after scaleDownDelaySeconds');
  ramp('promote', name, '-n', NAMESPACE);
  await waitFor('the rollout to be Healthy on v2', `${name} -o jsonpath={.status.phase}/{.status.stableRS}/{.status.currentPodHash}`,
    (v) => { const [phase, stable, current] = v.split('/'); return phase === 'Healthy' && stable === current; });
  kubectl('get', 'service', '-n', NAMESPACE, '-o', 'custom-columns=SERVICE:.metadata.name,SELECTS-HASH:.spec.selector.rollouts-pod-template-hash');
  ramp('get', 'rollout', name, '-n', NAMESPACE);
}

async function main(): Promise<void> {
  say('Local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok) — a cold machine builds it first');
  const state = await up();
  kubeconfig = state.kubeconfig;
  kubectl('get', 'nodes');

  say('Install the CRDs (argoproj.io/v1alpha1, generated from the zod schemas)');
  kubectl('apply', '--server-side', '--force-conflicts', '-k', 'crds/');
  // `kubectl wait` fails at once while a just-created CRD has no status yet.
  for (let attempt = 0; ; attempt++) {
    try {
      kubectlQuiet('wait', '--for', 'condition=established', '--timeout=60s', 'crd/rollouts.argoproj.io', 'crd/analysisruns.argoproj.io');
      break;
    } catch (err) {
      if (attempt >= 20) throw err;
      await sleep(500);
    }
  }
  if (!kubectlQuiet('get', 'namespace', '-o', 'name').split('\n').includes(`namespace/${NAMESPACE}`)) kubectl('create', 'namespace', NAMESPACE);

  say('Start the controller');
  startController();

  await blueGreenTour();

  console.log(`\n${bold('Done.')} Everything is still running:`);
  console.log(`  export KUBECONFIG=${kubeconfig}`);
  console.log(`  node bin/kubectl-ramp.mjs get rollout bluegreen-demo -n ${NAMESPACE} --watch`);
  if (process.env.RAMP_DEMO_EXIT === '1' || !process.stdin.isTTY) return;
  console.log('Press Ctrl-C to stop the controller and the control plane.');
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}

async function cleanup(): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  if (existsSync(join(stateDir(), 'state.json'))) await down({ quiet: true });
  console.log('stopped: controller and local control plane');
}

main().then(cleanup, async (err: unknown) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  await cleanup();
  process.exit(1);
});
