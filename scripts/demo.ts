// The newcomer's tour: a local control plane, the CRDs, the controller and the dashboard, then a
// blue-green and a canary rollout walked through their steps with kubectl and kubectl-ramp,
// printing each command as it runs. It ends with a clean `down`; with --keep (make demo KEEP=1)
// everything stays up for exploring until Ctrl-C.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { down, isRunning, readState, up } from '../test/cluster/cluster.ts';
import { binDir, repoRoot, stateDir } from '../test/cluster/layout.ts';
import { freePort } from '../test/cluster/processes.ts';
import { ensureBuilt } from '../test/support/build.ts';

const NAMESPACE = 'ramp-demo';
const USAGE = 'usage: node --import tsx scripts/demo.ts [--keep]   (make demo [KEEP=1])';

const args = process.argv.slice(2);
if (args.some((a) => a === '-h' || a === '--help')) {
  console.log(`${USAGE}\n  --keep  leave the control plane, the controller and the dashboard running until Ctrl-C`);
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--keep');
if (unknown.length > 0) {
  console.error(`demo: unknown argument ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const keep = args.includes('--keep') || process.env.RAMP_DEMO_KEEP === '1';

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (s: string): string => (color ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s: string): void => console.log(`\n${bold(`▶ ${s}`)}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const logDir = join(stateDir(), '..', 'demo');

let kubeconfig = '';
let startedCluster = false;
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
const ramp = (...args: string[]): string => run(process.execPath, [join(repoRoot, 'bin/kubectl-ramp.mjs'), ...args, '-n', NAMESPACE]);

/** Polls one jsonpath of a rollout until `want` accepts it. */
async function waitFor(what: string, rollout: string, jsonpath: string, want: (value: string) => boolean, timeoutMs = 120_000): Promise<string> {
  process.stdout.write(`  waiting for ${what} …`);
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = kubectlQuiet('get', 'rollout', rollout, '-n', NAMESPACE, '-o', `jsonpath=${jsonpath}`);
    if (want(last)) {
      console.log(' done');
      return last;
    }
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what} (last: ${last}); the controller's log is in ${join(logDir, 'controller.log')}`);
}

const PHASE_STEP = '{.status.phase}/{.status.currentStepIndex}/{.status.stableRS}/{.status.currentPodHash}';
/** Waits until the rollout is in `phase` at canary step `step` (any step when undefined). */
const waitForStep = (what: string, rollout: string, phase: string, step?: number): Promise<string> =>
  waitFor(what, rollout, PHASE_STEP, (v) => {
    const [p, index] = v.split('/');
    return p === phase && (step === undefined || index === String(step));
  });
/** Waits until the rollout is Healthy on its current template (the stable ReplicaSet is the newest). */
const waitForPromoted = (what: string, rollout: string): Promise<string> =>
  waitFor(what, rollout, PHASE_STEP, (v) => {
    const [p, , stable, current] = v.split('/');
    return p === 'Healthy' && stable !== '' && stable === current;
  });

function logFile(name: string): { path: string; fd: number } {
  mkdirSync(logDir, { recursive: true });
  const path = join(logDir, name);
  return { path, fd: openSync(path, 'w') };
}

async function startController(): Promise<void> {
  const [metricsPort, healthzPort] = [await freePort(), await freePort()];
  const log = logFile('controller.log');
  // The controller and kubectl-ramp run compiled, from dist/ (built here when the sources changed).
  ensureBuilt();
  const child = spawn(process.execPath, ['dist/controller.js', `--kubeconfig=${kubeconfig}`, `--namespace=${NAMESPACE}`,
    '--leader-elect=false', `--metrics-port=${metricsPort}`, `--healthz-port=${healthzPort}`], { cwd: repoRoot, stdio: ['ignore', log.fd, log.fd] });
  children.push(child);
  console.log(`$ npm run controller -- --kubeconfig=${kubeconfig} --namespace=${NAMESPACE} --leader-elect=false`);
  console.log(`  controller pid ${child.pid}, logs in ${log.path}, metrics on http://127.0.0.1:${metricsPort}/metrics`);
}

interface Dashboard {
  url: string;
  token: string;
}

/** `kubectl ramp dashboard` as its own process, on a free port; resolves with the URL it prints. */
function startDashboard(): Promise<Dashboard> {
  const token = randomBytes(16).toString('hex');
  console.log(`$ kubectl ramp dashboard -n ${NAMESPACE} --port 0 --auth-token …`);
  const log = logFile('dashboard.log');
  const child = spawn(process.execPath, [join(repoRoot, 'bin/kubectl-ramp.mjs'), 'dashboard', '-n', NAMESPACE, '--port', '0', '--auth-token', token], {
    cwd: repoRoot,
    stdio: ['ignore', log.fd, 'pipe'],
    env: { ...process.env, KUBECONFIG: kubeconfig },
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start within 3 minutes; its output is in ${log.path}`)), 180_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      writeSync(log.fd, chunk);
      output += chunk.toString();
      const url = /Ramp dashboard: (http:\/\/\S+)/.exec(output)?.[1];
      if (url !== undefined && output.includes('Press Ctrl-C')) {
        clearTimeout(timer);
        resolve({ url, token });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl ramp dashboard exited (${code}): ${output.trim().split('\n').at(-1) ?? ''}; see ${log.path}`));
    });
  });
}

