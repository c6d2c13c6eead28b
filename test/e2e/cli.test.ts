import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, kubeconfigPath, testNamespace } from '../support/cluster.ts';
import { assertRestart, healthyOn, kubectl, manifestDir, PLUGIN, pluginArgs, ramp, rampOk, runProcess, summaryField, TmuxPane, type CliResult } from './support/cli.ts';
import { readState } from '../cluster/cluster.ts';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { startController } from '../support/controller.ts';
import { blueGreenRollout, canaryRollout as rolloutWith, RolloutHelper, service, type RolloutLike } from '../support/rollouts.ts';

/**
 * kubectl-ramp end to end: each rollout is driven only by the plugin (run as its own process, as
 * kubectl runs it) against the real control plane with the controller running. Every write is
 * checked on the Rollout object the apiserver holds, and every view on the text it printed.
 */

const image = (ro: RolloutLike): string | undefined => ro.spec.template?.spec?.containers?.[0]?.image;
const phase = (ro: RolloutLike): string | undefined => ro.status?.phase;

/** An error as users should see it: one line on stderr, nothing on stdout, no stack trace. */
function assertOneLineError(result: CliResult, code: number, pattern: RegExp): void {
  assert.equal(result.code, code, `exit code ${result.code}; stderr: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at |node:internal|\.ts:\d+/, 'no stack trace');
}


/** Runs `plugin(args)` and returns its stdout, failing with its stderr when it exits non-zero. */
async function pluginOk(plugin: (args: string[]) => Promise<CliResult>, args: string[]): Promise<string> {
  const result = await plugin(args);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

function canaryRollout(name: string, steps: object[], replicas = 5): object {
  return rolloutWith(name, { steps }, { replicas, container: name, image: `registry.local/${name}:v1` });
}

describe('kubectl-ramp on the real control plane', () => {
  test('set image on an init container, then undo --to-revision 1 restores the first template as a new revision', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const cli = { namespace: ns };
    const rollout = canaryRollout('app', [], 2) as { spec: { template: { spec: { initContainers?: Array<{ name: string; image: string }> } } } };
    rollout.spec.template.spec.initContainers = [{ name: 'migrate', image: 'registry.local/migrate:v1' }];
    await rampOk(['create', '-f', file('rollout.yaml', rollout)], cli);
    const controller = await startController({ namespace: ns, name: `${ns}-cli-undo` });
    t.after(() => controller.kill());
    const initImage = (r: RolloutLike) => (r.spec.template as { spec?: { initContainers?: Array<{ image?: string }> } } | undefined)?.spec?.initContainers?.[0]?.image;
    const v1 = (await ro.waitFor('app', 'v1 Healthy', healthyOn)).status!.currentPodHash!;

    // As Argo's, set image takes one CONTAINER=IMAGE: the init container, then the container.
    assert.equal(await rampOk(['set', 'image', 'app', 'migrate=registry.local/migrate:v2'], cli), 'rollout "app" image updated\n');
    const two = await ro.waitFor('app', 'revision 2 Healthy', (r) => healthyOn(r) && r.status?.currentPodHash !== v1);
    assert.deepEqual([initImage(two), image(two)], ['registry.local/migrate:v2', 'registry.local/app:v1'], 'only the init container changed');
    assert.equal(await rampOk(['set', 'image', 'app', 'app=registry.local/app:v2'], cli), 'rollout "app" image updated\n');
    const three = await ro.waitFor('app', 'revision 3 Healthy', (r) => healthyOn(r) && image(r) === 'registry.local/app:v2');
    assert.equal(initImage(three), 'registry.local/migrate:v2');
    const twoArgs = await ramp(['set', 'image', 'app', 'migrate=registry.local/migrate:v3', 'app=registry.local/app:v3'], cli);
    assert.notEqual(twoArgs.code, 0, 'two assignments are refused, as by Argo');

    assert.equal(await rampOk(['undo', 'app', '--to-revision', '1'], cli), "rollout 'app' undo\n");
    const back = await ro.waitFor('app', 'revision 1\'s template Healthy again', (r) => healthyOn(r) && r.status?.currentPodHash === v1);
    assert.deepEqual([initImage(back), image(back)], ['registry.local/migrate:v1', 'registry.local/app:v1']);
    assert.equal((await ro.replicaSet(v1))?.metadata?.annotations?.['rollout.argoproj.io/revision'], '4', 'the first ReplicaSet comes back as revision 4');
    const wrong = await ramp(['undo', 'app', '--to-revision', '9'], cli);
    assertOneLineError(wrong, 1, /revision 9/);
  });

  test('blue-green: create, set image, promote, pause and resume, undo, restart, with status exit codes', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const cli = { namespace: ns };

    // Services through the cluster's kubectl, the Rollout through the plugin.
    kubectl(['apply', '-n', ns, '-f', file('services.yaml', service('app-active', 'app'), service('app-preview', 'app'))]);
    const rolloutFile = file('rollout.yaml', blueGreenRollout('app', { activeService: 'app-active', previewService: 'app-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 2 }, 2));
    assert.equal(await rampOk(['create', '-f', rolloutFile], cli), 'rollout.argoproj.io/app created\n');
    const controller = await startController({ namespace: ns, name: `${ns}-cli` });
    t.after(() => controller.kill());

    const first = await ramp(['status', 'app', '--timeout', '90s'], cli);
    assert.equal(first.code, 0, `status exits 0 once Healthy; stderr: ${first.stderr}`);
    assert.equal(first.stdout.trimEnd().split('\n').at(-1), 'Healthy');
    const v1 = (await ro.get('app')).status!.currentPodHash!;

    const healthy = await rampOk(['get', 'rollout', 'app'], cli);
    assert.equal(summaryField(healthy, 'Status:'), '✔ Healthy');
    assert.equal(summaryField(healthy, 'Strategy:'), 'BlueGreen');
    assert.equal(summaryField(healthy, 'Images:'), 'registry.local/app:v1 (stable, active)');
    assert.match(healthy, new RegExp(`⧉ app-${v1}\\s+ReplicaSet\\s+✔ Healthy\\s+\\S+\\s+stable,active`));

    assert.equal(await rampOk(['set', 'image', 'app', 'app=registry.local/app:v2'], cli), 'rollout "app" image updated\n');
    assert.equal(image(await ro.get('app')), 'registry.local/app:v2', 'set image changed spec.template');
    const paused = await ro.waitFor('app', 'v2 paused behind the preview', (r) => phase(r) === 'Paused' && r.status?.currentPodHash !== v1 && r.status?.blueGreen?.previewSelector === r.status?.currentPodHash);
    const v2 = paused.status!.currentPodHash!;

    // A pause is neither Healthy nor Degraded: status waits, then gives up with exit 2.
    const waiting = await ramp(['status', 'app', '--timeout', '2s'], cli);
    assert.equal(waiting.stdout, 'Paused - BlueGreenPause\n');
    assertOneLineError(waiting, 2, /rollout "app" is still Paused after 2s: status watch exceeded timeout/);

    const pausedView = await rampOk(['get', 'rollout', 'app'], cli);
    assert.equal(summaryField(pausedView, 'Status:'), '॥ Paused');
    assert.equal(summaryField(pausedView, 'Message:'), 'BlueGreenPause');
    assert.match(pausedView, /registry\.local\/app:v2 \(preview\)/);
    assert.match(pausedView, new RegExp(`app-${v2}\\s+ReplicaSet\\s+✔ Healthy\\s+\\S+\\s+preview`));
    const explained = await rampOk(['explain', 'app'], cli);
    assert.match(explained, /for the preview ReplicaSet app-\w+ \(revision 2\) to be promoted/);
    assert.match(explained, /Promote it with: kubectl ramp promote app/);

    assert.equal(await rampOk(['promote', 'app'], cli), "rollout 'app' promoted\n");
    const promoted = await ro.waitFor('app', 'v2 Healthy and active', (r) => healthyOn(r) && r.status?.currentPodHash === v2);
    assert.equal(promoted.status?.blueGreen?.activeSelector, v2);
    assert.equal(await ro.selector('app-active'), v2, 'the active Service selects v2');

    assert.equal(await rampOk(['pause', 'app'], cli), "rollout 'app' paused\n");
    assert.equal((await ro.get('app')).spec.paused, true, 'pause set spec.paused');
    await ro.waitFor('app', 'the user pause shown as Paused', (r) => phase(r) === 'Paused');
    assert.equal(await rampOk(['resume', 'app'], cli), "rollout 'app' resumed\n");
    assert.notEqual((await ro.get('app')).spec.paused, true, 'resume cleared spec.paused');
    await ro.waitFor('app', 'Healthy again after resume', healthyOn);

    // undo goes back to revision 1's template; the rollout deploys it as a new revision.
    assert.equal(await rampOk(['undo', 'app'], cli), "rollout 'app' undo\n");
    assert.equal(image(await ro.get('app')), 'registry.local/app:v1', 'undo restored the v1 template');
    const back = await ro.waitFor('app', 'the v1 template back in the preview or active', (r) => r.status?.currentPodHash === v1 && (phase(r) === 'Paused' || healthyOn(r)));
    if (phase(back) === 'Paused') await rampOk(['promote', 'app'], cli);
    const done = await ramp(['status', 'app', '--timeout', '90s'], cli);
    assert.equal(done.code, 0, `Healthy on v1 again; stderr: ${done.stderr}`);
    assert.equal(await ro.selector('app-active'), v1);
    assert.equal(summaryField(await rampOk(['get', 'rollout', 'app'], cli), 'Images:'), 'registry.local/app:v1 (stable, active)');

    await assertRestart(ro, ns, 2, (args) => rampOk(args, cli));
  });

  test('canary: steps, weights, list, explain, promote, promote --full, abort (status exit 1) and retry', async (t) => {
    const ns = await testNamespace(t);
    const ro = new RolloutHelper(ns);
    const file = manifestDir(t);
    const cli = { namespace: ns };
    // A last pause tells promote --full (which skips it) from promote (which would stop there).
    const steps = [{ setWeight: 20 }, { pause: {} }, { setWeight: 40 }, { pause: {} }, { setWeight: 80 }, { pause: {} }];
    await rampOk(['create', '-f', file('web.yaml', canaryRollout('web', steps))], cli);
    const controller = await startController({ namespace: ns, name: `${ns}-cli` });
    t.after(() => controller.kill());
    assert.equal((await ramp(['status', 'web', '--timeout', '90s'], cli)).code, 0);
    const v1 = (await ro.get('web')).status!.stableRS!;

    await rampOk(['set', 'image', 'web', 'web=registry.local/web:v2'], cli);
    const atPause = await ro.waitFor('web', 'the canary paused at step 1', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.currentPodHash !== v1);
    const v2 = atPause.status!.currentPodHash!;
    await eventually('one of five pods on the canary', async () => ((await ro.replicaSet(v2))?.status?.availableReplicas === 1 ? true : undefined), 60_000);

    const first = await rampOk(['get', 'rollout', 'web'], cli);
    assert.equal(summaryField(first, 'Strategy:'), 'Canary');
    assert.equal(summaryField(first, 'Step:'), '1/6');
    assert.equal(summaryField(first, 'SetWeight:'), '20');
    assert.equal(summaryField(first, 'ActualWeight:'), '20');
    assert.equal(summaryField(first, 'Message:'), 'CanaryPauseStep');
    assert.match(first, /registry\.local\/web:v1 \(stable\)/);
    assert.match(first, /registry\.local\/web:v2 \(canary\)/);

    const list = await rampOk(['list', 'rollouts'], cli);
    const [header, row] = list.trimEnd().split('\n');
    assert.match(header!, /^NAME\s+STRATEGY\s+STATUS\s+STEP\s+SET-WEIGHT\s+READY\s+DESIRED\s+UP-TO-DATE\s+AVAILABLE$/);
    assert.deepEqual(row!.split(/\s+/), ['web', 'Canary', 'Paused', '1/6', '20', '5/5', '5', '1', '5']);

    const explained = await rampOk(['explain', 'web'], cli);
    assert.match(explained, /It waits at step 2 of 6 \(pause\) since .*, with the canary at 20% of traffic\./);
    assert.match(explained, /Continue with: kubectl ramp promote web/);

    // The watch in a real terminal: promote, and the same screen shows the next pause.
    const pane = TmuxPane.start(ns, [process.execPath, ...pluginArgs(['get', 'rollout', 'web', '--watch'], cli)], { columns: 120, rows: 40 });
    t.after(() => pane.close());
    await eventually('the watch drawn in the terminal', async () => summaryField(pane.screen(), 'Step:') === '1/6', 60_000);
    assert.equal(await rampOk(['promote', 'web'], cli), "rollout 'web' promoted\n");
    await ro.waitFor('web', 'the canary paused at step 3', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 3);
    const redrawn = await eventually('the watch redrawn at step 3 with 2 canary pods', async () => {
      const screen = pane.screen();
      return summaryField(screen, 'Step:') === '3/6' && summaryField(screen, 'ActualWeight:') === '40' ? screen : undefined;
    }, 60_000);
    assert.equal(summaryField(redrawn, 'SetWeight:'), '40');
    assert.equal(redrawn.split('\n').filter((l) => l.startsWith('Name:')).length, 1, `one frame on the screen:\n${redrawn}`);
    assert.equal(redrawn.split('\n')[0], `Name:            web`, 'the frame starts at the top of the screen');
    const history = pane.history();
    assert.equal(history.split('\n').filter((l) => l.startsWith('Name:')).length, 1, `redrawn in place, nothing scrolled away:\n${history}`);
    assert.doesNotMatch(history, /Step:\s+1\/6/, 'no trace of the earlier frame');
    assert.equal(pane.dead(), false, 'the watch still runs');
    pane.sendKeys('C-c');
    await eventually('the watch ended by Ctrl-C', async () => pane.dead(), 20_000);

    assert.equal(await rampOk(['promote', 'web', '--full'], cli), "rollout 'web' fully promoted\n");
    const fullStatus = (await ro.get('web')).status;
    assert.ok(fullStatus?.promoteFull === true || fullStatus?.stableRS === v2, 'promote --full set status.promoteFull (or the controller already finished it)');
    const full = await ramp(['status', 'web', '--timeout', '90s'], cli);
    assert.equal(full.code, 0, `Healthy after the full promotion; stderr: ${full.stderr}`);
    const promoted = await ro.waitFor('web', 'v2 stable', (r) => healthyOn(r) && r.status?.stableRS === v2);
    assert.equal(promoted.status?.currentStepIndex, 6);
    const end = await rampOk(['get', 'rollout', 'web'], cli);
    assert.equal(summaryField(end, 'Step:'), '6/6');
    assert.equal(summaryField(end, 'SetWeight:'), '100');
    assert.equal(summaryField(end, 'Images:'), 'registry.local/web:v2 (stable)');

    // A third version, aborted at its first pause: status reports Degraded with exit 1.
    await rampOk(['set', 'image', 'web', 'web=registry.local/web:v3'], cli);
    await ro.waitFor('web', 'v3 paused at step 1', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.currentPodHash !== v2);
    assert.equal(await rampOk(['abort', 'web'], cli), "rollout 'web' aborted\n");
    assert.equal((await ro.get('web')).status?.abort, true, 'abort set status.abort');
    const aborted = await ramp(['status', 'web', '--timeout', '90s'], cli);
    assertOneLineError(aborted, 1, /^error: The rollout is in a degraded state with message: RolloutAborted: Rollout aborted update to revision 3.*; see why with: kubectl ramp explain web$/);
    const abortedView = await rampOk(['get', 'rollout', 'web'], cli);
    assert.equal(summaryField(abortedView, 'Status:'), '✖ Degraded');
    assert.equal(summaryField(abortedView, 'SetWeight:'), '0');
    await eventually('the aborted canary scaled down', async () => {
      const rss = await ro.replicaSets();
      const canary = rss.find((rs) => rs.metadata?.labels?.['rollouts-pod-template-hash'] !== v2 && rs.metadata?.labels?.['rollouts-pod-template-hash'] !== v1);
      return canary?.spec?.replicas === 0 ? true : undefined;
    }, 60_000);

    assert.equal(await rampOk(['retry', 'rollout', 'web'], cli), "rollout 'web' retried\n");
    assert.notEqual((await ro.get('web')).status?.abort, true, 'retry cleared status.abort');
    const retried = await ro.waitFor('web', 'v3 back at its first pause', (r) => phase(r) === 'Paused' && r.status?.currentStepIndex === 1 && r.status.abort !== true);
    assert.equal(retried.status?.stableRS, v2, 'v2 stays stable');
    assert.equal(summaryField(await rampOk(['get', 'rollout', 'web'], cli), 'Step:'), '1/6');
  });

  test('errors are one line with a non-zero exit: unknown rollout, forbidden, not a rollout, bad arguments', async (t) => {
    const ns = await testNamespace(t);
    const file = manifestDir(t);
    const cli = { namespace: ns };

    assertOneLineError(await ramp(['get', 'rollout', 'nope'], cli), 1, new RegExp(`^error: rollout "nope" not found in namespace "${ns}"; list them with: kubectl ramp list rollouts -n ${ns}$`));
    assertOneLineError(await ramp(['promote', 'nope'], cli), 1, /rollout "nope" not found/);
    assertOneLineError(await ramp(['status', 'nope', '--timeout', '5s'], cli), 1, /rollout "nope" not found/);

    const restricted = process.env.RAMP_RESTRICTED_KUBECONFIG;
    assert.ok(restricted, 'the test runner provides RAMP_RESTRICTED_KUBECONFIG');
    const forbidden = await ramp(['get', 'rollout', 'app'], { ...cli, kubeconfig: restricted });
    assertOneLineError(forbidden, 1, /forbidden: User "[^"]+" cannot get resource "rollouts" in API group "argoproj\.io".*; ask a cluster administrator for a Role that allows it$/);
    assertOneLineError(await ramp(['abort', 'app'], { ...cli, kubeconfig: restricted }), 1, /forbidden: .*cannot patch resource "rollouts\/status"|forbidden: .*cannot patch resource "rollouts"/);

    const services = file('services.yaml', service('app-active', 'app'));
    assertOneLineError(await ramp(['create', '-f', services], cli), 1, /document 1 is a v1 Service; create takes Rollout, AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun \(use kubectl apply for other kinds\)$/);
    const invalid = file('invalid.yaml', canaryRollout('bad', [{ setWeight: 150 }]));
    assertOneLineError(await ramp(['create', '-f', invalid], cli), 1, /Rollout "bad" is invalid: spec\.strategy\.canary\.steps\[0\]\.setWeight: .*kubectl ramp lint/);
    assertOneLineError(await ramp(['create', '-f', '/no/such/file.yaml'], cli), 1, /cannot read "\/no\/such\/file\.yaml": no such file$/);
    assert.equal(kubectl(['get', 'rollouts', '-n', ns, '-o', 'name']), '', 'nothing was created');

    assertOneLineError(await ramp(['set', 'image', 'app', 'registry.local/app:v2'], cli), 1, /expected CONTAINER=IMAGE, got "registry\.local\/app:v2"/);
    assertOneLineError(await ramp(['status', 'app', '--timeout', 'soon'], cli), 1, /invalid --timeout "soon"/);
    const unreachable = file('kubeconfig', {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    assertOneLineError(await ramp(['get', 'rollout', 'app'], { ...cli, kubeconfig: unreachable }), 1, /check that the cluster is running/);
  });

  test('kubectl\'s connection flags: --server, --token, --certificate-authority, --insecure-skip-tls-verify, --as, --as-group, --cluster, --request-timeout, -v and --loglevel', async (t) => {
    const ns = await testNamespace(t);
    const file = manifestDir(t);
    const state = readState();
    assert.ok(state, 'the local control plane is up');
    await rampOk(['create', '-f', file('app.yaml', canaryRollout('app', [{ setWeight: 50 }, { pause: {} }], 1))], { namespace: ns });
    // No kubeconfig: an empty file stands in for a machine without one (~/.kube/config may exist here).
    const plugin = (args: string[]): Promise<CliResult> => runProcess(process.execPath, [PLUGIN, '--kubeconfig=/dev/null', '-n', ns, ...args]);
    const empty = await plugin(['get', 'rollout', 'app']);
    assert.equal(empty.code, 1, 'without a kubeconfig or --server there is nothing to connect to');

    const direct = ['--server', state.server, '--token', state.adminToken];
    assert.match(await pluginOk(plugin, [...direct, '--certificate-authority', state.caCert, 'get', 'rollout', 'app']), /Name:\s+app/);
    assert.match(await pluginOk(plugin, [...direct, '--insecure-skip-tls-verify', 'list', 'rollouts']), /^app\b/m);
    const untrusted = await plugin([...direct, 'get', 'rollout', 'app']);
    assertOneLineError(untrusted, 1, /certificate/);

    // Impersonation: a user with no role is refused by name; the same user in system:masters is not.
    const asNobody = await ramp(['--as', 'nobody@example.com', 'get', 'rollout', 'app'], { namespace: ns });
    assertOneLineError(asNobody, 1, /forbidden: User "nobody@example\.com" cannot get resource "rollouts"/);
    assert.match(await rampOk(['--as', 'nobody@example.com', '--as-group', 'system:masters', 'get', 'rollout', 'app'], { namespace: ns }), /Name:\s+app/);
    assertOneLineError(await ramp(['--as-group', 'system:masters', 'get', 'rollout', 'app'], { namespace: ns }), 1, /--as-group needs --as/);
    assertOneLineError(await ramp(['--cluster', 'elsewhere', 'get', 'rollout', 'app'], { namespace: ns }), 1, /--cluster "elsewhere": no cluster of that name in the kubeconfig/);

    // Request tracing as kubectl -v=6 prints it, on stderr, and the same with Argo's --loglevel debug.
    for (const level of [['-v', '6'], ['--loglevel', 'debug']]) {
      const traced = await ramp([...level, 'get', 'rollout', 'app'], { namespace: ns });
      assert.equal(traced.code, 0, traced.stderr);
      assert.match(traced.stderr, new RegExp(`^GET https://127\\.0\\.0\\.1:\\d+/apis/argoproj\\.io/v1alpha1/namespaces/${ns}/rollouts/app 200 in \\d+ milliseconds$`, 'm'));
      assert.match(traced.stdout, /Name:\s+app/);
    }
    assert.equal((await ramp(['get', 'rollout', 'app'], { namespace: ns })).stderr, '', 'no trace without -v');

    assert.match(await rampOk(['--request-timeout', '30s', 'get', 'rollout', 'app'], { namespace: ns }), /Name:\s+app/);
    assertOneLineError(await ramp(['--request-timeout', 'soon', 'get', 'rollout', 'app'], { namespace: ns }), 1, /invalid --request-timeout "soon"/);
  });

  test('create -f a -f b -w watches both rows; list rollouts -w --timestamps changes rows in place on a terminal', async (t) => {
    const ns = await testNamespace(t);
    const controller = await startController({ namespace: ns, name: `${ns}-watches` });
    t.after(() => controller.kill());
    const file = manifestDir(t);
    const alpha = file('alpha.yaml', canaryRollout('alpha', [{ setWeight: 50 }, { pause: {} }], 2));
    const beta = file('beta.yaml', canaryRollout('beta', [{ setWeight: 50 }, { pause: {} }], 2));
    const created = TmuxPane.start(`${ns}-create`, [process.execPath, ...pluginArgs(['create', '-f', alpha, '-f', beta, '-w'], { namespace: ns })], { columns: 160, rows: 20 });
    t.after(() => created.close());
    await eventually('both created rollouts Healthy in the create watch', async () => {
      const screen = created.screen();
      return /^alpha\s+Canary\s+Healthy/m.test(screen) && /^beta\s+Canary\s+Healthy/m.test(screen) ? screen : undefined;
    }, 60_000);
    assert.match(created.history(), /rollout\.argoproj\.io\/alpha created\nrollout\.argoproj\.io\/beta created/);
    created.sendKeys('C-c');
    await eventually('create -w ends on Ctrl-C', async () => created.dead(), 10_000);

    const list = TmuxPane.start(`${ns}-list`, [process.execPath, ...pluginArgs(['list', 'rollouts', '-w', '--timestamps'], { namespace: ns })], { columns: 160, rows: 20 });
    t.after(() => list.close());
    await eventually('the list shows both rows', async () => (/^\S+Z\s+alpha\s+Canary\s+Healthy/m.test(list.screen()) ? true : undefined), 30_000);
    await rampOk(['set', 'image', 'alpha', 'alpha=registry.local/alpha:v2'], { namespace: ns });
    const paused = await eventually('alpha Paused at step 1 in the same table', async () => {
      const screen = list.screen();
      return /^\S+Z\s+alpha\s+Canary\s+Paused\s+1\/2/m.test(screen) ? screen : undefined;
    }, 60_000);
    assert.equal(paused.match(/^TIMESTAMP\s+NAME/gm)?.length, 1, `one table, changed in place:\n${paused}`);
    assert.equal(paused.match(/\balpha\b/g)?.length, 1, 'one alpha row');
    list.sendKeys('C-c');
    await eventually('list -w ends on Ctrl-C', async () => list.dead(), 10_000);
  });

  test('shell completion: the bash script and kubectl\'s plugin completion complete rollout names from the cluster', async (t) => {
    const ns = await testNamespace(t);
    const file = manifestDir(t);
    await rampOk(['create', '-f', file('apps.yaml', canaryRollout('checkout', [{ pause: {} }], 1), canaryRollout('cart', [{ pause: {} }], 1))], { namespace: ns });
    const dir = mkdtempSync(join(tmpdir(), 'ramp-completion-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // kubectl-ramp on PATH, as `npm link` installs it, pointed at the test cluster.
    writeFileSync(join(dir, 'kubectl-ramp'), `#!/bin/sh\nKUBECONFIG=${kubeconfigPath()} exec ${process.execPath} ${PLUGIN} "$@"\n`);
    chmodSync(join(dir, 'kubectl-ramp'), 0o755);
    writeFileSync(join(dir, 'completion.bash'), await rampOk(['completion', 'bash']));
    const bash = (words: string, cword: number): string[] => {
      const result = spawnSync('bash', ['-c', `source ${dir}/completion.bash; COMP_WORDS=(${words}); COMP_CWORD=${cword}; _kubectl_ramp; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir },
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      return result.stdout.split('\n').filter((l) => l !== '');
    };
    assert.deepEqual(bash(`kubectl-ramp -n ${ns} promote ""`, 4), ['cart', 'checkout']);
    assert.deepEqual(bash(`kubectl-ramp -n ${ns} get rollout ch`, 5), ['checkout']);
    assert.deepEqual(bash('kubectl-ramp prom', 1), ['promote']);
    assert.ok(bash('kubectl-ramp -n ""', 2).includes(ns), 'namespaces after -n');

    // kubectl 1.26+ runs kubectl_complete-ramp for `kubectl ramp <Tab>`.
    const kubectlCompletion = spawnSync(join(dirname(PLUGIN), 'kubectl_complete-ramp'), ['-n', ns, 'abort', 'c'], {
      env: { ...process.env, KUBECONFIG: kubeconfigPath() },
      encoding: 'utf8',
    });
    assert.equal(kubectlCompletion.stdout, 'cart\ncheckout\n:4\n');
  });
});
