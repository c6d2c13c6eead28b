#!/usr/bin/env node
// Runs the test suites with node's test runner. When e2e tests are selected it starts one local
// control plane for the whole run (each test uses its own namespace) and always stops it again.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from './build.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = (flag) => args.includes(flag);
const explicitFiles = args.filter((a) => !a.startsWith('--'));

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'fixtures' || entry === 'support' ? [] : testFiles(path);
    return entry.endsWith('.test.ts') ? [path] : [];
  }).sort();
}

const suites = {
  unit: testFiles(join(root, 'test/unit')),
  integration: testFiles(join(root, 'test/integration')),
  e2e: testFiles(join(root, 'test/e2e')),
};
let files;
if (explicitFiles.length > 0) files = explicitFiles.map((f) => join(process.cwd(), f));
else if (only('--unit')) files = suites.unit;
else if (only('--e2e')) files = suites.e2e;
else if (only('--integration')) files = suites.integration;
else files = [...suites.unit, ...suites.integration, ...suites.e2e];

const needsCluster = files.some((f) => relative(root, f).startsWith('test/e2e'));
const say = (msg) => process.stderr.write(`[test] ${msg}\n`);
const cluster = (verb, ...rest) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/cluster/cli.ts'), verb, ...rest], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

// The tests start the compiled controller and CLI (dist/): built once here, before any test file
// runs, and skipped when the sources are unchanged since the last build.
try {
  if (await build()) say('built dist/ (the compiled controller, CLI and dashboard server)');
} catch (err) {
  say(`building dist/ failed: ${err instanceof Error ? err.message : String(err)}`);
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}

say(`${files.length} test files (${suites.unit.length} unit, ${suites.integration.length} integration, ${suites.e2e.length} e2e available)`);
let startedCluster = false;
if (needsCluster) {
  const alreadyUp = cluster('status').status === 0;
  if (!alreadyUp) {
    say('starting the local control plane (a cold cache builds it first)');
    const started = cluster('up');
    if (started.status !== 0) {
      say('the local control plane did not start; see the messages above');
      console.log('tests: 0 passed, 1 failed');
      process.exit(1);
    }
    startedCluster = true;
  } else {
    say('reusing the running local control plane');
  }
}

if (needsCluster) {
  // The CRDs under test, installed once per run (server-side apply, so a re-run is a no-op).
  const bin = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/cluster/cli.ts'), 'bin'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const kubectl = (...a) => spawnSync(join(bin, 'kubectl'), ['--kubeconfig', join(root, '.ramp/cluster/kubeconfig'), ...a], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  const crds = ['rollout', 'analysisrun', 'analysistemplate', 'clusteranalysistemplate', 'experiment'].flatMap((k) => ['-f', `crds/${k}-crd.yaml`]);
  // `kubectl wait` fails at once while a just-created CRD has no status yet, so it is retried.
  const established = () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (kubectl('wait', '--for', 'condition=established', '--timeout=60s', ...crds)) return true;
      spawnSync('sleep', ['0.5']);
    }
    return false;
  };
  if (!kubectl('apply', '--server-side', '--force-conflicts', '-k', 'crds/') || !established()) {
    say('installing the CRDs failed; see the messages above');
    if (startedCluster) cluster('down', '--keep-logs');
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
  say('CRDs installed');
}

const env = { ...process.env, RAMP_KUBECONFIG: join(root, '.ramp/cluster/kubeconfig'), RAMP_RESTRICTED_KUBECONFIG: join(root, '.ramp/cluster/kubeconfig-restricted') };
const concurrency = process.env.RAMP_TEST_CONCURRENCY ?? '2';
// Files under test/e2e/serial/ disturb the shared control plane (an apiserver restart): they run
// after all others, one at a time, so no other test sees the disturbance.
const serialDir = join(root, 'test/e2e/serial');
const serialFiles = files.filter((f) => f.startsWith(serialDir));
const batches = [
  { files: files.filter((f) => !f.startsWith(serialDir)), concurrency },
  { files: serialFiles, concurrency: '1' },
].filter((b) => b.files.length > 0);

const counts = { pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
let runner;
/** Runs one batch with node's test runner; resolves to its exit code and adds its summary to `counts`. */
function runBatch(batch) {
  runner = spawn(process.execPath, [
    '--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${batch.concurrency}`, '--test-timeout=900000', ...batch.files,
  ], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  // The runner's own summary lines (`ℹ pass 12`), read as they stream: the failures' details
  // printed after them can be longer than any fixed tail.
  const summary = {};
  let partial = '';
  runner.stdout.setEncoding('utf8');
  runner.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const m = line.match(/^ℹ (\w+) (\d+)$/);
      if (m && m[1] in counts) summary[m[1]] = Number(m[2]);
    }
  });
  return new Promise((resolve) => runner.on('close', (code) => {
    for (const [key, n] of Object.entries(summary)) counts[key] += n;
    resolve(code);
  }));
}

let stopping = false;
async function stopCluster(failed) {
  if (!startedCluster || stopping || process.env.RAMP_KEEP_CLUSTER === '1') return;
  stopping = true;
  cluster('down', ...(failed ? ['--keep-logs'] : []));
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { interrupted = true; runner?.kill(sig); });
}

let exitCode = 0;
for (const batch of batches) {
  if (interrupted) break;
  if (batch.files === serialFiles) say(`${serialFiles.length} serial test file(s), one at a time`);
  const code = await runBatch(batch);
  if (code !== 0) exitCode = code ?? 1;
}
const failed = exitCode !== 0 || counts.fail > 0 || interrupted;
await stopCluster(failed);
if (failed && startedCluster) say(`control-plane logs kept in ${join(root, '.ramp/cluster/logs')}`);
// The runners' counts, summed, as the last line, after teardown messages.
console.log(`tests: ${counts.pass} passed, ${counts.fail + counts.cancelled} failed, ${counts.skipped + counts.todo} skipped`);
process.exit(failed ? 1 : 0);