async function blueGreenTour(): Promise<void> {
  const name = 'bluegreen-demo';
  const services = ['get', 'service', '-n', NAMESPACE, '-o', 'custom-columns=SERVICE:.metadata.name,SELECTS-HASH:.spec.selector.rollouts-pod-template-hash'];
  say('Blue-green: deploy v1 (the first revision goes straight to the active Service)');
  kubectl('apply', '-n', NAMESPACE, '-k', 'examples/bluegreen');
  await waitForPromoted('the rollout to be Healthy', name);
  ramp('get', 'rollout', name);

  say('Blue-green: update the image; v2 comes up behind the preview Service and pauses');
  ramp('set', 'image', name, `${name}=argoproj/rollouts-demo:green`);
  await waitForStep('the BlueGreenPause', name, 'Paused');
  ramp('get', 'rollout', name);
  kubectl(...services);

  say('Blue-green: promote; the active Service switches to v2, v1 scales down after scaleDownDelaySeconds (30 s)');
  ramp('promote', name);
  await waitForPromoted('the rollout to be Healthy on v2', name);
  kubectl(...services);
  ramp('get', 'rollout', name);
}

async function canaryTour(): Promise<void> {
  const name = 'canary-nginx-demo';
  // The controller owns a second Ingress, `<rollout>-<stable Ingress>-canary`, whose canary-weight
  // annotation NGINX reads; no ingress controller runs here, so the objects are what there is to see.
  const ingresses = ['get', 'ingress', '-n', NAMESPACE, '-o',
    'custom-columns=INGRESS:.metadata.name,SERVICE:.spec.rules[0].http.paths[0].backend.service.name,CANARY-WEIGHT:.metadata.annotations.nginx\\.ingress\\.kubernetes\\.io/canary-weight'];
  say('Canary with NGINX: deploy v1 (a first revision skips the steps and becomes stable at once)');
  kubectl('apply', '-n', NAMESPACE, '-k', 'examples/canary-nginx');
  await waitForPromoted('the rollout to be Healthy', name);
  ramp('get', 'rollout', name);

  say('Canary: update the image; step 1 (setWeight: 33) sends 33% of the traffic to v2, step 2 pauses until you promote');
  ramp('set', 'image', name, `${name}=argoproj/rollouts-demo:green`);
  await waitForStep('the pause at step 2', name, 'Paused', 1);
  ramp('get', 'rollout', name);
  kubectl(...ingresses);
  ramp('explain', name);

  say('Canary: promote; step 3 (setWeight: 66), step 4 pauses 5 s and goes on by itself, step 5 (setWeight: 100) ends the steps');
  ramp('promote', name);
  await waitForPromoted('the rollout to be Healthy on v2', name);
  ramp('get', 'rollout', name);
  kubectl(...ingresses);

  say('Canary: a third version pauses at step 2 again; promote --full skips every remaining step');
  ramp('set', 'image', name, `${name}=argoproj/rollouts-demo:yellow`);
  await waitForStep('the pause at step 2', name, 'Paused', 1);
  ramp('list', 'rollouts');
  ramp('promote', name, '--full');
  await waitForPromoted('the rollout to be Healthy on v3', name);
  ramp('get', 'rollout', name);
  ramp('list', 'rollouts');
}

/** A namespace left by an earlier run on a reused control plane would hold finished rollouts. */
async function freshNamespace(): Promise<void> {
  const exists = (): boolean => kubectlQuiet('get', 'namespace', '-o', 'name').split('\n').includes(`namespace/${NAMESPACE}`);
  if (exists()) {
    console.log(`  deleting the namespace ${NAMESPACE} an earlier demo left`);
    kubectlQuiet('delete', 'namespace', NAMESPACE, '--wait=false');
    for (let i = 0; exists(); i++) {
      if (i > 240) throw new Error(`namespace ${NAMESPACE} is still terminating after 2 minutes; delete it by hand and run the demo again`);
      await sleep(500);
    }
  }
  kubectl('create', 'namespace', NAMESPACE);
}

async function main(): Promise<void> {
  say('Local control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok); a cold machine builds it first');
  startedCluster = !isRunning(readState());
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
  await freshNamespace();

  say('Start the controller');
  await startController();

  say('Start the dashboard (the first start builds the web app, which takes a little while)');
  const dashboard = await startDashboard();
  console.log(`  ${bold('Dashboard:')} ${dashboard.url}`);
  console.log(`  ${bold('Token')} for its buttons (promote, abort, …): ${dashboard.token}`);
  console.log('  Open it now to follow the rollouts below as they move.');

  await blueGreenTour();
  await canaryTour();

  console.log(`\n${bold('Done.')} Both rollouts went through their steps.`);
  if (!keep) {
    console.log('To explore on your own afterwards, run `make demo KEEP=1`: everything stays up until Ctrl-C.');
    return;
  }
  console.log('Everything is still running. In another terminal:');
  console.log(`  export KUBECONFIG=${kubeconfig}`);
  console.log(`  alias kubectl-ramp="node ${join(repoRoot, 'bin/kubectl-ramp.mjs')}"   # or npm link, then: kubectl ramp …`);
  console.log(`  kubectl-ramp get rollout canary-nginx-demo -n ${NAMESPACE} --watch`);
  console.log(`  kubectl-ramp set image canary-nginx-demo canary-nginx-demo=argoproj/rollouts-demo:purple -n ${NAMESPACE}`);
  console.log(`  kubectl-ramp promote canary-nginx-demo -n ${NAMESPACE}`);
  console.log(`  kubectl apply -n ${NAMESPACE} -k examples/canary   # a canary without a traffic router: weights follow pod counts`);
  console.log(`Dashboard: ${dashboard.url} (token ${dashboard.token})`);
  console.log('Press Ctrl-C to stop the dashboard, the controller and the control plane.');
  holding = true;
  await new Promise<never>(() => undefined);
}

async function cleanup(): Promise<void> {
  const exits = children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once('exit', r)));
  for (const child of children) child.kill('SIGTERM');
  await Promise.race([Promise.all(exits), sleep(10_000)]);
  if (startedCluster) {
    await down({ quiet: true });
    console.log('stopped: dashboard, controller and local control plane');
  } else {
    if (kubeconfig !== '') spawnSync(join(binDir(), 'kubectl'), ['delete', 'namespace', NAMESPACE, '--wait=false'], { env: { ...process.env, KUBECONFIG: kubeconfig } });
    console.log(`stopped: dashboard and controller; the control plane was already running before the demo and stays up (namespace ${NAMESPACE} deleted)`);
  }
}

// Output into a pipe that closed (`make demo | tee demo.log`, then Ctrl-C, which ends tee too)
// must not stop the clean-up half-way.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

// Ctrl-C stops everything as cleanly as the end of the tour does: after --keep's wait it is the
// normal way out (exit 0); during the tour it is an interruption (130). A second one exits at once.
let holding = false;
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  console.log(holding ? '\nstopping …' : '\ninterrupted; stopping …');
  void cleanup().then(() => process.exit(holding ? 0 : 130));
});

main().then(cleanup, async (err: unknown) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : String(err)}`);
  await cleanup();
  process.exit(1);
});
